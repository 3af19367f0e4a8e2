"""The nämndsekreterare's pages: plan a sammanträde, närvaro, §§ with yrkanden, votering,
reservation and jäv, justering, anslag, rättelse and expediering.

Thin views: parse a form, check the permission, call a service in ``decisions.services`` (or
``decisions.dispatch``), render. The services hold the rules; a refusal (a ValidationError, or
the database trigger that guards justerade rows) is shown as a message, never a 500.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import rules as date_rules
from decisions.meetings import forms as forms
from decisions.meetings import services
from decisions.meetings.justering import deadline_facts, open_round_of
from decisions.models import (
    Attendance,
    Decision,
    JusteringRound,
    Meeting,
    is_anslag_refusal,
    is_justerat_refusal,
)
from decisions.publishing import dispatch
from insjoriket.access import can_see_secret, requires_permission
from members.models import Person

logger = logging.getLogger(__name__)
MEETINGS_PER_PAGE = 25
SAVE_FAILED = (
    "Ändringen kunde inte sparas eftersom databasen nekade den. Ladda om sidan och försök igen."
)
IMMUTABLE_BY_DATABASE = (
    "Ändringen nekades eftersom protokollet eller paragrafen är justerad. Gör en rättelse i "
    "stället (KL 5 kap. 69 §)."
)
ANSLAG_FIXED_BY_DATABASE = (
    "Ändringen nekades: anslagets datum är fast när protokollet har anslagits, och anslaget "
    "tas ned tidigast dagen efter sista dag för överklagande och aldrig i förväg. Ett "
    "felaktigt anslagsdatum rättas med en rättelse av anslaget (KL 8 kap. 12 §, 13 kap. 5 §)."
)
CORRECTION_ONLY_WHEN_APPROVED = (
    "Rättelse görs bara i justerade paragrafer; ändra texten direkt så länge paragrafen är "
    "ojusterad."
)
MINORITY_REFERRAL_DISABLED = services.MINORITY_REFERRAL_ONLY_ASSEMBLY


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _apply_errors(form, error: ValidationError | DatabaseError) -> None:
    """Put a refusal from a service (or the database) on the form: field errors on their
    field, the rest on top."""
    if isinstance(error, DatabaseError):
        form.add_error(None, _database_message(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _database_message(error: DatabaseError) -> str:
    if is_justerat_refusal(error):
        return IMMUTABLE_BY_DATABASE
    if is_anslag_refusal(error):
        return ANSLAG_FIXED_BY_DATABASE
    logger.warning("Database refused a secretary write: %s", error)
    return SAVE_FAILED


def _call(form, service, **kwargs):
    """Run a service; on refusal, record its message on ``form`` and return None."""
    try:
        return True, service(**kwargs)
    except (ValidationError, DatabaseError) as error:
        _apply_errors(form, error)
        return False, None


def _refuse(request, error, redirect_to: str):
    """A refusal without a form to show it on (a button): a message and back to the page."""
    if isinstance(error, DatabaseError):
        messages.error(request, _database_message(error))
    else:
        for text in error.messages:
            messages.error(request, text)
    return redirect(redirect_to)


def _action(request, form, service, *, arguments, success, done, failed, warns=False):
    """The one shape of every POST handler of the secretary's pages: validate ``form``, call
    ``service(user=…, **arguments(cleaned_data))``, and on success show ``success(result,
    cleaned_data)`` (and, with ``warns``, each warning the service returned, rules 1 and 2)
    and answer ``done(result)``; on a refusal — by the form, the service or the database —
    answer ``failed(form)`` with the form and what was typed."""
    if form.is_valid():
        ok, result = _call(form, service, user=request.user, **arguments(form.cleaned_data))
        if ok:
            messages.success(request, success(result, form.cleaned_data))
            for warning in result if warns else ():
                messages.warning(request, warning)
            return done(result)
    return failed(form)


# --- reads ----------------------------------------------------------------------------------


def _participant_people(decision: Decision):
    return Person.objects.filter(participations__decision=decision).order_by("name")


def _meeting_people(meeting: Meeting):
    return Person.objects.filter(attendances__in=meeting.attendances.serving()).order_by("name")


def _use_forms(request, context: dict, forms_with_errors: dict) -> None:
    """Show failed forms in place of the blank ones the page offers; a form the page does not
    offer in its current state (e.g. anslag before justering) has its errors shown as
    messages instead, so that no refusal goes unseen."""
    for name, form in forms_with_errors.items():
        if name in context:
            context[name] = form
            continue
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)


# --- sammanträden ---------------------------------------------------------------------------


@requires_permission("decisions.view_meeting")
def meeting_list(request):
    today = date_rules.today()
    form = forms.MeetingFilterForm(request.GET or None)
    queryset = Meeting.objects.for_list_page().order_by(
        F("held_on").desc(nulls_last=True), "organ__name", "-id"
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("organ"):
            queryset = queryset.filter(organ=form.cleaned_data["organ"])
        if form.cleaned_data.get("status"):
            queryset = queryset.with_status(form.cleaned_data["status"], today)
    page = Paginator(queryset, MEETINGS_PER_PAGE).get_page(request.GET.get("sida"))
    for meeting in page.object_list:
        meeting.shown_status = meeting.status(today)
        meeting.shown_status_text = meeting.status_text(today)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "decisions/secretary/meeting_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@requires_permission("decisions.add_meeting")
def meeting_plan(request):
    form = forms.PlanMeetingForm(
        request.POST if request.method == "POST" else None,
        initial={"secretary": request.user.get_full_name()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            ok, meeting = _call(
                form,
                services.plan_meeting,
                organ=form.cleaned_data["organ"],
                held_on=form.cleaned_data["held_on"],
                place=form.place_with_time(),
                secretary=form.cleaned_data["secretary"].strip(),
                user=request.user,
            )
            if ok:
                messages.success(request, _("Sammanträdet är planerat."))
                return redirect("secretary:meeting-detail", meeting.pk)
        status = 400
    return render(request, "decisions/secretary/meeting_plan.html", {"form": form}, status=status)


def _meeting_context(request, meeting: Meeting, **extra) -> dict:
    today = date_rules.today()
    decisions = list(meeting.decisions.all())
    attendances = list(meeting.attendances.all())
    by_role: dict[str, list[Attendance]] = {role: [] for role, _label in Attendance.Role.choices}
    for a in attendances:
        by_role[a.role].append(a)
    context = {
        "meeting": meeting,
        "status": meeting.status(today),
        "status_text": meeting.status_text(today),
        "decisions": decisions,
        "attendance_groups": [
            (label, by_role[role]) for role, label in Attendance.Role.choices if by_role[role]
        ],
        "approvers": list(meeting.approvers.all()),
        "approved": meeting.is_approved,
        "problems": [] if meeting.is_approved else services.approval_problems(meeting, decisions),
    }
    if meeting.approved_on:
        context["posting_deadline"] = date_rules.posting_deadline(approved_on=meeting.approved_on)
    if meeting.posted_on:
        last = date_rules.last_appeal_day(posted_on=meeting.posted_on)
        context["last_appeal_day"] = last
        context["may_remove_from"] = last + dt.timedelta(days=1)
        context["posting_corrections"] = list(meeting.posting_corrections.select_related("made_by"))
        context.setdefault(
            "correct_posting_form",
            forms.PostingCorrectionForm(initial={"posted_on": meeting.posted_on}),
        )
    justering_round = None if meeting.is_approved else open_round_of(meeting.pk)
    context["justering_round"] = justering_round
    if justering_round is not None:
        context.update(deadline_facts(meeting))
        context.setdefault("withdraw_form", forms.WithdrawJusteringForm())
        context.setdefault(
            "paper_form", forms.PaperJusteringForm(approvals=justering_round.approvals.all())
        )
    if not meeting.is_approved and justering_round is None and meeting.year:
        context.setdefault(
            "add_form",
            forms.AddDecisionForm(
                meeting=meeting,
                initial={
                    "number": services.next_decision_number(organ=meeting.organ, year=meeting.year),
                    "kind": Decision.Kind.DECISION,
                },
            ),
        )
    if justering_round is not None:
        pass  # on justering: the status, withdrawal and paper signatures instead
    elif not meeting.is_approved:
        people = [a.person for a in attendances if a.is_serving]
        serving = Person.objects.filter(pk__in=[p.pk for p in people])
        context.update(deadline_facts(meeting))
        context.setdefault(
            "send_form",
            forms.SendToJusteringForm(
                people=serving.exclude(pk=meeting.chair_id) if meeting.chair_id else serving,
                initial={"place": meeting.approval_place},
            ),
        )
        context.setdefault(
            "approve_form",
            forms.ApproveForm(
                people=serving,
                initial={"approved_on": today, "place": meeting.approval_place},
            ),
        )
        context["approve_people"] = people
    elif meeting.approved_date_unknown:
        pass  # justerat, datum okänt: no anslag can be registered without a justering date
    elif not meeting.posted_on:
        context.setdefault(
            "post_form",
            forms.PostForm(
                initial={"posted_on": today, "minutes_kept_at": meeting.minutes_kept_at}
            ),
        )
    elif not meeting.removed_on:
        context.setdefault("remove_form", forms.RemovePostingForm(initial={"removed_on": today}))
    _use_forms(request, context, extra)
    return context


@requires_permission("decisions.view_meeting")
def meeting_detail(request, meeting_id: int):
    meeting = get_object_or_404(Meeting.objects.for_meeting_page(), pk=meeting_id)
    return render(
        request, "decisions/secretary/meeting_detail.html", _meeting_context(request, meeting)
    )


def _meeting_form_failed(request, meeting_id: int, **forms_with_errors):
    meeting = get_object_or_404(Meeting.objects.for_meeting_page(), pk=meeting_id)
    context = _meeting_context(request, meeting, **forms_with_errors)
    return render(request, "decisions/secretary/meeting_detail.html", context, status=400)


@requires_permission("decisions.change_meeting")
def meeting_attendance(request, meeting_id: int):
    meeting = get_object_or_404(Meeting.objects.select_related("organ"), pk=meeting_id)
    attendances = list(meeting.attendances.select_related("person"))
    people = forms.organ_people(meeting)
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        meeting=meeting,
        people=people,
        attendances=attendances,
        all_people=Person.objects.order_by("name"),
    )
    status = 200
    if meeting.is_approved:
        if request.method == "POST":
            messages.error(request, services.PROTOCOL_IS_APPROVED)
            return redirect("secretary:meeting-detail", meeting.pk)
    elif request.method == "POST":
        if form.is_valid():
            attendees = [
                services.Attendee(person=p, role=role, function=fn)
                for p, role, fn in form.cleaned_data["attendees"]
            ]
            ok, _result = _call(
                form,
                services.set_attendance,
                meeting=meeting,
                attendees=attendees,
                user=request.user,
            )
            if ok:
                messages.success(request, _("Närvaron är sparad."))
                return redirect("secretary:meeting-detail", meeting.pk)
        status = 400
    return render(
        request,
        "decisions/secretary/attendance.html",
        {"meeting": meeting, "form": form, "approved": meeting.is_approved},
        status=status,
    )


def _meeting_refused(request, meeting: Meeting, *, refuse_if_approved: bool = False, **failed):
    """A meeting-page form that was refused: shown again (400), or, for a write that a
    justerat protocol never takes (``refuse_if_approved``), a message and back to the page."""
    if refuse_if_approved and meeting.is_approved:
        return _refuse(
            request,
            ValidationError(services.PROTOCOL_IS_APPROVED),
            reverse("secretary:meeting-detail", args=[meeting.pk]),
        )
    return _meeting_form_failed(request, meeting.pk, **failed)


def _to_meeting(meeting: Meeting):
    return lambda result: redirect("secretary:meeting-detail", meeting.pk)


@require_POST
@requires_permission("decisions.add_decision")
def decision_add(request, meeting_id: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related("organ", "organ__organisation"), pk=meeting_id
    )
    return _action(
        request,
        forms.AddDecisionForm(request.POST, meeting=meeting),
        services.add_decision,
        arguments=lambda data: {
            "meeting": meeting,
            **{name: data[name] for name in ("number", "title", "kind", "case")},
        },
        success=lambda decision, data: _("%(label)s är tillagd.") % {"label": decision.label},
        done=lambda decision: redirect("secretary:decision-detail", decision.pk),
        failed=lambda form: _meeting_refused(
            request, meeting, refuse_if_approved=True, add_form=form
        ),
    )


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_approve(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return _action(
        request,
        forms.ApproveForm(request.POST, people=_meeting_people(meeting)),
        services.approve_minutes,
        arguments=lambda data: {
            "meeting": meeting,
            "approved_on": data["approved_on"],
            "approvers": list(data["approvers"]),
            "place": data["place"],
        },
        success=lambda warnings, data: _("Protokollet är justerat."),
        warns=True,
        done=_to_meeting(meeting),
        failed=lambda form: _meeting_refused(
            request, meeting, refuse_if_approved=True, approve_form=form
        ),
    )


# --- paragrafer -------------------------------------------------------------------------------


def _decision_context(request, decision: Decision, **extra) -> dict:
    approved = decision.is_justerad
    # On justering (rule 37) the § is read-only too, until the protocol is withdrawn.
    on_justering = (
        not approved
        and JusteringRound.objects.open().filter(meeting_id=decision.meeting_id).exists()
    )
    participants = list(decision.participations.all())
    people = _participant_people(decision)
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "approved": approved,
        "on_justering": on_justering,
        "read_only": approved or on_justering,
        "participants": participants,
        "motions": list(decision.motions.all()),
        "votes": list(decision.votes.all()),
        "reservations": list(decision.reservations.all()),
        "recusals": list(decision.recusals.all()),
        "corrections": list(decision.corrections.all()),
        "is_assembly": decision.meeting.organ.kind == decision.meeting.organ.Kind.ASSEMBLY,
    }
    if approved:
        may_see_secret = can_see_secret(request.user)
        context["dispatches"] = dispatch.dispatches_of(decision)
        for document in context["dispatches"]:
            document.case = decision.case
            document.hidden = document.is_hidden_for(may_see_secret=may_see_secret)
        context.setdefault(
            "correction_form",
            forms.CorrectionForm(
                initial={"made_by": _user_name(request.user), "made_on": date_rules.today()}
            ),
        )
        if decision.case_id:
            context.setdefault(
                "dispatch_form",
                forms.DispatchForm(
                    initial={"recipients": decision.sent_to, "sent_on": date_rules.today()}
                ),
            )
    elif not on_justering:
        context.setdefault("texts_form", forms.DecisionTextsForm(instance=decision))
        context.setdefault("motion_form", forms.MotionForm(people=people))
        context.setdefault("reservation_form", forms.ReservationForm(people=people))
        context.setdefault("recusal_form", forms.RecusalForm(people=people))
        context.setdefault("immediate_form", forms.ImmediateApprovalForm())
        if context["is_assembly"]:
            context.setdefault("minority_form", forms.MinorityReferralForm())
    _use_forms(request, context, extra)
    return context


def _decision_page(request, decision_id: int, status: int = 200, **extra):
    decision = get_object_or_404(Decision.objects.for_secretary_page(), pk=decision_id)
    return render(
        request,
        "decisions/secretary/decision_detail.html",
        _decision_context(request, decision, **extra),
        status=status,
    )


@requires_permission("decisions.view_decision")
def decision_detail(request, decision_id: int):
    return _decision_page(request, decision_id)


def _decision_or_404(decision_id: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("meeting", "meeting__organ", "case"), pk=decision_id
    )


def _approved_refusal(request, decision: Decision):
    """A write to a justerad § from a stale or forged form: refused with 409 and the reason."""
    messages.error(request, services.DECISION_IS_APPROVED)
    return _decision_page(request, decision.pk, status=409)


def _decision_action(
    request,
    decision_id: int,
    form_name: str,
    *,
    form,
    service,
    arguments,
    success,
    when_justerad: bool = False,
    not_justerad_message: str = "",
):
    """The one shape of a POST on the § page: load the §, refuse a write that its justering
    state does not allow (rule 9: most writes only before justering; rättelse and expediering
    only after), validate ``form(decision)``, call ``service`` with ``arguments(cleaned_data)``
    and on success show ``success(result, cleaned_data)`` and go back to the § page; on a
    refusal show the page again (400) with the form and what was typed."""
    decision = _decision_or_404(decision_id)
    if decision.is_justerad and not when_justerad:
        return _approved_refusal(request, decision)
    if when_justerad and not decision.is_justerad:
        messages.error(request, not_justerad_message.format(label=decision.label))
        return _decision_page(request, decision.pk, status=400)
    return _action(
        request,
        form(decision),
        service,
        arguments=lambda data: {"decision": decision, **arguments(data)},
        success=success,
        done=lambda result: redirect("secretary:decision-detail", decision.pk),
        # A ModelForm that failed has written the typed values onto ``decision`` in memory
        # only; the page reloads it from the database.
        failed=lambda bound: _decision_page(request, decision.pk, status=400, **{form_name: bound}),
    )


@require_POST
@requires_permission("decisions.change_decision")
def decision_texts(request, decision_id: int):
    fields = forms.DecisionTextsForm.Meta.fields
    return _decision_action(
        request,
        decision_id,
        "texts_form",
        form=lambda d: forms.DecisionTextsForm(request.POST, instance=d),
        service=services.update_decision_texts,
        arguments=lambda data: {name: data[name] for name in fields},
        success=lambda result, data: _("Paragrafen är sparad."),
    )


@require_POST
@requires_permission("decisions.add_motion")
def decision_motion(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "motion_form",
        form=lambda d: forms.MotionForm(request.POST, people=_participant_people(d)),
        service=services.add_motion,
        arguments=lambda data: {
            "text": data["text"],
            "mover": data["mover"],
            "supporters": list(data["supporters"]),
        },
        success=lambda result, data: _("Yrkandet är antecknat."),
    )


@requires_permission("decisions.add_vote")
def decision_vote(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    participants = list(decision.participations.select_related("person").order_by("person__name"))
    approved = decision.is_justerad
    if approved and request.method == "POST":
        return _approved_refusal(request, decision)
    form = forms.VoteForm(
        request.POST if request.method == "POST" else None, participants=participants
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            ok, vote = _call(
                form,
                services.record_vote,
                decision=decision,
                question=data["question"],
                ballots=data["ballots"],
                yes_means=data["yes_means"],
                no_means=data["no_means"],
                counts=data["counts"],
                appendix=data["appendix"],
                user=request.user,
            )
            if ok:
                messages.success(
                    request,
                    _("Voteringen är antecknad: %(yes)s ja, %(no)s nej, %(abstain)s avstår.")
                    % {"yes": vote.yes_count, "no": vote.no_count, "abstain": vote.abstain_count},
                )
                return redirect("secretary:decision-detail", decision.pk)
        status = 400
    return render(
        request,
        "decisions/secretary/vote_form.html",
        {"decision": decision, "form": form, "approved": approved},
        status=status,
    )


@require_POST
@requires_permission("decisions.add_reservation")
def decision_reservation(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "reservation_form",
        form=lambda d: forms.ReservationForm(request.POST, people=_participant_people(d)),
        service=services.add_reservation,
        arguments=lambda data: {"person": data["person"], "motivation": data["motivation"]},
        success=lambda result, data: _("Reservationen är antecknad."),
    )


@require_POST
@requires_permission("decisions.add_recusal")
def decision_recusal(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "recusal_form",
        form=lambda d: forms.RecusalForm(request.POST, people=_participant_people(d)),
        service=services.record_recusal,
        arguments=lambda data: {"person": data["person"], "ground": data["ground"]},
        success=lambda result, data: (
            _("Jäv är antecknat; %(name)s deltar inte i paragrafen.")
            % {"name": data["person"].name}
        ),
    )


@require_POST
@requires_permission("decisions.change_decision")
def decision_approve_immediately(request, decision_id: int):
    """Omedelbar justering of one §, only with the confirmation checked (it cannot be undone);
    without it the § page again (400) with the box and why. A justerad § goes to the service,
    which refuses it with the reason."""
    decision = _decision_or_404(decision_id)
    if not decision.is_justerad:
        form = forms.ImmediateApprovalForm(request.POST)
        if not form.is_valid():
            return _decision_page(request, decision.pk, status=400, immediate_form=form)
    try:
        services.approve_immediately(decision=decision, user=request.user)
    except (ValidationError, DatabaseError) as error:
        return _refuse(request, error, reverse("secretary:decision-detail", args=[decision.pk]))
    messages.success(request, _("Paragrafen är omedelbart justerad."))
    return redirect("secretary:decision-detail", decision.pk)


@require_POST
@requires_permission("decisions.add_correction")
def decision_correction(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "correction_form",
        form=lambda d: forms.CorrectionForm(request.POST),
        service=services.correct_decision,
        arguments=lambda data: data,
        success=lambda result, data: _("Rättelsen är antecknad."),
        when_justerad=True,
        not_justerad_message=CORRECTION_ONLY_WHEN_APPROVED,
    )


@require_POST
@requires_permission("decisions.change_decision")
def decision_dispatch(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "dispatch_form",
        form=lambda d: forms.DispatchForm(request.POST),
        service=dispatch.dispatch_decision,
        arguments=lambda data: {"recipients": data["recipients"], "sent_on": data["sent_on"]},
        success=lambda documents, data: (
            _("Expedieringen är registrerad som %(n)s utgående handlingar i ärendet.")
            % {"n": len(documents)}
        ),
        when_justerad=True,
        not_justerad_message=dispatch.DISPATCH_NOT_APPROVED,
    )


@require_POST
@requires_permission("decisions.add_decisionlink")
def decision_minority_referral(request, decision_id: int):
    return _decision_action(
        request,
        decision_id,
        "minority_form",
        form=lambda d: forms.MinorityReferralForm(request.POST),
        service=services.record_minority_referral,
        arguments=lambda data: {
            "supporters": data["supporters"],
            "present": data["present"],
            "motivation": data["motivation"],
        },
        success=lambda result, data: _("Ärendet är återremitterat på minoritetens begäran."),
    )
