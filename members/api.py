"""Read-only JSON API for memberships under /api/v1/ (docs/api.md, "Medlemmar").

``GET /api/v1/members/?on=YYYY-MM-DD`` gives each membership's status on that date
(default today), derived from the decisions behind its events (RULES.md 34–36).
"""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from decisions import rules as date_rules
from decisions.chains import membership
from insjoriket.access import can_see_unapproved_decisions

app_name = "members_api"

BAD_DATE = gettext_lazy("Ogiltigt datum i ?on=: ange det som ÅÅÅÅ-MM-DD, t.ex. 2024-01-24.")
BAD_FEDERATION = gettext_lazy("Ogiltigt förbund i ?federation=: ange förbundets id (ett heltal).")

STATUS_CODES = {
    "member": "member",
    "notice": "notice_given",
    "left": "left",
    "none": "not_member",
}


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _decision(ref: membership.DecisionRef) -> dict:
    return {
        "id": ref.id,
        "organisation": ref.organisation,
        "organ": ref.organ_name,
        "organ_code": ref.organ_code,
        "date": _iso(ref.held_on),
        "year": ref.year,
        "number": ref.number,
        "paragraph": ref.label,
        "kind": ref.kind,
        "title": ref.title,
        "approved": ref.approved,
        "url": ref.url,
    }


def _event(row: membership.EventRow) -> dict:
    return {
        "id": row.event.pk,
        "kind": row.event.kind,
        "kind_display": row.event.get_kind_display(),
        "occurred_on": _iso(row.event.occurred_on),
        "occurred_not_after": _iso(row.event.occurred_not_after),
        "decision": _decision(row.decision) if row.decision else None,
        "decision_in_force": row.force.in_force if row.force else None,
        "decision_status": row.force.status if row.force else None,
        "decision_ended_by": _decision(row.ended_by) if row.ended_by else None,
        "notice_effective_on": _iso(row.notice_effective_on),
        "counted": not row.refused,
        "not_counted_because": row.refused or None,
    }


def member_json(state: membership.MemberState) -> dict:
    """One membership on ``state.on``: the fields docs/api.md lists."""
    membership = state.membership
    withdrawn = state.status.withdrawn_notice
    return {
        "id": membership.member.pk,
        "name": membership.member.name,
        "short_name": membership.member.short_name,
        "kind": membership.member.kind,
        "federation": {
            "id": membership.federation.pk,
            "name": membership.federation.name,
        },
        "status": STATUS_CODES[state.status_key],
        "status_display": state.status.status,
        "since": _iso(state.since),
        "since_is_latest": state.status.since_is_latest,
        "notice_effective_on": _iso(state.status.notice_effective_on),
        "withdrawn_notice": (
            {
                "notice_on": _iso(withdrawn.placed_on),
                "would_have_taken_effect_on": _iso(state.withdrawn_notice_effective_on),
                "how": state.withdrawn_notice_how,
            }
            if withdrawn is not None
            else None
        ),
        "may_leave": membership.may_leave,
        "notice_years": membership.notice_years,
        "decisions": [_decision(ref) for ref in state.behind],
        "events": [_event(row) for row in state.events],
    }


def _bad_request(message, parameter: str) -> JsonResponse:
    return JsonResponse(
        {"error": str(message), "parameter": parameter},
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def members(request):
    """Every membership (optionally of one förbund) with its status on ``?on=``."""
    raw_on = request.GET.get("on", "").strip()
    if raw_on:
        try:
            on = dt.date.fromisoformat(raw_on)
        except ValueError:
            return _bad_request(BAD_DATE, "on")
        if len(raw_on) != 10:
            return _bad_request(BAD_DATE, "on")
    else:
        on = date_rules.today()
    memberships = membership.memberships_for_pages().order_by("federation__name", "member__name")
    raw_federation = request.GET.get("federation", "").strip()
    if raw_federation:
        if not raw_federation.isdigit():
            return _bad_request(BAD_FEDERATION, "federation")
        memberships = memberships.filter(federation_id=int(raw_federation))
    states = membership.member_states(
        list(memberships),
        on=on,
        may_see_unapproved=can_see_unapproved_decisions(request.user),
    )
    return JsonResponse(
        {"on": on.isoformat(), "members": [member_json(s) for s in states]},
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("members/", members, name="members"),
]
