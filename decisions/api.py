"""Read-only JSON API for decisions under /api/v1/ (docs/api.md), and the decision and
timeline serialisation ``cases.api`` uses for cases.

Dates are ISO 8601. Unknown ids answer 404 and bad parameters 400, both as JSON with a
Swedish ``error``. Callers see what the pages would show them: anonymous callers only
justerade §§ and no secret case titles (insjoriket.access).
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from decisions import rules as date_rules
from decisions.chains import citations
from decisions.chains import history as chain_history
from decisions.chains import rules as chain_rules
from decisions.models import Decision
from insjoriket.access import can_see_secret

app_name = "decisions_api"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def only_get(request) -> JsonResponse | None:
    if request.method in ("GET", "HEAD"):
        return None
    response = error(405, _("Metoden stöds inte. Använd GET."))
    response["Allow"] = "GET, HEAD"
    return response


def parse_id(value: str) -> int | None:
    """A positive database id, or None."""
    if not value.isdigit() or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 else None


def parse_on(request) -> tuple[dt.date | None, JsonResponse | None]:
    """The ``on`` parameter (YYYY-MM-DD; today when absent)."""
    raw = request.GET.get("on")
    if raw is None or raw == "":
        return date_rules.today(), None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return None, error(
            400, _("Ogiltigt datum i parametern on: ange det som ÅÅÅÅ-MM-DD, t.ex. 2024-01-24.")
        )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


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
        "url": request.build_absolute_uri(reverse("decisions_api:decision", args=[decision_id])),
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
                "kind_label": words.verb,
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
            "decided_on": _iso(ended_by.decided_on),
        }
    else:
        ended = decision_ref(history, request, ended_by)
    return {
        "in_force": status.in_force,
        "status": status.status,
        "status_text": history.status_text(decision_id),
        "ended_by": ended,
        "ended_on": _iso(status.ended_on),
        "date_unknown": status.date_unknown,
    }


def timeline_entry(history: chain_history.History, request, decision: Decision) -> dict:
    """One decision of a chain as the case API's ``timeline`` lists it."""
    may_see_secret = can_see_secret(request.user)
    case = decision.case
    return {
        "id": decision.pk,
        "label": history.graph.nodes[decision.pk].label,
        "organ": {"code": decision.organ.code, "name": decision.organ.name},
        "organisation": decision.organ.organisation.name,
        "meeting_date": _iso(decision.meeting.held_on),
        "year": decision.year,
        "number": decision.number,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "title": decision.title,
        "case": (
            {
                "id": case.pk,
                "number": case.number,
                "title": case.title_for(may_see_secret=may_see_secret),
            }
            if case
            else None
        ),
        **force_json(history, request, decision.pk),
        "links_out": _links(history, request, decision.pk, "out"),
        "url": request.build_absolute_uri(reverse("decisions_api:decision", args=[decision.pk])),
        "page": request.build_absolute_uri(reverse("history:decision-detail", args=[decision.pk])),
    }


def decision(request, decision_id: str):
    """One § with its procedural dates, force on a date, links and citation checks."""
    refused = only_get(request)
    if refused:
        return refused
    pk = parse_id(decision_id)
    if pk is None:
        return error(400, _("Ogiltigt id: ange beslutets id som ett positivt heltal."))
    on, bad = parse_on(request)
    if bad:
        return bad
    history = chain_history.load_history(user=request.user, decision_ids=[pk], on=on)
    if not history.visible(pk):
        return error(404, _("Det finns inget beslut med id {id}.").format(id=pk))
    found = history.decisions[pk]
    dates = chain_history.legal_dates(found, history.appeals.get(pk, ()), on=on)
    checks = citations.checks_for(found)
    justerad = found.is_justerad
    may_see_secret = can_see_secret(request.user)
    case = found.case
    body = {
        "id": pk,
        "label": history.graph.nodes[pk].label,
        "organ": {"id": found.organ_id, "code": found.organ.code, "name": found.organ.name},
        "organisation": {
            "id": found.organ.organisation_id,
            "name": found.organ.organisation.name,
            "short_name": found.organ.organisation.short_name,
        },
        "meeting_date": _iso(found.meeting.held_on),
        "meeting_date_note": found.meeting.date_note,
        "year": found.year,
        "number": found.number,
        "case": (
            {
                "id": case.pk,
                "number": case.number,
                "title": case.title_for(may_see_secret=may_see_secret),
            }
            if case
            else None
        ),
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
        "approved_on": _iso(dates.approved_on),
        "approved_date_unknown": dates.approval_date_unknown,
        "posted_on": _iso(dates.posted_on),
        "last_appeal_day": _iso(dates.last_appeal_day),
        "legal_force_on": _iso(dates.legal_force_on),
        "legal_force_status": dates.legal_force_status,
        "on": on.isoformat(),
        **force_json(history, request, pk),
        "links_out": _links(history, request, pk, "out"),
        "links_in": _links(history, request, pk, "in"),
        "citation_warnings": [
            {
                "text": check.check.citation.text,
                "organ": check.check.citation.organ,
                "date": check.check.citation.date.isoformat(),
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
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("decisions/<str:decision_id>/", decision, name="decision"),
]
