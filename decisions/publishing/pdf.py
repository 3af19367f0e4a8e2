"""Protokollsutdrag and whole protocols as PDF/A with WeasyPrint (rules 29 and 30).

Three things matter for speed and safety, and are set up once per process here:

- one shared ``FontConfiguration`` (a new one per render grows memory by ~0.25 MB per PDF);
- the stylesheet is parsed once, with that configuration;
- a URL fetcher that serves only the fonts and stylesheets under ``static/`` and refuses
  everything else: no network, no files named by user text.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import gc
import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from decisions import rules as date_rules
from decisions.models import (
    Attendance,
    Ballot,
    Decision,
    DecisionLink,
    JusteringSnapshot,
    Meeting,
    Motion,
)
from decisions.publishing import snapshot

# WeasyPrint logs every step (even at import) at INFO; a server printing extracts needs none.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# A protocol justerat on a date the sources do not give (Meeting.approved_date_unknown).
APPROVED_DATE_UNKNOWN = "Justerat (datum okänt)"
EXTRACT_NOT_APPROVED = (
    "Protokollsutdrag kan bara utfärdas för justerade paragrafer. {label} är inte justerad."
)
RESOURCE_REFUSED = "Resursen {url} får inte hämtas till en PDF."

# PDF/A-2b: the archival level RA-FS 2009:2 accepts (PDF/A-2 rather than -3: no arbitrary
# embedded files), with tags added for accessibility (rule 29).
PDF_VARIANT = "pdf/a-2b"
STATIC_DIR = Path(settings.BASE_DIR) / "static"
ALLOWED_DIRS = (STATIC_DIR / "fonts", STATIC_DIR / "css")
STYLESHEET = STATIC_DIR / "css" / "pdf.css"
# Decisions whose incoming link means the printed § no longer stands as it was taken.
ENDING_KINDS = (
    DecisionLink.Kind.REVOKES,
    DecisionLink.Kind.AMENDS,
    DecisionLink.Kind.WITHDRAWS,
)


class ExtractNotAllowed(Exception):
    """Raised for a § that is not justerad; the message is for the user."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``file:`` URLs inside the font and CSS folders, from memory after the first read;
    refuses every other URL (WeasyPrint then leaves the resource out)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self._cache: dict[str, bytes] = {}

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise ValueError(RESOURCE_REFUSED.format(url=url))
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(d.resolve()) for d in ALLOWED_DIRS) or not path.is_file():
            raise ValueError(RESOURCE_REFUSED.format(url=url))
        key = str(path)
        if key not in self._cache:
            self._cache[key] = path.read_bytes()
        mime = "text/css" if path.suffix == ".css" else "font/ttf"
        return URLFetcherResponse(url, body=self._cache[key], headers={"Content-Type": mime})


FONT_CONFIG = FontConfiguration()
URL_FETCHER = StaticOnlyFetcher()


@functools.cache
def _stylesheet() -> CSS:
    return CSS(
        filename=str(STYLESHEET),
        url_fetcher=URL_FETCHER,
        font_config=FONT_CONFIG,
    )


def _load_libc():
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _load_libc()
# A render of more pages than this (a whole protocol) leaves a heap peak behind; it is given
# back to the operating system afterwards so that a worker's memory stays flat.
TRIM_AFTER_PAGES = 8


def release_memory() -> None:
    """Free what a large render left behind and return the heap's free pages to the operating
    system (glibc's ``malloc_trim``; a no-op elsewhere)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def html_to_pdf(html: str) -> bytes:
    """Render our HTML to tagged PDF/A with the shared fonts, stylesheet and fetcher."""
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=URL_FETCHER)
    pages = []
    content = document.write_pdf(
        stylesheets=[_stylesheet()],
        font_config=FONT_CONFIG,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        custom_metadata=True,
        finisher=lambda rendered, _pdf: pages.append(len(rendered.pages)),
    )
    if pages and pages[0] > TRIM_AFTER_PAGES:
        release_memory()
    return content


# --- loading -------------------------------------------------------------------------------

DECISION_PREFETCH = (
    Prefetch(
        "motions",
        queryset=Motion.objects.select_related("mover").prefetch_related("supporters"),
    ),
    Prefetch(
        "votes__ballots",
        queryset=Ballot.objects.select_related("person").order_by("order", "id"),
    ),
    "reservations__person",
    "recusals__person",
    "corrections",
    Prefetch(
        "links_in",
        queryset=DecisionLink.objects.filter(kind__in=ENDING_KINDS).select_related(
            "source__meeting__organ", "source__meeting__snapshot"
        ),
        to_attr="ending_links",
    ),
)


def load_decision(decision: Decision) -> Decision:
    """Load what an extract prints, in a constant number of queries (one per relation)."""
    prefetch_related_objects(
        [decision],
        "meeting__organ__organisation",
        "case",
        "meeting__approvers",
        *DECISION_PREFETCH,
    )
    return decision


def load_meeting(meeting_id: int) -> Meeting:
    """A meeting with its attendance, justerare and every § with what the § prints."""
    return (
        Meeting.objects.select_related("organ__organisation", "chair")
        .prefetch_related(
            "approvers",
            Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("case")
                .prefetch_related(*DECISION_PREFETCH)
                .order_by("number", "id"),
            ),
        )
        .get(pk=meeting_id)
    )


def content_key(*, correction_ids, ending_link_ids) -> str:
    """What, besides the justerad § itself, an extract prints that can change later."""
    raw = f"c{sorted(correction_ids or [])}l{sorted(ending_link_ids or [])}"
    return hashlib.sha256(raw.encode()).hexdigest()


# --- context -------------------------------------------------------------------------------


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "datum okänt"


def _names(people) -> str:
    names = [str(p) for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def _motion_line(motion: Motion) -> dict:
    supporters = _names(motion.supporters.all())
    mover = str(motion.mover) if motion.mover else ""
    # The text may already be the protocol's whole sentence, starting with the mover's name.
    if motion.mover and motion.text.startswith(motion.mover.name):
        lead = ""
    else:
        lead = mover
    return {"lead": lead, "supporters": supporters if lead else "", "text": motion.text}


def _vote_context(vote) -> dict:
    ballots = list(vote.ballots.all())
    totals = {
        choice: sum(1 for b in ballots if b.choice == choice) for choice in Ballot.Choice.values
    }
    return {
        "vote": vote,
        "ballots": ballots,
        "total_yes": totals["yes"] if ballots else vote.yes_count,
        "total_no": totals["no"] if ballots else vote.no_count,
        "total_abstain": totals["abstain"] if ballots else vote.abstain_count,
    }


def _organ_name(meeting: Meeting, printing: Meeting) -> str:
    """The organ of a later decision's ``meeting`` as ``printing``'s protocol names it: from
    that meeting's snapshot once it is justerat, else as ``printing`` names its own organ when
    it is the same one (rule 38: names as they stood at justering)."""
    try:
        return meeting.snapshot.data["organ"]["name"]
    except JusteringSnapshot.DoesNotExist:
        return printing.organ.name if meeting.organ_id == printing.organ_id else meeting.organ.name


def _decision_context(decision: Decision, *, masked: bool = False) -> dict:
    meeting = decision.meeting
    masked_under = decision.secret_under if masked else ""
    if masked_under:
        # The public version: the § is there, numbered, with its public title and the
        # ground of the secrecy; nothing of its content (OSL 5 kap. 5 §, rule 21).
        return {
            "d": decision,
            "dnr": decision.case.number,
            "masked_under": masked_under,
            "masked_title": decision.case.title_for(may_see_secret=False),
        }
    if decision.approved_immediately:
        approval = "Paragrafen är justerad"
    elif meeting.approved_on:
        approval = f"Justerat {meeting.approved_on.isoformat()}"
    elif meeting.approved_date_unknown:
        approval = APPROVED_DATE_UNKNOWN
    else:
        approval = ""
    endings = [
        {
            "kind": link.get_kind_display(),
            "source": f"{_organ_name(link.source.meeting, meeting)} "
            f"{_date(link.source.meeting.held_on)} "
            f"{link.source.label}",
        }
        for link in getattr(decision, "ending_links", [])
    ]
    return {
        "d": decision,
        "dnr": decision.case.number if decision.case else "",
        "motions": [_motion_line(m) for m in decision.motions.all()],
        "votes": [_vote_context(v) for v in decision.votes.all()],
        "reservations": list(decision.reservations.all()),
        "reservation_names": _names(r.person for r in decision.reservations.all()),
        "recusals": list(decision.recusals.all()),
        "corrections": list(decision.corrections.all()),
        "endings": endings,
        "approval": approval,
    }


def _header(meeting: Meeting) -> dict:
    return {
        "organisation": meeting.organ.organisation.name,
        "organ": meeting.organ.name,
        "held_on": _date(meeting.held_on),
    }


# --- rendering -----------------------------------------------------------------------------


def render_extract_html(
    *, decision: Decision, certified_by: str, issued_on: dt.date, frozen: dict | None = None
) -> str:
    """``frozen``: the meeting's snapshot data when the caller has it; else it is read here."""
    load_decision(decision)
    if not decision.is_justerad:
        raise ExtractNotAllowed(EXTRACT_NOT_APPROVED.format(label=decision.label))
    if frozen is None:
        frozen = (
            JusteringSnapshot.objects.filter(meeting_id=decision.meeting_id)
            .values_list("data", flat=True)
            .first()
        )
    if frozen is not None:  # names as they stood at justering (rule 38)
        snapshot.apply_snapshot_to_decision(decision, frozen)
    meeting = decision.meeting
    context = {
        **_header(meeting),
        **_decision_context(decision),
        "title": f"Protokollsutdrag {meeting.organ.name} {_date(meeting.held_on)} "
        f"{decision.label} {decision.title}",
        "approvers": list(meeting.approvers.all()),
        "certified_by": certified_by,
        "issued_on": issued_on.isoformat(),
    }
    return render_to_string("decisions/pdf/extract.html", context)


def render_extract_pdf(
    *, decision: Decision, certified_by: str, issued_on: dt.date, frozen: dict | None = None
) -> bytes:
    """A protokollsutdrag of one justerad § with its utdragsbestyrkande (rule 30).

    Raises ``ExtractNotAllowed`` with ``EXTRACT_NOT_APPROVED`` for a § not yet justerad.
    """
    return html_to_pdf(
        render_extract_html(
            decision=decision, certified_by=certified_by, issued_on=issued_on, frozen=frozen
        )
    )


def _chair_first(attendances, chair_id):
    """Ordförande first, then the order the protocol lists them in."""
    return sorted(attendances, key=lambda a: a.person_id != chair_id)


def _anslag(meeting: Meeting) -> tuple[dt.date | None, dt.date | None]:
    """The anslag dates the protocol prints: as the snapshot knew them for a justerat
    protocol (the original is frozen at justering; a later posting is on the anslagstavla),
    as they are for a draft."""
    frozen = getattr(meeting, "frozen", None)
    if frozen is not None:
        posted = frozen["posted_on"] and dt.date.fromisoformat(frozen["posted_on"])
        removal = frozen["removed_on"] and dt.date.fromisoformat(frozen["removed_on"])
    else:
        posted, removal = meeting.posted_on, meeting.removed_on
    if removal is None and posted:
        removal = date_rules.last_appeal_day(posted_on=posted) + dt.timedelta(days=1)
    return posted or None, removal or None


def _approval_lines(meeting: Meeting) -> list[dict]:
    """The signature page of a justerat protocol: who approved, in which role, when, how."""
    frozen = getattr(meeting, "frozen", None)
    if not frozen:
        return []
    persons = frozen["persons"]
    return [
        {
            "name": persons.get(str(row["person"]), {}).get("name", ""),
            "role": row["role"],
            "on": row["on"] or "datum okänt",
            "how": row["how"],
        }
        for row in frozen["approvals"]
    ]


def render_protocol_html(*, meeting: Meeting, masked: bool = False) -> str:
    """The protocol's HTML; ``masked``: the public version, the §§ of secret ärenden masked
    (for everyone who may not see them)."""
    attendances = list(meeting.attendances.all())
    by_role = {
        role: _chair_first([a for a in attendances if a.role == role], meeting.chair_id)
        for role in Attendance.Role.values
    }
    posted_on, removal = _anslag(meeting)
    decisions = list(meeting.decisions.all())
    numbers = [d.number for d in decisions if d.number]
    context = {
        **_header(meeting),
        "m": meeting,
        "draft": not meeting.is_approved,
        "title": f"Protokoll {meeting.organ.name} {_date(meeting.held_on)}",
        "members": by_role[Attendance.Role.MEMBER],
        "serving_substitutes": by_role[Attendance.Role.SERVING_SUBSTITUTE],
        "substitutes": by_role[Attendance.Role.SUBSTITUTE],
        "others": by_role[Attendance.Role.OTHER],
        # A justerare who chairs signs as ordförande, on the ordförande's line.
        "approvers": [p for p in meeting.approvers.all() if p.pk != meeting.chair_id],
        "posted_on": posted_on,
        "removal_on": removal,
        "frozen": getattr(meeting, "frozen", None) is not None,
        "approval_lines": _approval_lines(meeting),
        "any_masked": masked and any(d.secret_under for d in decisions),
        "span": f"§§ {min(numbers)}–{max(numbers)}" if numbers else "",
        "decisions": [_decision_context(d, masked=masked) for d in decisions],
    }
    return render_to_string("decisions/pdf/protocol.html", context)


def render_protocol_pdf(*, meeting: Meeting, masked: bool = False) -> bytes:
    """The whole protocol from the rows as they are: a first page with attendance, justering
    and anslag, then every §; before justering every page is marked "Ojusterat". Serve a
    justerat protocol from its frozen original instead (``originals.protocol_pdf``)."""
    return html_to_pdf(render_protocol_html(meeting=load_meeting(meeting.pk), masked=masked))
