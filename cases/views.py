"""The registrator's pages: the case list, the case page, registering ärenden and handlingar,
closing, reopening and linking, the files of handlingar, and the search page."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import services
from cases.forms import (
    CONTENT_TYPES,
    CaseFilterForm,
    CaseForm,
    CloseCaseForm,
    DocumentForm,
    LinkCaseForm,
    SecrecyChangeForm,
    sniff_file_type,
)
from cases.models import Case, Document
from insjoriket.access import (
    can_read_documents,
    can_register,
    can_see_secret,
    requires_permission,
)

CASES_PER_PAGE = 25
CASE_COUNT_CAP = 10_000

logger = logging.getLogger(__name__)


class CappedPaginator(Paginator):
    """Counts at most ``CASE_COUNT_CAP + 1`` rows (``COUNT(*)`` over a LIMITed subquery of ids):
    a full count grows with the register. Above the cap the list says "fler än 10 000" and
    pages reach as far as the cap; the filters narrow the list to the rest."""

    cap = CASE_COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refuse_secret_write(request, case: Case) -> None:
    """The page of a write to a secret case answers 403 to a user without access (rule 21);
    the service refuses the write itself too."""
    if case.is_content_hidden_for(may_see_secret=can_see_secret(request.user)):
        raise PermissionDenied(services.SECRET_CASE_WRITE)


def case_list(request):
    may_see_secret = can_see_secret(request.user)
    form = CaseFilterForm(request.GET or None)
    queryset = Case.objects.all().for_list_page().order_by("-year", "register_id", "-serial")
    if form.is_bound and form.is_valid():
        queryset = form.filter(queryset, user=request.user)
    page = CappedPaginator(queryset, CASES_PER_PAGE).get_page(request.GET.get("sida"))
    for case in page.object_list:
        case.shown_title = case.title_for(may_see_secret=may_see_secret)
        case.content_hidden = case.is_content_hidden_for(may_see_secret=may_see_secret)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": can_register(request.user),
        },
    )


@requires_permission("cases.add_case")
def case_create(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.register_case(user=request.user, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Ärendet är registrerat med diarienummer %(number)s.") % {"number": case.number},
            )
            return redirect("cases:case-detail", pk=case.pk)
    status = 400 if form.is_bound else 200
    return render(request, "cases/case_form.html", {"form": form}, status=status)


@requires_permission("cases.add_document")
def document_create(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("register"), pk=pk)
    _refuse_secret_write(request, case)
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            document = services.add_document(case=case, user=request.user, **form.cleaned_data)
        except services.StorageUnavailable as error:
            logger.error("Handlingens fil kunde inte sparas: %r", error.__cause__)
            _add_errors(form, error)
            status = 503  # the store, not the input: the same form may succeed later
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Handlingen är registrerad som %(number)s.")
                % {"number": f"{case.number}:{document.serial}"},
            )
            return redirect("cases:case-detail", pk=case.pk)
    return render(request, "cases/document_form.html", {"form": form, "case": case}, status=status)


@require_POST
@requires_permission("cases.change_case")
def case_close(request, pk: int):
    case = get_object_or_404(Case, pk=pk)
    form = CloseCaseForm(request.POST)
    if form.is_valid():
        try:
            services.close_case(
                case=case, closed_on=form.cleaned_data["closed_on"], user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Ärendet är avslutat."))
    else:
        messages.error(request, _("Ange ett giltigt datum."))
    return redirect("cases:case-detail", pk=case.pk)


@require_POST
@requires_permission("cases.change_case")
def case_reopen(request, pk: int):
    case = get_object_or_404(Case, pk=pk)
    try:
        services.reopen_case(case=case, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Ärendet är återupptaget."))
    return redirect("cases:case-detail", pk=case.pk)


@requires_permission("cases.add_caselink")
def case_link(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("register"), pk=pk)
    _refuse_secret_write(request, case)
    form = LinkCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_cases(
                from_case=case,
                to_case=form.cleaned_data["number"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Ärendena är kopplade."))
            return redirect("cases:case-detail", pk=case.pk)
    status = 400 if form.is_bound else 200
    return render(request, "cases/case_link.html", {"form": form, "case": case}, status=status)


@login_required
def document_file(request, pk: int):
    """The file of a handling, served only through this view: MEDIA_ROOT is not in the web
    root, and secret handlingar are refused to users without access."""
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    if not can_read_documents(request.user):
        raise PermissionDenied
    if document.is_hidden_for(may_see_secret=can_see_secret(request.user)):
        raise PermissionDenied
    if not document.file:
        raise Http404
    handle = document.file.open("rb")
    kind = sniff_file_type(handle.read(16), handle)
    handle.seek(0)
    extension = {"jpeg": "jpg"}.get(kind or "", kind or "bin")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.case.number_key}-{document.serial}.{extension}",
        content_type=CONTENT_TYPES.get(kind or "", "application/octet-stream"),
    )


@requires_permission("cases.change_document")
def document_secrecy(request, pk: int):
    """Mark a registered handling secret later, or remove the marking (rule 22), with a
    reason; the history keeps who, when, what and why."""
    document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
    _refuse_secret_write(request, document.case)
    initial = {f: getattr(document, f) for f in SECRECY_FIELDS}
    form = SecrecyChangeForm(request.POST or None, initial=initial)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.change_secrecy(document=document, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Sekretessmarkeringen av %(number)s är ändrad.") % {"number": document.number},
            )
            return redirect("cases:case-detail", pk=document.case_id)
    context = {"form": form, "document": document, "case": document.case}
    return render(request, "cases/document_secrecy.html", context, status=status)


SECRECY_FIELDS = (
    "is_secret", "secrecy_ground", "secrecy_marked_on", "secrecy_marked_by", "public_title",
)  # fmt: skip
