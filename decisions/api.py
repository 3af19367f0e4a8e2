"""The decisions app's part of the JSON API under /api/v1/ (docs/api.md; assembled in
insjoriket.api): every endpoint that reads §§ — a case with its linked cases and the timeline
of its decision chain, one decision, the search box (it finds §§ too) and the members'
status (it follows from the force of the decisions behind it).

Callers see what the pages would show them: anonymous callers only justerade §§ and no secret
case titles (cases.access). Force is computed over the whole chain on ``?on=``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema

from cases.api import CaseSummaryOut, DocumentOut, case_summary, document_entries
from decisions import rules as date_rules
from decisions.chains import citations, membership
from decisions.chains import history as chain_history
from decisions.chains import rules as chain_rules
from decisions.models import Decision
from decisions.search import search as run_search
from insjoriket.access import can_see_secret, can_see_unapproved_decisions
from insjoriket.api_errors import ApiError, ErrorOut, swedish_parameter

router = Router(tags=["Beslut"])

BAD_CASE_ID = gettext_lazy("Ogiltigt id: ange ärendets id som ett positivt heltal.")
BAD_DECISION_ID = gettext_lazy("Ogiltigt id: ange beslutets id som ett positivt heltal.")
NO_SUCH_CASE = gettext_lazy("Det finns inget ärende med id {id}.")
NO_SUCH_DECISION = gettext_lazy("Det finns inget beslut med id {id}.")
BAD_DATE = gettext_lazy(
    "Ogiltigt datum i parametern on: ange det som ÅÅÅÅ-MM-DD, t.ex. 2024-01-24."
)
BAD_FEDERATION = gettext_lazy("Ogiltigt förbund i ?federation=: ange förbundets id (ett heltal).")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_ID = 2**63 - 1  # PostgreSQL bigint


def _positive_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= _MAX_ID:
        raise ValueError(text)
    return int(text)


def _date_or_today(text: str) -> dt.date:
    """``ÅÅÅÅ-MM-DD``; empty means today (Europe/Stockholm)."""
    text = text.strip()
    if not text:
        return date_rules.today()
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _federation_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


CaseId = Annotated[int, Path(gt=0), swedish_parameter(_positive_id, BAD_CASE_ID)]
DecisionId = Annotated[int, Path(gt=0), swedish_parameter(_positive_id, BAD_DECISION_ID)]
OnDate = Annotated[
    dt.date | None,
    Query(None, description="dagen in_force avser, ÅÅÅÅ-MM-DD (utan: i dag)"),
    swedish_parameter(_date_or_today, BAD_DATE),
]
FederationId = Annotated[
    int | None,
    Query(None, description="bara medlemskapen i detta förbund (id)"),
    swedish_parameter(_federation_id, BAD_FEDERATION),
]


# --- Schemas -----------------------------------------------------------------------------------


class DecisionRefOut(Schema):
    id: int
    label: str = Field(description="organ, sammanträdesdag och §, t.ex. KF 2020-06-15 § 128")
    organ: str
    organisation: str
    title: str
    url: str


class AnnulmentOut(Schema):
    court: str
    court_case_number: str
    decided_on: dt.date | None


class LinkOut(Schema):
    kind: str = Field(description="proposes, revokes, withdraws, amends, refers_back")
    kind_label: str
    decision: DecisionRefOut | None
    reference: str | None = Field(description="hänvisningen till ett beslut utanför registret")
    note: str


class ForceOut(Schema):
    """Force on ``on``; ``ended_on`` and ``date_unknown`` are left out when it is unknown."""

    in_force: bool | None
    status: str | None
    status_text: str
    ended_by: DecisionRefOut | AnnulmentOut | None
    ended_on: dt.date | None = None
    date_unknown: bool | None = None


class OrganOut(Schema):
    code: str
    name: str


class CaseRefOut(Schema):
    id: int
    number: str
    title: str


class TimelineEntryOut(ForceOut):
    id: int
    label: str
    organ: OrganOut
    organisation: str
    meeting_date: dt.date | None
    year: int | None
    number: int | None
    kind: str
    kind_label: str
    title: str
    case: CaseRefOut | None
    links_out: list[LinkOut]
    url: str
    page: str


class LinkedCaseOut(CaseSummaryOut):
    via: str = Field(description="case_link (direkt) eller decision_link (genom besluten)")
    note: str


class CaseDetailOut(CaseSummaryOut):
    officer: str = Field("", description="handläggaren; saknas för ett sekretessbelagt ärende")
    documents: list[DocumentOut] = Field(description="ärendets handlingar, maskerade som på sidan")
    linked_cases: list[LinkedCaseOut]
    on: dt.date
    timeline: list[TimelineEntryOut]
    page: str


class DecisionOrganOut(OrganOut):
    id: int


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str


class SectionsOut(Schema):
    description: str
    preparation: str
    procedure: str
    decision: str
    basis: str
    sent_to: str


class LikelyDecisionOut(Schema):
    id: int
    label: str


class CitationWarningOut(Schema):
    text: str
    organ: str | None
    date: dt.date
    number: int | None
    status: str = Field(description="mismatch eller not_found")
    fields: list[str]
    message: str
    likely_decision: LikelyDecisionOut | None


class DecisionOut(ForceOut):
    id: int
    label: str
    organ: DecisionOrganOut
    organisation: OrganisationOut
    meeting_date: dt.date | None
    meeting_date_note: str
    year: int | None
    number: int | None
    case: CaseRefOut | None
    case_number: str | None
    kind: str
    kind_label: str
    title: str
    text: str
    sections: SectionsOut
    approved_immediately: bool
    justerad: bool
    approved_on: dt.date | None
    approved_date_unknown: bool
    known_from_sources: str | None = Field(
        description="protokollet finns inte i registret; handlingen som visar att beslutet "
        "fattades (RULES.md 45), annars null"
    )
    posted_on: dt.date | None
    last_appeal_day: dt.date | None
    legal_force_on: dt.date | None
    legal_force_status: str
    on: dt.date
    links_out: list[LinkOut]
    links_in: list[LinkOut]
    citation_warnings: list[CitationWarningOut]
    extract_url: str | None
    page: str


class SearchHitOut(Schema):
    kind: str = Field(description="case, document eller decision")
    number: str | None
    title: str
    date: dt.date | None
    url: str | None
    snippet: str = Field(description="HTML där bara <mark> kommer från registret")


class SearchOut(Schema):
    query: str
    secret_included: bool
    ranked_newest_only: bool = Field(
        description="ett ord hade fler träffar än som rangordnas: de nyaste rangordnades"
    )
    results: list[SearchHitOut]


class MemberDecisionOut(Schema):
    id: int
    organisation: str
    organ: str
    organ_code: str
    date: dt.date | None
    year: int | None
    number: int | None
    paragraph: str
    kind: str
    title: str | None
    approved: bool = Field(
        description="beslutet är fattat: protokollet justerat, eller beslutet känt ur andra "
        "handlingar (RULES.md 45)"
    )
    known_from_sources: str | None
    url: str | None


class MemberEventOut(Schema):
    id: int
    kind: str
    kind_display: str
    occurred_on: dt.date | None
    occurred_not_after: dt.date | None
    decision: MemberDecisionOut | None
    decision_in_force: bool | None
    decision_status: str | None
    decision_ended_by: MemberDecisionOut | None
    notice_effective_on: dt.date | None
    counted: bool
    not_counted_because: str | None


class FederationOut(Schema):
    id: int
    name: str


class WithdrawnNoticeOut(Schema):
    notice_on: dt.date | None
    would_have_taken_effect_on: dt.date | None
    how: str | None = Field(description="revoked, withdrawn eller annulled")


class MemberOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    federation: FederationOut
    status: str = Field(description="member, notice_given, left eller not_member")
    status_display: str
    since: dt.date | None
    since_is_latest: bool
    notice_effective_on: dt.date | None
    withdrawn_notice: WithdrawnNoticeOut | None
    may_leave: bool
    notice_years: int
    decisions: list[MemberDecisionOut]
    events: list[MemberEventOut]


class MembersOut(Schema):
    on: dt.date
    members: list[MemberOut]


# --- Serialisation -----------------------------------------------------------------------------


def decision_ref(history: chain_history.History, request, decision_id: int | None) -> dict | None:
    """A short reference to another decision of the chain, if the caller may see it."""
    if decision_id is None or not history.visible(decision_id):
        return None
    decision = history.decisions[decision_id]
    return {
        "id": decision_id,
        "label": history.graph.nodes[decision_id].label,
        "organ": decision.organ.code,
        "organisation": decision.organ.organisation.name,
        "title": decision.title,
        "url": request.build_absolute_uri(reverse("api:decision", args=[decision_id])),
    }


def _links(history: chain_history.History, request, decision_id: int, direction: str) -> list[dict]:
    result = []
    for words in history.links_of(decision_id):
        if words.direction != direction:
            continue
        if words.in_register and words.other_id is None:
            continue  # a decision the caller may not see yet
        result.append(
            {
                "kind": words.kind,
                "kind_label": str(words.verb),
                "decision": decision_ref(history, request, words.other_id),
                "reference": None if words.in_register else words.other_label,
                "note": words.note,
            }
        )
    return result


def force_json(history: chain_history.History, request, decision_id: int) -> dict:
    status = history.force.get(decision_id)
    if status is None:
        return {"in_force": None, "status": None, "status_text": "", "ended_by": None}
    ended_by = status.ended_by
    if isinstance(ended_by, chain_rules.Annulment):
        ended = {
            "court": ended_by.court,
            "court_case_number": ended_by.court_case_number,
            "decided_on": ended_by.decided_on,
        }
    else:
        ended = decision_ref(history, request, ended_by)
    return {
        "in_force": status.in_force,
        "status": status.status,
        "status_text": history.status_text(decision_id),
        "ended_by": ended,
        "ended_on": status.ended_on,
        "date_unknown": status.date_unknown,
    }


def _case_ref(case, *, may_see_secret: bool) -> dict | None:
    if case is None:
        return None
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title_for(may_see_secret=may_see_secret),
    }


def timeline_entry(history: chain_history.History, request, decision: Decision) -> dict:
    """One decision of a chain as the case's ``timeline`` lists it."""
    return {
        "id": decision.pk,
        "label": history.graph.nodes[decision.pk].label,
        "organ": {"code": decision.organ.code, "name": decision.organ.name},
        "organisation": decision.organ.organisation.name,
        "meeting_date": decision.meeting.held_on,
        "year": decision.year,
        "number": decision.number,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "title": decision.title,
        "case": _case_ref(decision.case, may_see_secret=can_see_secret(request.user)),
        **force_json(history, request, decision.pk),
        "links_out": _links(history, request, decision.pk, "out"),
        "url": request.build_absolute_uri(reverse("api:decision", args=[decision.pk])),
        "page": request.build_absolute_uri(reverse("history:decision-detail", args=[decision.pk])),
    }


STATUS_CODES = {
    "member": "member",
    "notice": "notice_given",
    "left": "left",
    "none": "not_member",
}


def _member_decision(ref: membership.DecisionRef) -> dict:
    return {
        "id": ref.id,
        "organisation": ref.organisation,
        "organ": ref.organ_name,
        "organ_code": ref.organ_code,
        "date": ref.held_on,
        "year": ref.year,
        "number": ref.number,
        "paragraph": ref.label,
        "kind": ref.kind,
        "title": ref.title,
        "approved": ref.approved,
        "known_from_sources": ref.known_from_sources or None,
        "url": ref.url,
    }


def _event(row: membership.EventRow) -> dict:
    return {
        "id": row.event.pk,
        "kind": row.event.kind,
        "kind_display": row.event.get_kind_display(),
        "occurred_on": row.event.occurred_on,
        "occurred_not_after": row.event.occurred_not_after,
        "decision": _member_decision(row.decision) if row.decision else None,
        "decision_in_force": row.force.in_force if row.force else None,
        "decision_status": row.force.status if row.force else None,
        "decision_ended_by": _member_decision(row.ended_by) if row.ended_by else None,
        "notice_effective_on": row.notice_effective_on,
        "counted": not row.refused,
        "not_counted_because": row.refused or None,
    }


def member_json(state: membership.MemberState) -> dict:
    """One membership on ``state.on`` as MemberOut."""
    membership = state.membership
    withdrawn = state.status.withdrawn_notice
    return {
        "id": membership.member.pk,
        "name": membership.member.name,
        "short_name": membership.member.short_name,
        "kind": membership.member.kind,
        "federation": {"id": membership.federation.pk, "name": membership.federation.name},
        "status": STATUS_CODES[state.status_key],
        "status_display": state.status.status,
        "since": state.since,
        "since_is_latest": state.status.since_is_latest,
        "notice_effective_on": state.status.notice_effective_on,
        "withdrawn_notice": (
            {
                "notice_on": withdrawn.placed_on,
                "would_have_taken_effect_on": state.withdrawn_notice_effective_on,
                "how": state.withdrawn_notice_how,
            }
            if withdrawn is not None
            else None
        ),
        "may_leave": membership.may_leave,
        "notice_years": membership.notice_years,
        "decisions": [_member_decision(ref) for ref in state.behind],
        "events": [_event(row) for row in state.events],
    }


# --- Endpoints ---------------------------------------------------------------------------------

NOT_FOUND_OR_BAD = {400: ErrorOut, 404: ErrorOut}


@router.get(
    "/cases/{case_id}/",
    response={200: CaseDetailOut, **NOT_FOUND_OR_BAD},
    by_alias=True,
    exclude_unset=True,
    url_name="case-detail",
    tags=["Ärenden"],
)
def case_detail(request: HttpRequest, case_id: CaseId, on: OnDate = None):
    """A case, its register, the cases linked to it (directly, ``via: case_link``, and through
    linked decisions, ``decision_link``) and the ``timeline`` of every decision of the chain
    in date order, with each decision's force on ``on``."""
    on = on or date_rules.today()
    history = chain_history.load_history(user=request.user, case_ids=[case_id], on=on)
    case = history.cases.get(case_id)
    may_see_secret = can_see_secret(request.user)
    if case is None:
        raise ApiError(404, NO_SUCH_CASE.format(id=case_id))
    if case.is_content_hidden_for(may_see_secret=may_see_secret):
        # The public entry, masked as on the case page and in the search; no content, no chain.
        return {
            **case_summary(request, case, may_see_secret=False),
            "documents": document_entries(request, case, may_see_secret=False),
            "linked_cases": [],
            "on": on,
            "timeline": [],
            "page": request.build_absolute_uri(reverse("history:case-history", args=[case_id])),
        }
    direct = {}
    for link in history.case_links:
        if link.from_case_id == case_id:
            direct[link.to_case_id] = link.note
        elif link.to_case_id == case_id:
            direct[link.from_case_id] = link.note
    linked = [
        {
            **case_summary(request, other, may_see_secret=may_see_secret),
            "via": "case_link" if other.pk in direct else "decision_link",
            "note": direct.get(other.pk, ""),
        }
        for other in history.cases.values()
        if other.pk != case_id
    ]
    return {
        **case_summary(request, case, may_see_secret=may_see_secret),
        "officer": case.officer,
        "documents": document_entries(request, case, may_see_secret=may_see_secret),
        "linked_cases": linked,
        "on": on,
        "timeline": [
            timeline_entry(history, request, decision) for decision in history.visible_order()
        ],
        "page": request.build_absolute_uri(reverse("history:case-history", args=[case_id])),
    }


@router.get(
    "/decisions/{decision_id}/",
    response={200: DecisionOut, **NOT_FOUND_OR_BAD},
    exclude_unset=True,
    url_name="decision",
)
def decision(request: HttpRequest, decision_id: DecisionId, on: OnDate = None):
    """One § with its procedural dates (RULES.md 1–4), force on ``on``, links to and from it
    and the checks of the decisions its texts cite."""
    on = on or date_rules.today()
    pk = decision_id
    history = chain_history.load_history(user=request.user, decision_ids=[pk], on=on)
    if not history.visible(pk):
        raise ApiError(404, NO_SUCH_DECISION.format(id=pk))
    found = history.decisions[pk]
    dates = chain_history.legal_dates(found, history.appeals.get(pk, ()), on=on)
    checks = citations.checks_for(found)
    justerad = found.is_justerad
    case = found.case
    return {
        "id": pk,
        "label": history.graph.nodes[pk].label,
        "organ": {"id": found.organ_id, "code": found.organ.code, "name": found.organ.name},
        "organisation": {
            "id": found.organ.organisation_id,
            "name": found.organ.organisation.name,
            "short_name": found.organ.organisation.short_name,
        },
        "meeting_date": found.meeting.held_on,
        "meeting_date_note": found.meeting.date_note,
        "year": found.year,
        "number": found.number,
        "case": _case_ref(case, may_see_secret=can_see_secret(request.user)),
        "case_number": case.number if case else None,
        "kind": found.kind,
        "kind_label": found.get_kind_display(),
        "title": found.title,
        "text": found.decision_text,
        "sections": {
            "description": found.description,
            "preparation": found.preparation,
            "procedure": found.procedure,
            "decision": found.decision_text,
            "basis": found.basis,
            "sent_to": found.sent_to,
        },
        "approved_immediately": found.approved_immediately,
        "justerad": justerad,
        "approved_on": dates.approved_on,
        "approved_date_unknown": dates.approval_date_unknown,
        "known_from_sources": dates.known_from_sources or None,
        "posted_on": dates.posted_on,
        "last_appeal_day": dates.last_appeal_day,
        "legal_force_on": dates.legal_force_on,
        "legal_force_status": dates.legal_force_status,
        "on": on,
        **force_json(history, request, pk),
        "links_out": _links(history, request, pk, "out"),
        "links_in": _links(history, request, pk, "in"),
        "citation_warnings": [
            {
                "text": check.check.citation.text,
                "organ": check.check.citation.organ,
                "date": check.check.citation.date,
                "number": check.check.citation.number,
                "status": check.check.status,
                "fields": list(check.check.fields),
                "message": check.message,
                "likely_decision": (
                    {"id": check.check.decision_id, "label": check.target_label}
                    if check.check.decision_id
                    else None
                ),
            }
            for check in checks
            if check.is_warning
        ],
        "extract_url": (
            request.build_absolute_uri(reverse("decisions:extract-pdf", args=[pk]))
            if justerad
            else None
        ),
        "page": request.build_absolute_uri(reverse("history:decision-detail", args=[pk])),
    }


@router.get("/search/", response=SearchOut, url_name="search", tags=["Sök"])
def search(request: HttpRequest, q: str = Query("", description="sökord eller diarienummer")):
    """The search box of /arenden/sok/ with the same access rules (the session's user, if
    any): cases, handlingar and §§, at most 50 hits."""
    query = q.strip()[:200]
    hits = run_search(query, user=request.user) if query else []
    return {
        "query": query,
        "secret_included": can_see_secret(request.user),
        # True when a word had more hits of a kind than are ranked: the best of the newest
        # are returned (cases.search.RANK_CANDIDATES).
        "ranked_newest_only": bool(getattr(hits, "capped", False)),
        "results": [
            {
                "kind": hit.kind,
                "number": hit.number,
                "title": hit.title,
                "date": hit.date,
                "url": request.build_absolute_uri(hit.url) if hit.url else None,
                "snippet": str(hit.snippet),
            }
            for hit in hits
        ],
    }


@router.get(
    "/members/", response={200: MembersOut, 400: ErrorOut}, url_name="members", tags=["Medlemmar"]
)
def members(request: HttpRequest, on: OnDate = None, federation: FederationId = None):
    """Every membership (optionally of one förbund) with its status on ``on``, derived from
    the decisions behind its events and their force (RULES.md 34–36)."""
    on = on or date_rules.today()
    memberships = membership.memberships_for_pages().order_by("federation__name", "member__name")
    if federation is not None:
        memberships = memberships.filter(federation_id=federation)
    states = membership.member_states(
        list(memberships),
        on=on,
        may_see_unapproved=can_see_unapproved_decisions(request.user),
    )
    return {"on": on, "members": [member_json(state) for state in states]}
