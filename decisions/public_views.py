"""The digital anslagstavla (KL 8 kap. 9–12 §§): public, no login. Lists the protocols posted
now and, in an archive, those taken down; each with the dates a reader needs to appeal
(rules 2–5) and a link to the protocol PDF. Accessible and linked to the
tillgänglighetsredogörelse (rule 32)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from decisions import rules
from decisions.models import Meeting

ARCHIVE_PER_PAGE = 50


@dataclass(frozen=True)
class Posting:
    """One protocol on the anslagstavla with its derived dates (rules 3 and 5)."""

    meeting: Meeting
    last_appeal_day: dt.date
    may_be_removed_on: dt.date


def _posting(meeting: Meeting) -> Posting:
    last = rules.last_appeal_day(posted_on=meeting.posted_on)
    return Posting(meeting, last, last + dt.timedelta(days=1))


def _posted_meetings():
    """Posted, justerade protocols with organ and organisation (one query)."""
    return Meeting.objects.select_related("organ", "organ__organisation").filter(
        posted_on__isnull=False, approved_on__isnull=False
    )


def on_board(*, today: dt.date):
    """Protocols on the anslagstavla ``today``: posted on or before it, not yet taken down."""
    return (
        _posted_meetings()
        .filter(posted_on__lte=today)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=today))
        .order_by("-posted_on", "organ__name", "-id")
    )


def taken_down(*, today: dt.date):
    """Protocols whose anslag has been taken down (the archive)."""
    return (
        _posted_meetings()
        .filter(removed_on__lte=today)
        .order_by("-removed_on", "-posted_on", "organ__name", "-id")
    )


def anslagstavla(request):
    today = rules.today()
    postings = [_posting(m) for m in on_board(today=today)]
    return render(
        request,
        "decisions/public/anslagstavla.html",
        {"postings": postings, "today": today},
    )


def anslagstavla_archive(request):
    today = rules.today()
    page = Paginator(taken_down(today=today), ARCHIVE_PER_PAGE).get_page(request.GET.get("sida"))
    postings = [_posting(m) for m in page.object_list]
    return render(
        request,
        "decisions/public/archive.html",
        {"page": page, "postings": postings, "today": today},
    )
