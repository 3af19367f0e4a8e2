"""Pure rules for citations of decisions in texts ("Kommunfullmäktiges beslut 15 juni 2020,
§ 128"): finding them and checking them against the register. ``decisions.chains.citations``
loads the candidates and calls these.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

CITATION_DATE_MISMATCH = "datumet i texten ({cited}) stämmer inte med registret ({registered})"
CITATION_NUMBER_MISMATCH = (
    "paragrafen i texten (§ {cited}) stämmer inte med registret (§ {registered})"
)
CITATION_ORGAN_MISMATCH = "organet i texten ({cited}) stämmer inte med registret ({registered})"
CITATION_NOT_FOUND = "beslutet som texten hänvisar till finns inte i registret"

# --------------------------------------------------------------------------------------------
# Citations of decisions in texts ("Kommunfullmäktiges beslut 15 juni 2020, § 128")
# --------------------------------------------------------------------------------------------

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
ORGAN_CODES = ("KSAU", "KF", "KS", "SN", "VFN", "FS")

_MONTH = "|".join(MONTHS)
_DATE_A = (
    rf"(?:(?P<da>\d{{1,2}})\s+(?P<ma>{_MONTH})\s+(?P<ya>\d{{4}})|(?P<isoa>\d{{4}}-\d{{2}}-\d{{2}}))"
)
_DATE_B = (
    rf"(?:(?P<db>\d{{1,2}})\s+(?P<mb>{_MONTH})\s+(?P<yb>\d{{4}})|(?P<isob>\d{{4}}-\d{{2}}-\d{{2}}))"
)
# "den 26 maj 2023, § 94" / "15 juni 2020, §128" / "23 november 2022 § 222"
_DATE_THEN_NUMBER = re.compile(rf"(?:\bden\s+)?\b{_DATE_A},?\s*§\s*(?P<na>\d+)\b", re.IGNORECASE)
# "§ 94 2021-05-26" / "§ 94 den 26 maj 2021"
_NUMBER_THEN_DATE = re.compile(rf"§\s*(?P<nb>\d+),?\s+(?:den\s+)?{_DATE_B}\b", re.IGNORECASE)
_ORGAN_WORDS = re.compile(
    r"\b\w*(?:fullmäktiges?|nämnd(?:ens|en|s)?|styrelse(?:ns|n|s)?|utskott(?:ets|et|s)?)"
    r"(?:\s+arbetsutskott(?:ets|et)?)?\b",
    re.IGNORECASE,
)
_ORGAN_CODE = re.compile(rf"\b(?:{'|'.join(ORGAN_CODES)})\b")
_SENTENCE_BREAK = re.compile(r"[.!?:;]\s|•|\n\s*\n")
_LOOKBACK = 160

_STEMS = (
    ("fullmäktiges", "fullmäktige"),
    ("nämndens", "nämnd"),
    ("nämnden", "nämnd"),
    ("nämnds", "nämnd"),
    ("styrelsens", "styrelse"),
    ("styrelsen", "styrelse"),
    ("styrelses", "styrelse"),
    ("utskottets", "utskott"),
    ("utskottet", "utskott"),
    ("utskotts", "utskott"),
)


def organ_stem(name: str) -> str:
    """An organ's name in a form that compares equal across inflections:
    "Kommunfullmäktiges" → "kommunfullmäktige", "Välfärdsnämndens" → "välfärdsnämnd",
    "Kommunstyrelsens arbetsutskott" → "kommunstyrelse arbetsutskott", "KF" → "kf"."""
    words = []
    for word in name.lower().split():
        for suffix, stem in _STEMS:
            if word.endswith(suffix):
                word = word[: -len(suffix)] + stem
                break
        words.append(word)
    return " ".join(words)


@dataclass(frozen=True)
class Citation:
    """A decision cited in a text: the organ's words as written (empty if the text gives
    none), the date and the §. ``start``/``end`` delimit the date-and-§ part in the text."""

    organ: str
    date: dt.date
    number: int
    text: str
    start: int
    end: int


def _date_from(match: re.Match[str], suffix: str) -> dt.date | None:
    iso = match.group(f"iso{suffix}")
    try:
        if iso:
            return dt.date.fromisoformat(iso)
        return dt.date(
            int(match.group(f"y{suffix}")),
            MONTHS.index(match.group(f"m{suffix}").lower()) + 1,
            int(match.group(f"d{suffix}")),
        )
    except ValueError:
        return None


def _organ_before(text: str, start: int) -> str:
    window_start = max(0, start - _LOOKBACK)
    window = text[window_start:start]
    breaks = list(_SENTENCE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    found = [*_ORGAN_WORDS.finditer(window), *_ORGAN_CODE.finditer(window)]
    if not found:
        return ""
    last = max(found, key=lambda m: m.end())
    return " ".join(last.group(0).split())


def parse_citations(text: str) -> list[Citation]:
    """The decisions a text cites by date and §, in the order they appear, each with the
    organ named before it in the same sentence (if any). A § without a date (or a date
    without a §) is not a citation this rule can check."""
    found: list[tuple[int, int, dt.date, int]] = []
    for match in _DATE_THEN_NUMBER.finditer(text):
        date = _date_from(match, "a")
        if date is not None:
            found.append((match.start(), match.end(), date, int(match.group("na"))))
    for match in _NUMBER_THEN_DATE.finditer(text):
        date = _date_from(match, "b")
        if date is not None:
            found.append((match.start(), match.end(), date, int(match.group("nb"))))
    found.sort()
    citations: list[Citation] = []
    last_end = -1
    for start, end, date, number in found:
        if start < last_end:
            continue
        last_end = end
        citations.append(
            Citation(
                organ=_organ_before(text, start),
                date=date,
                number=number,
                text=" ".join(text[start:end].split()),
                start=start,
                end=end,
            )
        )
    return citations


@dataclass(frozen=True)
class RegisteredDecision:
    """A decision of the register a citation may refer to: its §, date and the names its
    organ goes by (full name and code)."""

    decision_id: int
    number: int | None
    date: dt.date | None
    organ_names: tuple[str, ...] = ()


CITATION_MATCH = "match"
CITATION_MISMATCH = "mismatch"
CITATION_NOT_IN_REGISTER = "not_found"


@dataclass(frozen=True)
class CitationCheck:
    """The outcome of comparing a citation with the register: ``status`` is
    ``match``, ``mismatch`` (``decision_id`` is then the decision the text most likely
    means, ``fields`` the fields that disagree and ``warnings`` say how) or ``not_found``."""

    citation: Citation
    status: str
    decision_id: int | None = None
    fields: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def check_citation(citation: Citation, candidates: Iterable[RegisteredDecision]) -> CitationCheck:
    """Compare a decision cited in a text with the decisions of the register.

    Real texts carry errors (the KSAU 2024-01-24 § 9 text cites KF "26 maj 2023, § 94"
    where the register holds KF § 94 of 2021-05-26); the product surfaces them. The most
    likely meant decision is one with the same organ and §, then one with the same organ
    and date, then one with the same § and date; its disagreeing fields are reported.
    """
    pool = list(candidates)
    cited_organ = organ_stem(citation.organ) if citation.organ else ""

    def organ_ok(candidate: RegisteredDecision) -> bool:
        return not cited_organ or any(
            organ_stem(name) == cited_organ for name in candidate.organ_names
        )

    def closest(options: list[RegisteredDecision]) -> RegisteredDecision:
        def distance(c: RegisteredDecision) -> int:
            if c.date is None:
                return 10**9
            return abs((c.date - citation.date).days)

        return min(options, key=distance)

    exact = [
        c for c in pool if organ_ok(c) and c.number == citation.number and c.date == citation.date
    ]
    if exact:
        return CitationCheck(citation, CITATION_MATCH, exact[0].decision_id)

    same_number = [c for c in pool if organ_ok(c) and c.number == citation.number]
    if same_number:
        best = closest(same_number)
        if best.date is None:
            return CitationCheck(citation, CITATION_MATCH, best.decision_id)
        warning = CITATION_DATE_MISMATCH.format(
            cited=citation.date.isoformat(), registered=best.date.isoformat()
        )
        return CitationCheck(citation, CITATION_MISMATCH, best.decision_id, ("date",), (warning,))

    same_date = [c for c in pool if organ_ok(c) and c.date == citation.date]
    if same_date:
        best = same_date[0]
        if best.number is None:
            return CitationCheck(citation, CITATION_MATCH, best.decision_id)
        warning = CITATION_NUMBER_MISMATCH.format(cited=citation.number, registered=best.number)
        return CitationCheck(citation, CITATION_MISMATCH, best.decision_id, ("number",), (warning,))

    other_organ = [c for c in pool if c.number == citation.number and c.date == citation.date]
    if other_organ:
        best = other_organ[0]
        registered = best.organ_names[0] if best.organ_names else ""
        warning = CITATION_ORGAN_MISMATCH.format(cited=citation.organ, registered=registered)
        return CitationCheck(citation, CITATION_MISMATCH, best.decision_id, ("organ",), (warning,))

    return CitationCheck(citation, CITATION_NOT_IN_REGISTER, warnings=(CITATION_NOT_FOUND,))
