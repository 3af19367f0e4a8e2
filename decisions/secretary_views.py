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
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError as BrokerError

from decisions import dispatch, rules, services, tasks
from decisions import secretary_forms as forms
from decisions.models import (
    Attendance,
    Decision,
    Meeting,
    Motion,
    Participation,
    ProtocolBatch,
    Vote,
    is_justerat_refusal,
    justerad_q,
)
from members.models import Person

logger = logging.getLogger(__name__)
MEETINGS_PER_PAGE = 25
SERVING_ROLES = (Attendance.Role.MEMBER, Attendance.Role.SERVING_SUBSTITUTE)
SAVE_FAILED = (
    "Ändringen kunde inte sparas eftersom databasen nekade den. Ladda om sidan och försök igen."
)
IMMUTABLE_BY_DATABASE = (
    "Ändringen nekades eftersom protokollet eller paragrafen är justerad. Gör en rättelse i "
    "stället (regel 9)."
)
CORRECTION_ONLY_WHEN_APPROVED = (
    "Rättelse görs bara i justerade paragrafer; ändra texten direkt så länge paragrafen är "
    "ojusterad."
)
MINORITY_REFERRAL_DISABLED = services.MINORITY_REFERRAL_ONLY_ASSEMBLY


def secretary_permission(perm: str):
    """Anonymous visitors go to the login page; logged-in users without ``perm`` get 403."""

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


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


# --- reads ----------------------------------------------------------------------------------


def _meetings_for_list():
    """The meeting list: organ and organisation per row, the number of §§ as an annotation."""
    return Meeting.objects.select_related("organ", "organ__organisation").annotate(
        decision_count=Count("decisions")
    )


def _meeting_for_page(meeting_id: int) -> Meeting:
    """The meeting page: organ, närvaro with persons, justerare, and the §§ with their ärende
    and counts of yrkanden, voteringar and reservationer (constant queries)."""
    decisions = (
        Decision.objects.select_related("case")
        .annotate(
            motion_count=Count("motions", distinct=True),
            reservation_count=Count("reservations", distinct=True),
            **services.approval_annotations(),
        )
        .order_by("number", "id")
    )
    return get_object_or_404(
        Meeting.objects.select_related("organ", "organ__organisation").prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
            "approvers",
            Prefetch("decisions", queryset=decisions),
        ),
        pk=meeting_id,
    )


def _decision_for_page(decision_id: int) -> Decision:
    """The § page: meeting, organ, ärende, deltagare, yrkanden with instämmande, voteringar with
    their voteringslista, reservationer, jäv and rättelser."""
    return get_object_or_404(
        Decision.objects.select_related(
            "meeting", "meeting__organ", "meeting__organ__organisation", "case"
        ).prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person").order_by("person__name"),
            ),
            Prefetch(
                "motions",
                queryset=Motion.objects.select_related("mover").prefetch_related("supporters"),
            ),
            Prefetch(
                "votes",
                queryset=Vote.objects.prefetch_related("ballots__person"),
            ),
            "reservations__person",
            "recusals__person",
            "corrections",
        ),
        pk=decision_id,
    )


def _participant_people(decision: Decision):
    return Person.objects.filter(participations__decision=decision).order_by("name")


def _meeting_people(meeting: Meeting):
    return Person.objects.filter(
        attendances__meeting=meeting,
        attendances__role__in=[Attendance.Role.MEMBER, Attendance.Role.SERVING_SUBSTITUTE],
    ).order_by("name")


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


@secretary_permission("decisions.view_meeting")
def meeting_list(request):
    today = rules.today()
    form = forms.MeetingFilterForm(request.GET or None)
    queryset = _meetings_for_list().order_by(
        F("held_on").desc(nulls_last=True), "organ__name", "-id"
    )
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("organ"):
            queryset = queryset.filter(organ=form.cleaned_data["organ"])
        status = form.cleaned_data.get("status")
        posted = Q(posted_on__isnull=False, posted_on__lte=today, removed_on__isnull=True)
        if status == forms.STATUS_POSTED:
            queryset = queryset.filter(posted)
        elif status == forms.STATUS_APPROVED:
            queryset = queryset.filter(justerad_q()).exclude(posted)
        elif status == forms.STATUS_UNAPPROVED:
            queryset = queryset.filter(~justerad_q(), held_on__lte=today)
        elif status == forms.STATUS_PLANNED:
            queryset = queryset.filter(
                Q(held_on__gt=today) | Q(held_on__isnull=True), ~justerad_q()
            )
    page = Paginator(queryset, MEETINGS_PER_PAGE).get_page(request.GET.get("sida"))
    for meeting in page.object_list:
        meeting.status = forms.meeting_status(meeting, today=today)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "decisions/secretary/meeting_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@secretary_permission("decisions.add_meeting")
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
    today = rules.today()
    decisions = list(meeting.decisions.all())
    attendances = list(meeting.attendances.all())
    by_role: dict[str, list[Attendance]] = {role: [] for role, _label in Attendance.Role.choices}
    for a in attendances:
        by_role[a.role].append(a)
    context = {
        "meeting": meeting,
        "status": forms.meeting_status(meeting, today=today),
        "decisions": decisions,
        "attendance_groups": [
            (label, by_role[role]) for role, label in Attendance.Role.choices if by_role[role]
        ],
        "approvers": list(meeting.approvers.all()),
        "approved": meeting.is_approved,
        "problems": [] if meeting.is_approved else services.approval_problems(meeting, decisions),
    }
    if meeting.approved_on:
        context["posting_deadline"] = rules.posting_deadline(approved_on=meeting.approved_on)
    if meeting.posted_on:
        last = rules.last_appeal_day(posted_on=meeting.posted_on)
        context["last_appeal_day"] = last
        context["may_remove_from"] = last + dt.timedelta(days=1)
    if not meeting.is_approved and meeting.year:
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
    if not meeting.is_approved:
        people = [a.person for a in attendances if a.role in SERVING_ROLES]
        context.setdefault(
            "approve_form",
            forms.ApproveForm(
                people=Person.objects.filter(pk__in=[p.pk for p in people]),
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


@secretary_permission("decisions.view_meeting")
def meeting_detail(request, meeting_id: int):
    meeting = _meeting_for_page(meeting_id)
    return render(
        request, "decisions/secretary/meeting_detail.html", _meeting_context(request, meeting)
    )


def _meeting_form_failed(request, meeting_id: int, **forms_with_errors):
    meeting = _meeting_for_page(meeting_id)
    context = _meeting_context(request, meeting, **forms_with_errors)
    return render(request, "decisions/secretary/meeting_detail.html", context, status=400)


@secretary_permission("decisions.change_meeting")
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


@require_POST
@secretary_permission("decisions.add_decision")
def decision_add(request, meeting_id: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related("organ", "organ__organisation"), pk=meeting_id
    )
    form = forms.AddDecisionForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        ok, decision = _call(
            form,
            services.add_decision,
            meeting=meeting,
            number=data["number"],
            title=data["title"],
            kind=data["kind"],
            case=data["case"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("%(label)s är tillagd.") % {"label": decision.label})
            return redirect("secretary:decision-detail", decision.pk)
    if meeting.is_approved:
        return _refuse(
            request,
            ValidationError(services.PROTOCOL_IS_APPROVED),
            reverse("secretary:meeting-detail", args=[meeting.pk]),
        )
    return _meeting_form_failed(request, meeting.pk, add_form=form)


@require_POST
@secretary_permission("decisions.change_meeting")
def meeting_approve(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = forms.ApproveForm(request.POST, people=_meeting_people(meeting))
    if form.is_valid():
        data = form.cleaned_data
        ok, warnings = _call(
            form,
            services.approve_minutes,
            meeting=meeting,
            approved_on=data["approved_on"],
            approvers=list(data["approvers"]),
            place=data["place"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("Protokollet är justerat."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("secretary:meeting-detail", meeting.pk)
    if meeting.is_approved:
        return _refuse(
            request,
            ValidationError(services.PROTOCOL_IS_APPROVED),
            reverse("secretary:meeting-detail", args=[meeting.pk]),
        )
    return _meeting_form_failed(request, meeting.pk, approve_form=form)


@require_POST
@secretary_permission("decisions.change_meeting")
def meeting_post(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        ok, warnings = _call(
            form,
            services.post_minutes_kept_at,
            meeting=meeting,
            posted_on=form.cleaned_data["posted_on"],
            minutes_kept_at=form.cleaned_data["minutes_kept_at"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("Protokollet är anslaget på anslagstavlan."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("secretary:meeting-detail", meeting.pk)
    return _meeting_form_failed(request, meeting.pk, post_form=form)


@require_POST
@secretary_permission("decisions.change_meeting")
def meeting_remove_posting(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = forms.RemovePostingForm(request.POST)
    if form.is_valid():
        ok, _result = _call(
            form,
            services.remove_posting,
            meeting=meeting,
            removed_on=form.cleaned_data["removed_on"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("Anslaget är nedtaget."))
            return redirect("secretary:meeting-detail", meeting.pk)
    return _meeting_form_failed(request, meeting.pk, remove_form=form)


# --- paragrafer -------------------------------------------------------------------------------


def _decision_context(request, decision: Decision, **extra) -> dict:
    approved = services.is_decision_approved(decision)
    participants = list(decision.participations.all())
    people = _participant_people(decision)
    context = {
        "decision": decision,
        "meeting": decision.meeting,
        "approved": approved,
        "participants": participants,
        "motions": list(decision.motions.all()),
        "votes": list(decision.votes.all()),
        "reservations": list(decision.reservations.all()),
        "recusals": list(decision.recusals.all()),
        "corrections": list(decision.corrections.all()),
        "is_assembly": decision.meeting.organ.kind == decision.meeting.organ.Kind.ASSEMBLY,
    }
    if approved:
        context["dispatches"] = dispatch.dispatches_of(decision)
        context.setdefault(
            "correction_form",
            forms.CorrectionForm(
                initial={"made_by": _user_name(request.user), "made_on": rules.today()}
            ),
        )
        if decision.case_id:
            context.setdefault(
                "dispatch_form",
                forms.DispatchForm(
                    initial={"recipients": decision.sent_to, "sent_on": rules.today()}
                ),
            )
    else:
        context.setdefault("texts_form", forms.DecisionTextsForm(instance=decision))
        context.setdefault("motion_form", forms.MotionForm(people=people))
        context.setdefault("reservation_form", forms.ReservationForm(people=people))
        context.setdefault("recusal_form", forms.RecusalForm(people=people))
        if context["is_assembly"]:
            context.setdefault("minority_form", forms.MinorityReferralForm())
    _use_forms(request, context, extra)
    return context


def _decision_page(request, decision_id: int, status: int = 200, **extra):
    decision = _decision_for_page(decision_id)
    return render(
        request,
        "decisions/secretary/decision_detail.html",
        _decision_context(request, decision, **extra),
        status=status,
    )


@secretary_permission("decisions.view_decision")
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


@require_POST
@secretary_permission("decisions.change_decision")
def decision_texts(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if services.is_decision_approved(decision):
        return _approved_refusal(request, decision)
    form = forms.DecisionTextsForm(request.POST, instance=decision)
    if form.is_valid():
        ok, _result = _call(
            form,
            services.update_decision_texts,
            decision=decision,
            user=request.user,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        if ok:
            messages.success(request, _("Paragrafen är sparad."))
            return redirect("secretary:decision-detail", decision.pk)
    # A ModelForm that failed has written the typed values onto ``decision`` in memory only;
    # the page reloads it from the database.
    return _decision_page(request, decision.pk, status=400, texts_form=form)


@require_POST
@secretary_permission("decisions.add_motion")
def decision_motion(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if services.is_decision_approved(decision):
        return _approved_refusal(request, decision)
    form = forms.MotionForm(request.POST, people=_participant_people(decision))
    if form.is_valid():
        ok, _result = _call(
            form,
            services.add_motion,
            decision=decision,
            text=form.cleaned_data["text"],
            mover=form.cleaned_data["mover"],
            supporters=list(form.cleaned_data["supporters"]),
            user=request.user,
        )
        if ok:
            messages.success(request, _("Yrkandet är antecknat."))
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, motion_form=form)


@secretary_permission("decisions.add_vote")
def decision_vote(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    participants = list(decision.participations.select_related("person").order_by("person__name"))
    approved = services.is_decision_approved(decision)
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
@secretary_permission("decisions.add_reservation")
def decision_reservation(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if services.is_decision_approved(decision):
        return _approved_refusal(request, decision)
    form = forms.ReservationForm(request.POST, people=_participant_people(decision))
    if form.is_valid():
        ok, _result = _call(
            form,
            services.add_reservation,
            decision=decision,
            person=form.cleaned_data["person"],
            motivation=form.cleaned_data["motivation"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("Reservationen är antecknad."))
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, reservation_form=form)


@require_POST
@secretary_permission("decisions.add_recusal")
def decision_recusal(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if services.is_decision_approved(decision):
        return _approved_refusal(request, decision)
    form = forms.RecusalForm(request.POST, people=_participant_people(decision))
    if form.is_valid():
        ok, _result = _call(
            form,
            services.record_recusal,
            decision=decision,
            person=form.cleaned_data["person"],
            ground=form.cleaned_data["ground"],
            user=request.user,
        )
        if ok:
            messages.success(
                request,
                _("Jäv är antecknat; %(name)s deltar inte i paragrafen.")
                % {"name": form.cleaned_data["person"].name},
            )
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, recusal_form=form)


@require_POST
@secretary_permission("decisions.change_decision")
def decision_approve_immediately(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    try:
        services.approve_immediately(decision=decision, user=request.user)
    except (ValidationError, DatabaseError) as error:
        return _refuse(request, error, reverse("secretary:decision-detail", args=[decision.pk]))
    messages.success(request, _("Paragrafen är omedelbart justerad."))
    return redirect("secretary:decision-detail", decision.pk)


@require_POST
@secretary_permission("decisions.add_correction")
def decision_correction(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    form = forms.CorrectionForm(request.POST)
    if not services.is_decision_approved(decision):
        messages.error(request, CORRECTION_ONLY_WHEN_APPROVED)
        return _decision_page(request, decision.pk, status=400)
    if form.is_valid():
        ok, _result = _call(
            form,
            services.correct_decision,
            decision=decision,
            user=request.user,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Rättelsen är antecknad."))
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, correction_form=form)


@require_POST
@secretary_permission("decisions.change_decision")
def decision_dispatch(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if not services.is_decision_approved(decision):
        messages.error(request, dispatch.DISPATCH_NOT_APPROVED.format(label=decision.label))
        return _decision_page(request, decision.pk, status=400)
    form = forms.DispatchForm(request.POST)
    if form.is_valid():
        ok, documents = _call(
            form,
            dispatch.dispatch_decision,
            decision=decision,
            recipients=form.cleaned_data["recipients"],
            sent_on=form.cleaned_data["sent_on"],
            user=request.user,
        )
        if ok:
            messages.success(
                request,
                _("Expedieringen är registrerad som %(n)s utgående handlingar i ärendet.")
                % {"n": len(documents)},
            )
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, dispatch_form=form)


@require_POST
@secretary_permission("decisions.add_decisionlink")
def decision_minority_referral(request, decision_id: int):
    decision = _decision_or_404(decision_id)
    if services.is_decision_approved(decision):
        return _approved_refusal(request, decision)
    form = forms.MinorityReferralForm(request.POST)
    if form.is_valid():
        ok, _result = _call(
            form,
            services.record_minority_referral,
            decision=decision,
            supporters=form.cleaned_data["supporters"],
            present=form.cleaned_data["present"],
            motivation=form.cleaned_data["motivation"],
            user=request.user,
        )
        if ok:
            messages.success(request, _("Ärendet är återremitterat på minoritetens begäran."))
            return redirect("secretary:decision-detail", decision.pk)
    return _decision_page(request, decision.pk, status=400, minority_form=form)


# --- ett års protokoll (a Celery job, decisions/tasks.py) ----------------------------------

BATCHES_SHOWN = 50
BROKER_DOWN = (
    "Utskriftskön går inte att nå just nu, så beställningen kunde inte läggas. Försök igen om en "
    "stund; kvarstår felet, kontakta systemförvaltningen."
)
BATCH_ALREADY_QUEUED = "Du har redan beställt protokollen för %(organ)s %(year)s; de skrivs ut nu."
BATCH_QUEUED = (
    "Protokollen för %(organ)s %(year)s skrivs ut. Ladda om sidan om en stund för att hämta "
    "ZIP-filen."
)
PENDING = (ProtocolBatch.Status.QUEUED, ProtocolBatch.Status.RUNNING)


def _enqueue(batch_id: int) -> None:
    tasks.render_protocol_batch.delay(batch_id)


def _batch_form_page(request, form, *, status: int = 200):
    return render(
        request, "decisions/secretary/protocol_batch_form.html", {"form": form}, status=status
    )


@secretary_permission("decisions.change_meeting")
def protocol_batch_create(request):
    """Skriv ut ett års protokoll: the form, and on POST a ProtocolBatch and a Celery job.

    The job is sent when the row is committed (``on_commit``), so the worker finds it. When
    the broker cannot be reached the batch is marked misslyckad with the reason and the form
    answers 503 with what was typed.
    """
    today = rules.today()
    form = forms.ProtocolBatchForm(
        request.POST if request.method == "POST" else None,
        today=today,
        initial={"year": today.year},
    )
    if request.method != "POST":
        return _batch_form_page(request, form)
    if not form.is_valid():
        return _batch_form_page(request, form, status=400)
    organ, year = form.cleaned_data["organ"], form.cleaned_data["year"]
    names = {"organ": organ.name, "year": year}
    pending = ProtocolBatch.objects.filter(
        requested_by=request.user, organ=organ, year=year, status__in=PENDING
    )
    if pending.exists():
        messages.info(request, _(BATCH_ALREADY_QUEUED) % names)
        return redirect("secretary:protocol-batch-list")
    batch = None
    try:
        with transaction.atomic():
            batch = ProtocolBatch.objects.create(organ=organ, year=year, requested_by=request.user)
            transaction.on_commit(lambda: _enqueue(batch.pk))
    except (BrokerError, ConnectionError, OSError) as error:
        logger.error("Could not enqueue protocol batch %s: %s", batch and batch.pk, error)
        if batch is not None and batch.pk:
            ProtocolBatch.objects.filter(pk=batch.pk, status=ProtocolBatch.Status.QUEUED).update(
                status=ProtocolBatch.Status.FAILED,
                error=_(BROKER_DOWN),
                finished_at=timezone.now(),
            )
        form.add_error(None, _(BROKER_DOWN))
        return _batch_form_page(request, form, status=503)
    messages.success(request, _(BATCH_QUEUED) % names)
    return redirect("secretary:protocol-batch-list")


@secretary_permission("decisions.change_meeting")
def protocol_batch_list(request):
    """The user's own orders of a year's protocols, newest first, with a link to each ZIP."""
    batches = list(
        ProtocolBatch.objects.filter(requested_by=request.user)
        .select_related("organ", "organ__organisation")
        .defer("result_zip")[:BATCHES_SHOWN]
    )
    return render(
        request,
        "decisions/secretary/protocol_batch_list.html",
        {"batches": batches, "pending": any(b.status in PENDING for b in batches)},
    )


@secretary_permission("decisions.change_meeting")
def protocol_batch_download(request):
    """The ZIP of a finished batch (``?id=``), for the user who ordered it; anything else is
    not found."""
    raw = request.GET.get("id", "")
    if not raw.isdigit():
        raise Http404
    batch = get_object_or_404(
        ProtocolBatch.objects.select_related("organ"),
        pk=int(raw),
        requested_by=request.user,
        status=ProtocolBatch.Status.DONE,
    )
    response = HttpResponse(bytes(batch.result_zip), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{batch.zip_filename()}"'
    return response
