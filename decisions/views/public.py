"""The digital anslagstavla (KL 8 kap. 9–12 §§): public, no login. Lists the protocols posted
now and, in an archive, those taken down; each with the dates a reader needs to appeal
(rules 2–5) and a link to the protocol PDF. Accessible and linked to the
tillgänglighetsredogörelse (rule 32)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render

from decisions import rules as date_rules
from decisions.models import Meeting

ARCHIVE_PER_PAGE = 50


@dataclass(frozen=True)
class Posting:
    """One protocol on the anslagstavla with its derived dates (rules 3 and 5)."""

    meeting: Meeting
    last_appeal_day: dt.date
    may_be_removed_on: dt.date


def _posting(meeting: Meeting) -> Posting:
    last = date_rules.last_appeal_day(posted_on=meeting.posted_on)
    return Posting(meeting, last, last + dt.timedelta(days=1))


def anslagstavla(request):
    today = date_rules.today()
    meetings = (
        Meeting.objects.on_board(today)
        .select_related("organ", "organ__organisation")
        .order_by("-posted_on", "organ__name", "-id")
    )
    postings = [_posting(m) for m in meetings]
    # Rule 39: a protocol posted with a later date is "anslås <datum>", not yet on the board.
    coming = (
        Meeting.objects.with_status(Meeting.Status.SCHEDULED, today)
        .select_related("organ", "organ__organisation")
        .order_by("posted_on", "organ__name", "-id")
    )
    scheduled = [(m, m.status_text(today)) for m in coming]
    # Each organ on the board has its own Atom feed (decisions.views.feeds).
    feed_organs = list({p.meeting.organ.pk: p.meeting.organ for p in postings}.values())
    return render(
        request,
        "decisions/public/anslagstavla.html",
        {
            "postings": postings,
            "scheduled": scheduled,
            "today": today,
            "feed_organs": sorted(feed_organs, key=lambda o: (o.organisation.name, o.name)),
        },
    )


def anslagstavla_archive(request):
    today = date_rules.today()
    meetings = (
        Meeting.objects.taken_down(today)
        .select_related("organ", "organ__organisation")
        .order_by("-removed_on", "-posted_on", "organ__name", "-id")
    )
    page = Paginator(meetings, ARCHIVE_PER_PAGE).get_page(request.GET.get("sida"))
    postings = [_posting(m) for m in page.object_list]
    return render(
        request,
        "decisions/public/archive.html",
        {"page": page, "postings": postings, "today": today},
    )
