"""The registrator's begäran om allmän handling (rule 42): the register of requests, the
menprövning per handling with its ground and besvärshänvisning, the time to answer, and the
copy released with masking (rule 43). Registrator and administratör only: the menprövning
reads secret handlingar."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases import disclosure
from cases.forms import DisclosureForm, DocumentRequestForm
from cases.models import Case, DisclosureDecision, DocumentRequest
from cases.views import _add_errors
from decisions.publishing import masked_copy
from insjoriket.access import can_see_secret, requires_permission


def _require_secret_access(request) -> None:
    if not can_see_secret(request.user):
        raise PermissionDenied(
            _("Menprövningen kräver behörighet till sekretessbelagda uppgifter.")
        )


@requires_permission("cases.view_documentrequest")
def request_list(request):
    _require_secret_access(request)
    requests = DocumentRequest.objects.select_related("case").prefetch_related("decisions")
    rows = []
    for r in requests[:200]:
        decisions = list(r.decisions.all())
        rows.append({"request": r, "decided": len(decisions),
                     "days": disclosure.days_to_answer(r, decisions)})  # fmt: skip
    return render(request, "cases/request_list.html", {"rows": rows})


@requires_permission("cases.add_documentrequest")
def request_add(request, case_id: int):
    _require_secret_access(request)
    case = get_object_or_404(Case, pk=case_id)
    form = DocumentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = disclosure.register_request(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("cases:request-detail", created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/request_form.html", {"form": form, "case": case}, status=status)


def _outcomes():
    return list(DisclosureDecision.Outcome.choices)


@requires_permission("cases.view_documentrequest")
def request_detail(request, request_id: int):
    _require_secret_access(request)
    document_request = get_object_or_404(DocumentRequest.objects.select_related("case"),
                                         pk=request_id)  # fmt: skip
    decisions = list(document_request.decisions.select_related("document__case").order_by("id"))
    decided = {d.document_id for d in decisions}
    documents = document_request.case.documents.exclude(pk__in=decided).select_related("case")
    form = DisclosureForm(request.POST or None, documents=documents, outcomes=_outcomes())
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("cases.add_disclosuredecision"):
            raise PermissionDenied
        if form.is_valid():
            who = request.user.get_full_name() or request.user.get_username()
            try:
                disclosure.decide(request=document_request, decided_by=who, user=request.user,
                                  **form.cleaned_data)  # fmt: skip
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect("cases:request-detail", document_request.pk)
        status = 400
    context = {
        "r": document_request,
        "decisions": decisions,
        "form": form if documents.exists() or form.is_bound else None,
        "days": disclosure.days_to_answer(document_request, decisions),
        "appeal": disclosure.APPEAL_INSTRUCTION,
    }
    return render(request, "cases/request_detail.html", context, status=status)


@requires_permission("cases.view_documentrequest")
def masked_copy_pdf(request, disclosure_id: int):
    _require_secret_access(request)
    decision = get_object_or_404(
        DisclosureDecision.objects.select_related("document__case__register__organisation"),
        pk=disclosure_id, outcome=DisclosureDecision.Outcome.MASKED,
    )  # fmt: skip
    response = HttpResponse(masked_copy.render(decision), content_type="application/pdf")
    name = f"kopia-maskerad-{decision.document.number.replace(':', '-').replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
