"""Atom feeds (RFC 4287) of the public's register: the postlista (newest registered
handlingar), the digital anslagstavla (all organs, or one) and the newly justerade protocols.

Each is a function view that builds Django's ``Atom1Feed`` and answers conditional GETs
(``condition``: ETag and Last-Modified from the latest change in the history tables, and for
the anslagstavla today's date, since a posting goes up and comes down with the calendar;
304 when nothing changed). A feed is a publication: it always shows what a visitor sees,
whoever fetches it (secret handlingar masked, private motparter as "Privatperson"; rule 21).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from cases.models import Case, Document
from decisions import rules as date_rules
from decisions.models import Meeting
from decisions.views.public import _posting
from decisions.views.register import request_link
from members.models import Organ

FEED_ENTRIES = 50
AUTHOR = "Insjöriket – ärende- och beslutsregister"
STOCKHOLM = date_rules.STOCKHOLM


def _midnight(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=STOCKHOLM)


def _latest(*moments) -> dt.datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _etag(*parts) -> str:
    text = "|".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _AtomFeed(Atom1Feed):
    """Django's Atom feed, whose ``<updated>`` without entries is the last change given, not
    the time of the request (the same answer for the same ETag)."""

    def latest_post_date(self):
        if not self.items and self.feed.get("changed") is not None:
            return self.feed["changed"]
        return super().latest_post_date()


def _feed(request, *, title: str, subtitle: str, page_url: str, changed) -> Atom1Feed:
    return _AtomFeed(
        changed=changed,
        title=title,
        link=request.build_absolute_uri(page_url),
        feed_url=request.build_absolute_uri(request.path),
        feed_guid=request.build_absolute_uri(request.path),
        description=subtitle,
        subtitle=subtitle,
        author_name=AUTHOR,
        language="sv",
    )


def _answer(feed: Atom1Feed) -> HttpResponse:
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response


# --- The postlista --------------------------------------------------------------------------


def _once_per_request(changed):
    """A feed's "last changed" is read by the ETag, by Last-Modified and by the feed itself:
    ask the history tables once per request, not three times."""

    @functools.wraps(changed)
    def wrapper(request, *args, **kwargs):
        memo = request.__dict__.setdefault("_feed_changed", {})
        key = (changed.__name__, *args, *(v for _, v in sorted(kwargs.items())))
        if key not in memo:
            memo[key] = changed(request, *args, **kwargs)
        return memo[key]

    return wrapper


@_once_per_request
def _post_list_changed(request, *args, **kwargs) -> dt.datetime | None:
    """The last change of any handling or ärende (a case's secrecy masks its handlingar)."""
    return _latest(
        Document.history.aggregate(at=Max("history_date"))["at"],
        Case.history.aggregate(at=Max("history_date"))["at"],
    )


def _post_list_etag(request, *args, **kwargs) -> str:
    return _etag("postlista", _post_list_changed(request))


@require_GET
@condition(etag_func=_post_list_etag, last_modified_func=_post_list_changed)
def post_list_feed(request):
    feed = _feed(
        request,
        title=_("Postlista – Insjöriket"),
        subtitle=_("De senast registrerade handlingarna: inkomna, utgående och upprättade."),
        page_url=reverse("cases:post-list"),
        changed=_post_list_changed(request),
    )
    documents = Document.objects.for_post_list().order_by("-id")[:FEED_ENTRIES]
    for document in documents:
        title = document.title_for(may_see_secret=False)
        counterpart = document.public_counterpart(may_see_secret=False)
        day = document.date.isoformat()
        summary = _("%(direction)s handling %(number)s, daterad %(day)s.") % {
            "direction": document.get_direction_display().capitalize(),
            "number": document.number,
            "day": day,
        }
        if counterpart:
            summary += " " + _("Avsändare/mottagare: %(who)s.") % {"who": counterpart}
        page = reverse("cases:post-list") + f"?datum={day}#handling-{document.pk}"
        summary += " " + _("Begär ut handlingen: %(link)s") % {"link": request_link(document)}
        feed.add_item(
            title=f"{document.number} {title}",
            link=request.build_absolute_uri(page),
            description=escape(summary),
            unique_id=request.build_absolute_uri(
                reverse("cases:case-detail", args=[document.case_id])
            )
            + f"#handling-{document.serial}",
            pubdate=_midnight(document.date),
            updateddate=_midnight(document.date),
        )
    return _answer(feed)


# --- The anslagstavla -----------------------------------------------------------------------


@_once_per_request
def _board_changed(request, organ_id: int | None = None) -> dt.datetime | None:
    """The last change of a meeting, or the last day ≤ today an anslag went up or came down:
    the board changes with the calendar too (rule 39)."""
    today = date_rules.today()
    meetings = Meeting.objects.all() if organ_id is None else Meeting.objects.filter(organ=organ_id)
    days = meetings.filter(posted_on__lte=today).aggregate(
        up=Max("posted_on"), down=Max("removed_on")
    )
    down = days["down"] if days["down"] and days["down"] <= today else None
    return _latest(
        Meeting.history.aggregate(at=Max("history_date"))["at"],
        _midnight(days["up"]),
        _midnight(down),
    )


def _board_etag(request, organ_id: int | None = None) -> str:
    return _etag("anslagstavla", organ_id, date_rules.today(), _board_changed(request, organ_id))


@require_GET
@condition(etag_func=_board_etag, last_modified_func=_board_changed)
def anslagstavla_feed(request, organ_id: int | None = None):
    organ = None
    if organ_id is not None:
        organ = get_object_or_404(Organ.objects.select_related("organisation"), pk=organ_id)
    today = date_rules.today()
    meetings = Meeting.objects.on_board(today).select_related("organ", "organ__organisation")
    if organ is not None:
        meetings = meetings.filter(organ=organ)
        title = _("Anslagstavla – %(organ)s, %(organisation)s") % {
            "organ": organ.name,
            "organisation": organ.organisation.name,
        }
    else:
        title = _("Anslagstavla – Insjöriket")
    feed = _feed(
        request,
        title=title,
        subtitle=_("Protokoll som är anslagna på den digitala anslagstavlan."),
        page_url=reverse("public:anslagstavla"),
        changed=_board_changed(request, organ_id),
    )
    for meeting in meetings.order_by("-posted_on", "-id")[:FEED_ENTRIES]:
        posting = _posting(meeting)
        held = meeting.held_on.isoformat() if meeting.held_on else _("datum okänt")
        pdf = request.build_absolute_uri(reverse("decisions:protocol-pdf", args=[meeting.pk]))
        summary = _(
            "Protokollet från %(organ)s (%(organisation)s) sammanträde %(held)s är justerat "
            "%(approved)s och anslaget %(posted)s. Sista dag för överklagande: %(last)s."
        ) % {
            "organ": meeting.organ.name,
            "organisation": meeting.organ.organisation.name,
            "held": held,
            "approved": meeting.approved_on.isoformat(),
            "posted": meeting.posted_on.isoformat(),
            "last": posting.last_appeal_day.isoformat(),
        }
        feed.add_item(
            title=_("Anslag: %(organ)s %(held)s") % {"organ": meeting.organ.name, "held": held},
            link=pdf,
            description=escape(summary),
            unique_id=f"{pdf}#anslag-{meeting.posted_on.isoformat()}",
            pubdate=_midnight(meeting.posted_on),
            updateddate=_midnight(meeting.posted_on),
        )
    return _answer(feed)


# --- Justerade protocols ---------------------------------------------------------------------


@_once_per_request
def _protocols_changed(request) -> dt.datetime | None:
    return Meeting.history.aggregate(at=Max("history_date"))["at"]


def _protocols_etag(request) -> str:
    return _etag("protokoll", _protocols_changed(request))


@require_GET
@condition(etag_func=_protocols_etag, last_modified_func=_protocols_changed)
def protocols_feed(request):
    feed = _feed(
        request,
        title=_("Justerade protokoll – Insjöriket"),
        subtitle=_("Protokoll i den ordning de justerats, senaste först."),
        page_url=reverse("public:anslagstavla"),
        changed=_protocols_changed(request),
    )
    # A protocol from the sources whose justering date is unknown is dated by its meeting.
    meetings = (
        Meeting.objects.justerade()
        .filter(Q(approved_on__isnull=False) | Q(held_on__isnull=False))
        .select_related("organ", "organ__organisation")
        .order_by(
            Coalesce("approved_on", "held_on").desc(), F("held_on").desc(nulls_last=True), "-id"
        )[:FEED_ENTRIES]
    )
    for meeting in meetings:
        held = meeting.held_on.isoformat() if meeting.held_on else _("datum okänt")
        approved = meeting.approved_on.isoformat() if meeting.approved_on else _("datum okänt")
        pdf = request.build_absolute_uri(reverse("decisions:protocol-pdf", args=[meeting.pk]))
        feed.add_item(
            title=_("Protokoll %(organ)s %(held)s") % {"organ": meeting.organ.name, "held": held},
            link=pdf,
            description=escape(
                _("%(organ)s, %(organisation)s: sammanträde %(held)s, justerat %(approved)s.")
                % {
                    "organ": meeting.organ.name,
                    "organisation": meeting.organ.organisation.name,
                    "held": held,
                    "approved": approved,
                }
            ),
            unique_id=pdf,
            pubdate=_midnight(meeting.approved_on or meeting.held_on),
            updateddate=_midnight(meeting.approved_on or meeting.held_on),
        )
    return _answer(feed)
