"""The anslag of a justerat protocol on the digital anslagstavla: post it, mend a wrong
posting date by a recorded correction, take it down (KL 8 kap. 12 §, 13 kap. 5 §).

The same thin shape as the meeting pages (``decisions.views.meetings``): a form, the service
with the rule, a message, back to the meeting.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import rules as date_rules
from decisions.meetings import forms, services
from decisions.models import Meeting
from decisions.views.meetings import _action, _meeting_refused, _to_meeting
from insjoriket.access import requires_permission


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_post(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return _action(
        request,
        forms.PostForm(request.POST),
        services.post_minutes_kept_at,
        arguments=lambda data: {"meeting": meeting, **data},
        success=lambda warnings, data: _posted_message(data["posted_on"]),
        warns=True,
        done=_to_meeting(meeting),
        failed=lambda form: _meeting_refused(request, meeting, post_form=form),
    )


def _posted_message(posted_on: dt.date) -> str:
    """Rule 39: a posting dated after today is not on the board until that day."""
    if posted_on > date_rules.today():
        return _("Protokollet anslås på anslagstavlan %(date)s.") % {"date": posted_on.isoformat()}
    return _("Protokollet är anslaget på anslagstavlan.")


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_correct_posting(request, meeting_id: int):
    """Rule 39: a wrong anslag date is mended by a recorded correction, which recomputes the
    appeal window (KL 13 kap. 5 §)."""
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return _action(
        request,
        forms.PostingCorrectionForm(request.POST),
        services.correct_posting,
        arguments=lambda data: {"meeting": meeting, **data},
        success=lambda done, data: (
            _(
                "Anslagsdatumet är rättat från %(old)s till %(new)s. Sista dag för överklagande är "
                "nu %(last)s (var %(was)s); anslaget får tas ned tidigast %(remove)s."
            )
            % {
                "old": done.correction.old_posted_on.isoformat(),
                "new": done.correction.new_posted_on.isoformat(),
                "last": done.last_appeal_day.isoformat(),
                "was": done.old_last_appeal_day.isoformat(),
                "remove": done.may_remove_from.isoformat(),
            }
        ),
        done=_to_meeting(meeting),
        failed=lambda form: _meeting_refused(request, meeting, correct_posting_form=form),
    )


@require_POST
@requires_permission("decisions.change_meeting")
def meeting_remove_posting(request, meeting_id: int):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return _action(
        request,
        forms.RemovePostingForm(request.POST),
        services.remove_posting,
        arguments=lambda data: {"meeting": meeting, **data},
        success=lambda result, data: _("Anslaget är nedtaget."),
        done=_to_meeting(meeting),
        failed=lambda form: _meeting_refused(request, meeting, remove_form=form),
    )
