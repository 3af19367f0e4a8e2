"""The case page and the search page: the registrator's and everyone's views of the diarium
that also show §§ (the decisions taken in a case, § hits in a search), so they live in the
decisions layer (members ← cases ← decisions). URL names stay in the ``cases`` namespace
(insjoriket/urls.py)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format

from cases.forms import CloseCaseForm, LinkCaseForm
from cases.models import Case
from decisions import search as case_search
from decisions.models import Decision
from insjoriket.access import can_read_documents, can_register, can_see_secret


def case_detail(request, pk: int):
    case = get_object_or_404(
        Case.objects.for_case_page().prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.for_case_page(request.user))
        ),
        pk=pk,
    )
    may_see_secret = can_see_secret(request.user)
    case.shown_title = case.title_for(may_see_secret=may_see_secret)
    case.content_hidden = case.is_content_hidden_for(may_see_secret=may_see_secret)
    may_read = can_read_documents(request.user)
    documents = list(case.documents.all())
    for document in documents:
        document.case = case  # the prefetched rows share the case already loaded
        document.hidden = document.is_hidden_for(may_see_secret=may_see_secret)
        document.shown_title = document.title_for(may_see_secret=may_see_secret)
        document.shown_author = document.author_for(may_see_secret=may_see_secret)
        document.shown_text = document.text_for(may_see_secret=may_see_secret, may_read=may_read)
    linked = [link.to_case for link in case.links_out.all()] + [
        link.from_case for link in case.links_in.all()
    ]
    for other in linked:
        other.shown_title = other.title_for(may_see_secret=may_see_secret)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "documents": documents,
            "documents_with_contents": [d for d in documents if d.shown_author or d.shown_text],
            "linked": linked,
            "decisions": list(case.decisions.all()),
            "history": case.change_log(may_see_secret=may_see_secret),
            "can_register": can_register(request.user),
            "can_read_documents": may_read,
            "close_form": CloseCaseForm(),
            "link_form": LinkCaseForm(),
        },
    )


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = case_search.search(query, user=request.user) if query else None
    return render(
        request,
        "cases/search.html",
        {
            "query": query,
            "results": results,
            "rank_candidates": number_format(case_search.RANK_CANDIDATES, force_grouping=True),
        },
    )
