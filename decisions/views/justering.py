"""Digital justering's pages (issue 13; rule 37): the secretary sends the protocol to
justering, withdraws it or records a paper signature (forms on the meeting page); the
ordförande and the justerare find their protocols on "Mina protokoll att justera" and approve
each with a one-time code, or comment on it.

Thin views: parse a form, check who may, call ``decisions.meetings.justering``, render. A
refusal is a Swedish message on the form with what was typed, answered 4xx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions.meetings import forms, justering
from decisions.meetings.justering import NOT_ON_JUSTERING, deadline_facts, open_round_of
from decisions.meetings.signing import signature_method
from decisions.models import Decision, JusteringRound, Meeting
from decisions.views.meetings import (
    _apply_errors,
    _meeting_form_failed,
    _meeting_people,
)
from insjoriket.access import requires_permission

NOT_LINKED = (
    "Ditt användarkonto är inte kopplat till någon person i registret. Be registrets "
    "administratör koppla det, så kan du justera protokoll."
)
NO_DEVICE = (
    "Du har ingen autentiseringsapp kopplad till ditt konto och kan därför inte godkänna "
    "digitalt. Be registrets administratör lägga till en, eller skriv under på papper."
)


# --- the secretary: send, withdraw, record paper ---------------------------------------------


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_send_to_justering(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = forms.SendToJusteringForm(request.POST, people=_meeting_people(meeting))
    if form.is_valid():
        try:
            justering.send_to_justering(
                meeting=meeting,
                approvers=list(form.cleaned_data["approvers"]),
                place=form.cleaned_data["place"],
                user=request.user,
            )
        except (ValidationError, DatabaseError) as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Protokollet är skickat på justering till ordföranden och justerarna."),
            )
            return redirect("secretary:meeting-detail", meeting.pk)
    return _meeting_form_failed(request, meeting.pk, send_form=form)


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_withdraw_justering(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    form = forms.WithdrawJusteringForm(request.POST)
    if form.is_valid():
        justering_round = open_round_of(meeting.pk)
        try:
            if justering_round is None:
                raise ValidationError(NOT_ON_JUSTERING)
            justering.withdraw(
                round=justering_round, user=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, DatabaseError) as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Protokollet är tillbakadraget från justering; godkännandena gäller inte "
                    "längre och protokollet kan ändras."
                ),
            )
            return redirect("secretary:meeting-detail", meeting.pk)
    return _meeting_form_failed(request, meeting.pk, withdraw_form=form)


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_paper_justering(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    justering_round = open_round_of(meeting.pk)
    if justering_round is None:
        messages.error(request, NOT_ON_JUSTERING)
        return _meeting_form_failed(request, meeting.pk)
    form = forms.PaperJusteringForm(request.POST, approvals=justering_round.approvals.all())
    if form.is_valid():
        signed = None
        try:
            for approval, signed_on in form.signatures():
                signed = justering.record_paper_signature(
                    round=justering_round,
                    person=approval.person,
                    signed_on=signed_on,
                    user=request.user,
                )
        except (ValidationError, DatabaseError) as error:
            _apply_errors(form, error)
        else:
            if signed is not None and signed.completed:
                messages.success(
                    request, _("Pappersjusteringen är registrerad. Protokollet är justerat.")
                )
                for warning in signed.warnings:
                    messages.warning(request, warning)
            else:
                messages.success(request, _("Pappersjusteringen är registrerad."))
            return redirect("secretary:meeting-detail", meeting.pk)
    return _meeting_form_failed(request, meeting.pk, paper_form=form)


# --- the ordförande and the justerare ----------------------------------------------------------


def _person_of(user):
    return getattr(user, "person", None) if user.is_authenticated else None


@login_required
def justering_list(request):
    """Mina protokoll att justera: the open rounds in which the logged-in user's Person is to
    approve, with the deadline of each."""
    rounds = list(
        JusteringRound.objects.open()
        .signed_by_user(request.user)
        .with_approvals()
        .order_by("meeting__held_on", "pk")
    )
    for justering_round in rounds:
        justering_round.mine = justering_round.approval_of(request.user)
        justering_round.facts = deadline_facts(justering_round.meeting)
    return render(
        request,
        "decisions/secretary/justering_list.html",
        {"rounds": rounds, "linked": _person_of(request.user) is not None},
    )


def _round_page(request, meeting_id: int, *, status: int = 200, **failed):
    justering_round = open_round_of(meeting_id)
    if justering_round is None:
        raise Http404(NOT_ON_JUSTERING)
    mine = justering_round.approval_of(request.user)
    if mine is None and not request.user.has_perm("decisions.change_meeting"):
        raise PermissionDenied
    meeting = justering_round.meeting
    method = signature_method()
    context = {
        "round": justering_round,
        "meeting": meeting,
        "mine": mine,
        "decisions": list(
            Decision.objects.filter(meeting=meeting).select_related("case").order_by("number")
        ),
        "has_device": method.has_device(request.user),
        "method_label": method.label,
        **deadline_facts(meeting),
    }
    if mine is not None and not mine.is_approved:
        context["approve_form"] = failed.get("approve_form") or forms.ApproveProtocolForm()
        context["comment_form"] = failed.get("comment_form") or forms.CommentProtocolForm(
            initial={"comment": mine.comment}
        )
    return render(request, "decisions/secretary/justering_detail.html", context, status=status)


@login_required
def justering_detail(request, meeting_id: int):
    return _round_page(request, meeting_id)


def _signer_action(request, meeting_id: int, form, form_name: str, act):
    """The one shape of the signer's POSTs: the open round, the signer's own approval, the
    form, the service; a refusal is the round page again with the form (400)."""
    justering_round = open_round_of(meeting_id)
    if justering_round is None:  # withdrawn or justerat since the page was loaded
        messages.error(request, NOT_ON_JUSTERING)
        response = justering_list(request)
        response.status_code = 409
        return response
    mine = justering_round.approval_of(request.user)
    if mine is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            return act(justering_round, mine, form.cleaned_data)
        except (ValidationError, DatabaseError) as error:
            _apply_errors(form, error)
    return _round_page(request, meeting_id, status=400, **{form_name: form})


@require_POST
@login_required
def justering_approve(request, meeting_id: int):
    def act(justering_round, mine, data):
        verified = signature_method().verify(request.user, data)
        signed = justering.approve(
            round=justering_round, person=mine.person, user=request.user, otp_verified=verified
        )
        if signed.completed:
            messages.success(request, _("Du har godkänt protokollet. Protokollet är justerat."))
            for warning in signed.warnings:
                messages.warning(request, warning)
        else:
            messages.success(
                request,
                _("Du har godkänt protokollet. Det är justerat när alla har godkänt det."),
            )
        return redirect("secretary:justering-list")

    form = forms.ApproveProtocolForm(request.POST)
    return _signer_action(request, meeting_id, form, "approve_form", act)


@require_POST
@login_required
def justering_comment(request, meeting_id: int):
    def act(justering_round, mine, data):
        justering.comment(
            round=justering_round, person=mine.person, text=data["comment"], user=request.user
        )
        messages.success(
            request,
            _("Din kommentar är sparad. Protokollet är inte godkänt av dig än."),
        )
        return redirect("secretary:justering-detail", meeting_id)

    form = forms.CommentProtocolForm(request.POST)
    return _signer_action(request, meeting_id, form, "comment_form", act)
