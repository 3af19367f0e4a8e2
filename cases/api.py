"""JSON API for other systems under /api/v1/ (docs/api.md): the registers, registering an
ärende with a bearer token, finding a case by its diarienummer, a case with its linked cases
and the timeline of its decisions, and the search box.

Only ``POST /api/v1/cases/`` is exempt from CSRF, because it authenticates by a bearer token
and never by the session cookie.
"""

import hashlib
import json
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from cases import services
from cases.forms import CaseForm
from cases.models import ApiToken, Case, Register, normalise_number, parse_number
from decisions.chains import history as chain_history
from decisions.search import search as run_search
from insjoriket.access import can_see_secret

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


NUMBER_MISSING = gettext_lazy(
    "Ange ett diarienummer i parametern number, t.ex. ?number=2022KS554 eller ?number=KS 2022/554."
)
NUMBER_INVALID = gettext_lazy("Diarienumret måste innehålla siffror och vara högst 60 tecken.")
BAD_CASE_ID = gettext_lazy("Ogiltigt id: ange ärendets id som ett positivt heltal.")
NO_SUCH_CASE = gettext_lazy("Det finns inget ärende med id {id}.")
MAX_CASE_HITS = 50


@csrf_exempt
def cases_endpoint(request):
    """``GET``: find cases by diarienummer; ``POST``: register a case (bearer token)."""
    if request.method in ("GET", "HEAD"):
        return find_cases(request)
    if request.method == "POST":
        return create_case(request)
    response = _error(405, METHOD_NOT_ALLOWED)
    response["Allow"] = "GET, HEAD, POST"
    return response


def _case_summary(request, case: Case, *, may_see_secret: bool) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title_for(may_see_secret=may_see_secret),
        "year": case.year,
        "serial": case.serial,
        "status": case.status,
        "opened_on": case.opened_on.isoformat() if case.opened_on else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "register": {
            "id": case.register_id,
            "code": case.register.code,
            "name": case.register.name,
            "organisation": case.register.organisation.name,
        },
        "url": request.build_absolute_uri(reverse("api-case-detail", args=[case.pk])),
    }


def find_cases(request):
    """Cases whose diarienummer matches ``number`` exactly or loosely (as the search box:
    ``2022ks554``, ``KS 2022/554``), exact matches first. Secret cases only for callers who
    may read them."""
    raw = request.GET.get("number")
    if raw is None or not raw.strip():
        return _error(400, NUMBER_MISSING)
    text = raw.strip()
    key = normalise_number(text)
    if len(text) > 60 or not any(ch.isdigit() for ch in key):
        return _error(400, NUMBER_INVALID)
    condition = Q(number_key=key)
    structured = parse_number(text)
    if structured is not None:
        condition |= structured
    found = list(
        Case.objects.all()
        .visible_to(request.user)
        .filter(condition)
        .select_related("register", "register__organisation")
        .order_by("-year", "register__code", "serial")[:MAX_CASE_HITS]
    )
    found.sort(key=lambda case: case.number_key != key)
    may_see_secret = can_see_secret(request.user)
    return JsonResponse(
        {
            "number": text,
            "results": [
                _case_summary(request, case, may_see_secret=may_see_secret) for case in found
            ],
        }
    )


def case_detail(request, case_id: str):
    """A case, its register, the cases linked to it (directly and through linked
    decisions) and the ``timeline`` of every decision of the chain in date order."""
    from decisions import api as decisions_api

    if request.method not in ("GET", "HEAD"):
        response = _error(405, METHOD_NOT_ALLOWED)
        response["Allow"] = "GET, HEAD"
        return response
    pk = int(case_id) if case_id.isdigit() and len(case_id) <= 18 else 0
    if pk <= 0:
        return _error(400, BAD_CASE_ID)
    on, bad = decisions_api.parse_on(request)
    if bad:
        return bad
    history = chain_history.load_history(user=request.user, case_ids=[pk], on=on)
    case = history.cases.get(pk)
    may_see_secret = can_see_secret(request.user)
    if case is None or (case.is_secret and not may_see_secret):
        return _error(404, str(NO_SUCH_CASE).format(id=pk))
    direct = {}
    for link in history.case_links:
        if link.from_case_id == pk:
            direct[link.to_case_id] = link.note
        elif link.to_case_id == pk:
            direct[link.from_case_id] = link.note
    linked = []
    for other in history.cases.values():
        if other.pk == pk:
            continue
        linked.append(
            {
                **_case_summary(request, other, may_see_secret=may_see_secret),
                "via": "case_link" if other.pk in direct else "decision_link",
                "note": direct.get(other.pk, ""),
            }
        )
    body = {
        **_case_summary(request, case, may_see_secret=may_see_secret),
        "officer": case.officer,
        "linked_cases": linked,
        "on": on.isoformat(),
        "timeline": [
            decisions_api.timeline_entry(history, request, decision)
            for decision in history.visible_order()
        ],
        "page": request.build_absolute_uri(reverse("history:case-history", args=[pk])),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def create_case(request):
    """Register an ärende for another system; answers 201 with its number."""
    api_token, failure = _authenticate(request)
    if failure:
        return failure
    try:
        payload = json.loads(request.body or b"null")
    except RequestDataTooBig:
        mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return _error(
            400,
            _("Begäran är för stor: högst {mb} MB kan tas emot.").format(
                mb=f"{mb:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            ),
        )
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
            # True when a word had more hits of a kind than are ranked: the best of the newest
            # are returned (decisions.search.RANK_CANDIDATES).
            "ranked_newest_only": bool(getattr(hits, "capped", False)),
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
    path("cases/", cases_endpoint, name="api-cases"),
    path("cases/<str:case_id>/", case_detail, name="api-case-detail"),
    path("search/", search, name="api-search"),
]
