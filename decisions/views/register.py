"""The public's register (issue 16 item 2): the e-diarium — every ärende searchable by
diarienummer, words, organ and registration period — and the daily postlista of registered
handlingar, both open to all and read live from the tables.

They show only the diarium's records, but the diarium's word filter is the search's word
query (``decisions.search``: one definition), so they live in this layer; their URL names are
in the ``cases`` namespace like the case page's. Secret ärenden and handlingar are listed as
every other door lists them: dnr and date, with the masked title (``Case.title_for``,
``Document.title_for``; rule 21), and a filter on what is hidden finds nothing hidden.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases.forms import PostListDayForm, PublicRegisterForm
from cases.models import Case, Document
from cases.views import CappedPaginator
from decisions import rules as date_rules
from decisions import search as case_search
from insjoriket.access import can_see_secret

DIARIUM_PER_PAGE = 25
DAY_ENTRIES_PER_PAGE = 100


def _filtered_cases(cases, data: dict, *, user):
    """The diarium's filters. The dnr and the registration date are public (rule 21); the
    words match only the ärenden whose title the user may read."""
    if data.get("number"):
        cases = cases.matching_number(data["number"])
    if data.get("q"):
        words = case_search.query_words(data["q"])
        if words:
            cases = case_search.cases_matching_words(cases, words, user=user)
    if data.get("organ"):
        cases = cases.filter(register__organ=data["organ"])
    if data.get("registered_from"):
        cases = cases.filter(opened_on__gte=data["registered_from"])
    if data.get("registered_to"):
        cases = cases.filter(opened_on__lte=data["registered_to"])
    return cases


@require_safe
def public_register(request):
    """The e-diarium: a count and one page of ärenden (two queries, and one for the organs of
    the filter)."""
    may_see_secret = can_see_secret(request.user)
    form = PublicRegisterForm(request.GET or None)
    cases = Case.objects.for_public_register()
    status = 200
    if form.is_bound:
        if form.is_valid():
            cases = _filtered_cases(cases, form.cleaned_data, user=request.user)
        else:
            cases, status = cases.none(), 400
    page = CappedPaginator(cases, DIARIUM_PER_PAGE).get_page(request.GET.get("sida"))
    for case in page.object_list:
        case.shown_title = case.title_for(may_see_secret=may_see_secret)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "cases/public_register.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(query)},
        status=status,
    )


def request_link(document: Document) -> str:
    """ "Begär ut handlingen": a mailto: to the registrator with the handling's number in the
    subject (the product registers no requests yet; issue 15)."""
    subject = _("Begäran om allmän handling %(number)s") % {"number": document.number}
    return f"mailto:{settings.REGISTRATOR_EMAIL}?subject={quote(subject)}"


@require_safe
def post_list(request):
    """The postlista of one day (?datum=, by default the latest day with registered
    handlingar): the handlingar dated that day, with links to the days before and after."""
    may_see_secret = can_see_secret(request.user)
    today = date_rules.today()
    form = PostListDayForm(request.GET or None)
    day, status = None, 200
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["datum"]
        else:
            status = 400
    if day is None:
        day = Document.objects.filter(date__lte=today).aggregate(day=Max("date"))["day"] or today
    neighbours = Document.objects.aggregate(
        previous=Max("date", filter=Q(date__lt=day)),
        next=Min("date", filter=Q(date__gt=day, date__lte=today)),
    )
    documents = Document.objects.filter(date=day).for_post_list()
    page = Paginator(documents, DAY_ENTRIES_PER_PAGE).get_page(request.GET.get("sida"))
    for document in page.object_list:
        document.shown_title = document.title_for(may_see_secret=may_see_secret)
        document.shown_counterpart = document.public_counterpart(may_see_secret=may_see_secret)
        document.request_link = request_link(document)
    return render(
        request,
        "cases/post_list.html",
        {
            "form": form,
            "day": day,
            "page": page,
            "previous_day": neighbours["previous"],
            "next_day": neighbours["next"],
            "query": f"datum={day.isoformat()}",
        },
        status=status,
    )
