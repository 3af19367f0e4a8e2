"""JSON API for other systems under /api/v1/ (docs/api.md): the registers, registering an
ärende with a bearer token, and the search box.

Only ``POST /api/v1/cases/`` is exempt from CSRF, because it authenticates by a bearer token
and never by the session cookie.
"""

import hashlib
import json
import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from cases import services
from cases.access import can_see_secret
from cases.forms import CaseForm
from cases.models import ApiToken, Register
from cases.search import search as run_search

TOKEN_NAME_TAKEN = gettext_lazy("Det finns redan en API-nyckel med det namnet.")
TOKEN_MISSING = gettext_lazy("Ange en API-nyckel i huvudet Authorization: Bearer <nyckel>.")
TOKEN_UNKNOWN = gettext_lazy("Okänd API-nyckel.")
TOKEN_REVOKED = gettext_lazy("API-nyckeln är återkallad.")
BAD_JSON = gettext_lazy("Förfrågan måste vara ett JSON-objekt.")
UNKNOWN_FIELD = gettext_lazy("Okänt fält.")
METHOD_NOT_ALLOWED = gettext_lazy("Metoden stöds inte.")

CASE_FIELDS = set(CaseForm.base_fields)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, name: str) -> str:
    """Create a token for the system ``name`` and return it; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            api_token = ApiToken(name=name.strip(), token_hash=hash_token(token))
            api_token.full_clean()
            api_token._change_reason = "API-nyckel skapad"
            api_token.save()
    except (IntegrityError, forms.ValidationError) as exc:
        raise ValueError(str(TOKEN_NAME_TAKEN)) from exc
    return token


def _error(status: int, message, **extra) -> JsonResponse:
    response = JsonResponse({"error": str(message), **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="insjoriket"'
    return response


def _authenticate(request) -> tuple[ApiToken | None, JsonResponse | None]:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, _error(401, TOKEN_MISSING)
    api_token = ApiToken.objects.filter(token_hash=hash_token(token.strip())).first()
    if api_token is None:
        return None, _error(401, TOKEN_UNKNOWN)
    if api_token.revoked:
        return None, _error(403, TOKEN_REVOKED)
    return api_token, None


@require_GET
def registers(request):
    """Every register: id, organisation, organ, code, name and number format."""
    rows = Register.objects.select_related("organisation", "organ").order_by(
        "organisation__name", "code"
    )
    return JsonResponse(
        {
            "registers": [
                {
                    "id": register.pk,
                    "organisation": register.organisation.name,
                    "organ": register.organ.code if register.organ else None,
                    "code": register.code,
                    "name": register.name,
                    "number_format": register.number_format,
                }
                for register in rows
            ]
        }
    )


@csrf_exempt
def create_case(request):
    """Register an ärende for another system; answers 201 with its number."""
    if request.method != "POST":
        response = _error(405, METHOD_NOT_ALLOWED)
        response["Allow"] = "POST"
        return response
    api_token, failure = _authenticate(request)
    if failure:
        return failure
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return _error(400, BAD_JSON)
    unknown = sorted(set(payload) - CASE_FIELDS)
    if unknown:
        return _error(400, UNKNOWN_FIELD, fields={name: [str(UNKNOWN_FIELD)] for name in unknown})
    form = CaseForm(payload)
    if not form.is_valid():
        errors = {
            ("secrecy" if field == "__all__" else field): [e["message"] for e in messages]
            for field, messages in form.errors.get_json_data().items()
        }
        return _error(400, _("Ogiltiga uppgifter."), fields=errors)
    try:
        case = services.register_case(
            change_reason=f"Registrerat via API ({api_token.name})", **form.cleaned_data
        )
    except forms.ValidationError as error:
        fields = getattr(error, "message_dict", {"__all__": error.messages})
        return _error(400, _("Ogiltiga uppgifter."), fields=fields)
    url = request.build_absolute_uri(reverse("cases:case-detail", args=[case.pk]))
    response = JsonResponse(
        {
            "id": case.pk,
            "number": case.number,
            "serial": case.serial,
            "year": case.year,
            "url": url,
        },
        status=201,
    )
    response["Location"] = url
    return response


@require_GET
def search(request):
    """The search box as JSON, with the same access rules (the session's user, if any)."""
    query = request.GET.get("q", "").strip()[:200]
    hits = run_search(query, user=request.user) if query else []
    return JsonResponse(
        {
            "query": query,
            "secret_included": can_see_secret(request.user),
            "results": [
                {
                    "kind": hit.kind,
                    "number": hit.number,
                    "title": hit.title,
                    "date": hit.date.isoformat() if hit.date else None,
                    "url": request.build_absolute_uri(hit.url) if hit.url else None,
                    "snippet": str(hit.snippet),
                }
                for hit in hits
            ],
        }
    )


urlpatterns = [
    path("registers/", registers, name="api-registers"),
    path("cases/", create_case, name="api-cases"),
    path("search/", search, name="api-search"),
]
