"""Citations of decisions in the texts of §§, checked against the register.

A text that cites "Kommunfullmäktige … den 26 maj 2023, § 94" is parsed by
``citation_rules.parse_citations`` and compared by ``citation_rules.check_citation`` with
the decisions of the citing decision's own organisation (a kommun's texts cite its own
organs). A citation that matches is shown as a reference to that decision; one whose date,
organ or § disagrees with the register is a warning on the decision page and in the
secretary's list. Citations are computed from the texts on every read, never stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from decisions.chains import citation_rules
from decisions.models import Decision

TEXT_FIELDS = ("description", "preparation", "procedure", "decision_text", "basis")


@dataclass(frozen=True)
class CheckedCitation:
    """A citation in ``decision_id``'s texts and what the register says of it."""

    decision_id: int
    check: citation_rules.CitationCheck
    target_label: str = ""

    @property
    def is_warning(self) -> bool:
        return self.check.status != citation_rules.CITATION_MATCH

    @property
    def message(self) -> str:
        return "; ".join(self.check.warnings)


def citations_in(decision: Decision) -> list[citation_rules.Citation]:
    """The distinct decisions cited in ``decision``'s texts (the same organ, date and § once)."""
    seen: set[tuple[str, object, int]] = set()
    found: list[citation_rules.Citation] = []
    for name in TEXT_FIELDS:
        for citation in citation_rules.parse_citations(getattr(decision, name) or ""):
            key = (citation_rules.organ_stem(citation.organ), citation.date, citation.number)
            if key in seen:
                continue
            seen.add(key)
            found.append(citation)
    return found


def register_pool(organisation_ids: Iterable[int], *, numbers=(), dates=()) -> dict:
    """The decisions of these organisations a citation may refer to, by organisation (one
    query). With ``numbers``/``dates`` only the decisions with one of those §§ or dates."""
    query = Decision.objects.filter(organ__organisation_id__in=list(organisation_ids))
    if numbers or dates:
        query = query.filter(Q(number__in=list(numbers)) | Q(meeting__held_on__in=list(dates)))
    rows = query.values_list(
        "id", "number", "meeting__held_on", "organ__code", "organ__name", "organ__organisation_id"
    )
    pool: dict[int, list[citation_rules.RegisteredDecision]] = defaultdict(list)
    for pk, number, held_on, code, name, organisation_id in rows:
        pool[organisation_id].append(
            citation_rules.RegisteredDecision(
                decision_id=pk, number=number, date=held_on, organ_names=(name, code)
            )
        )
    return pool


def check_decision(
    decision: Decision, pool: dict[int, list[citation_rules.RegisteredDecision]]
) -> list[CheckedCitation]:
    """Every citation in ``decision``'s texts, checked against ``pool`` (by organisation).
    ``decision.organ`` must be loaded."""
    candidates = [
        c for c in pool.get(decision.organ.organisation_id, []) if c.decision_id != decision.pk
    ]
    by_id = {c.decision_id: c for c in candidates}
    checked = []
    for citation in citations_in(decision):
        check = citation_rules.check_citation(citation, candidates)
        target = by_id.get(check.decision_id)
        checked.append(CheckedCitation(decision.pk, check, label_of(target) if target else ""))
    return checked


def label_of(candidate: citation_rules.RegisteredDecision) -> str:
    """``KF 2021-05-26 § 94`` for a decision of the pool."""
    code = candidate.organ_names[-1] if candidate.organ_names else ""
    when = candidate.date.isoformat() if candidate.date else "(datum okänt)"
    return f"{code} {when} § {candidate.number or '?'}"


def checks_for(decision: Decision) -> list[CheckedCitation]:
    """The citations of one decision (one query, none when its texts cite nothing)."""
    cited = citations_in(decision)
    if not cited:
        return []
    pool = register_pool(
        [decision.organ.organisation_id],
        numbers={c.number for c in cited},
        dates={c.date for c in cited},
    )
    return check_decision(decision, pool)


def all_warnings() -> list[tuple[Decision, list[CheckedCitation]]]:
    """Every decision whose texts cite a decision the register does not hold as cited, with
    those citations (two queries, whatever the number of decisions)."""
    texts = Q()
    for name in TEXT_FIELDS:
        texts |= Q(**{f"{name}__contains": "§"})
    decisions = list(
        Decision.objects.filter(texts)
        .select_related("meeting", "organ", "organ__organisation", "case")
        .order_by("organ__organisation__name", "meeting__held_on", "organ__code", "number")
    )
    pool = register_pool({d.organ.organisation_id for d in decisions})
    result = []
    for decision in decisions:
        warnings = [c for c in check_decision(decision, pool) if c.is_warning]
        if warnings:
            result.append((decision, warnings))
    return result
