"""Read pages for förtroendevalda and the public: a case's whole history across registers and
organs, a decision (§) with everything recorded about it, and the secretary's list of
citations that disagree with the register.

The views only ask ``decisions.chains`` (the chain, loaded in one query, and its records in a
fixed number more; its citations; its diagram).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from decisions.chains import citations, diagram, membership
from decisions.chains import history as chain_history
from decisions.models import Ballot, Decision, DecisionTask, Motion, Vote
from decisions.publishing import snapshot
from insjoriket.access import can_see_secret, can_see_unapproved_decisions

# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def _decision_rows(
    history: chain_history.History, may_see_secret: bool, only: int | None = None
) -> list[dict]:
    rows = []
    for decision in history.visible_order():
        if only is not None and decision.pk != only:
            continue
        case = history.cases.get(decision.case_id) if decision.case_id else None
        rows.append(
            {
                "decision": decision,
                "label": history.graph.nodes[decision.pk].label,
                "case": case,
                "case_title": case.title_for(may_see_secret=may_see_secret) if case else "",
                "links": history.links_of(decision.pk),
                "status": history.force.get(decision.pk),
                "status_text": history.status_text(decision.pk),
                "dates": chain_history.legal_dates(
                    decision, history.appeals.get(decision.pk, ()), on=history.on
                ),
                "appeals": history.appeals.get(decision.pk, []),
                "justerad": decision.is_justerad,
            }
        )
    return rows


@require_GET
def case_history(request, case_id: int):
    """A matter's whole history: linked cases across registers, every decision in date order,
    the links in words, the legal dates, the documents and what applies today."""
    history = chain_history.load_history(user=request.user, case_ids=[case_id], documents=True)
    case = history.cases.get(case_id)
    may_see_secret = can_see_secret(request.user)
    if case is None:
        raise Http404(_("Ärendet finns inte."))
    if case.is_content_hidden_for(may_see_secret=may_see_secret):
        # The same masked entry as the case page, the search and the API give: the entry is
        # public, its content is not (OSL 5 kap. 2 §). Nothing of the chain is read out.
        return render(
            request,
            "decisions/history/case_history_hidden.html",
            {"case": case, "case_title": case.title_for(may_see_secret=False)},
        )
    case_rows = []
    link_notes = {}
    for link in history.case_links:
        link_notes.setdefault(link.from_case_id, []).append(link)
        link_notes.setdefault(link.to_case_id, []).append(link)
    for other in history.cases.values():
        hidden = other.is_content_hidden_for(may_see_secret=may_see_secret)
        documents = []
        if not hidden:
            for document in other.documents.all():
                document.case = other
                document.shown_title = document.title_for(may_see_secret=may_see_secret)
                document.hidden = document.is_hidden_for(may_see_secret=may_see_secret)
                documents.append(document)
        case_rows.append(
            {
                "case": other,
                "title": other.title_for(may_see_secret=may_see_secret),
                "hidden": hidden,
                "is_start": other.pk == case.pk,
                "documents": documents,
                "notes": [link.note for link in link_notes.get(other.pk, []) if link.note],
            }
        )
    rows = _decision_rows(history, may_see_secret)
    return render(
        request,
        "decisions/history/case_history.html",
        {
            "member_states": _member_states(request, history),
            "case": case,
            "case_title": case.title_for(may_see_secret=may_see_secret),
            "case_rows": case_rows,
            "rows": rows,
            "hidden_count": history.hidden_count(),
            "answer": history.today_answer(),
            "history": history,
            "diagram": diagram.build_diagram(history),
            "errors": history.errors,
            "today": history.on,
        },
    )


def _member_states(request, history: chain_history.History) -> list:
    """The memberships whose events rest on a decision of this chain, with their status on the
    page's day: the sentence a reader wants ("Härryda kommun är medlem …; utträdet blev inte
    av"), the same as on the member page."""
    shown = [d.pk for d in history.visible_order()]
    if not shown:
        return []
    found = membership.memberships_for_pages().filter(events__decision_id__in=shown).distinct()
    return membership.member_states(
        list(found),
        on=history.on,
        may_see_unapproved=can_see_unapproved_decisions(request.user),
    )


@require_GET
def decision_detail(request, decision_id: int):
    """A § with its sections, votes, reservations, links, legal dates and citation checks."""
    history = chain_history.load_history(user=request.user, decision_ids=[decision_id])
    if not history.visible(decision_id):
        raise Http404(_("Beslutet finns inte."))
    decision = (
        Decision.objects.select_related(
            "meeting", "meeting__snapshot", "organ", "organ__organisation", "case", "case__register"
        )
        .prefetch_related(
            Prefetch(
                "motions",
                queryset=Motion.objects.select_related("mover").prefetch_related("supporters"),
            ),
            Prefetch(
                "votes",
                queryset=Vote.objects.prefetch_related(
                    Prefetch("ballots", queryset=Ballot.objects.select_related("person"))
                ),
            ),
            "reservations__person",
            "recusals__person",
            "corrections",
            "participations__person",
        )
        .get(pk=decision_id)
    )
    frozen = snapshot.frozen_data(decision.meeting)
    if frozen is not None:  # a justerat §: names as they stood at justering (rule 38)
        snapshot.apply_snapshot_to_decision(decision, frozen)
    may_see_secret = can_see_secret(request.user)
    status = history.force.get(decision.pk)
    ended = status is not None and not status.in_force and status.ended_by is not None
    checks = citations.checks_for(decision)
    (row,) = _decision_rows(history, may_see_secret, only=decision.pk)
    return render(
        request,
        "decisions/history/decision_detail.html",
        {
            "decision": decision,
            "row": row,
            "label": history.graph.nodes[decision.pk].label,
            "case_title": decision.case.title_for(may_see_secret=may_see_secret)
            if decision.case
            else "",
            "status": status,
            "status_text": history.status_text(decision.pk),
            "ended": ended,
            "links_out": [w for w in row["links"] if w.direction == "out"],
            "links_in": [w for w in row["links"] if w.direction == "in"],
            "citation_checks": checks,
            "warnings": [c for c in checks if c.is_warning],
            "justerad": decision.is_justerad,
            "today": history.on,
            "tasks": [
                (task, task.status_label(history.on), task.is_overdue(history.on))
                for task in DecisionTask.objects.visible_to(request.user)
                .filter(decision=decision)
                .for_list_page()
            ],
        },
    )


@require_GET
@login_required
def citation_list(request):
    """Every decision whose text cites a decision otherwise than the register holds it."""
    if not request.user.has_perm("decisions.change_decision"):
        raise PermissionDenied
    found = citations.all_warnings()
    return render(request, "decisions/history/citation_list.html", {"found": found})
