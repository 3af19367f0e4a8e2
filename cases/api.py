"""The cases app's part of the JSON API under /api/v1/ (docs/api.md; assembled in
insjoriket.api): the registers, finding cases by diarienummer and registering an ärende with
a bearer token. The case page with its decisions is in decisions.api (it reads the chain).

``POST /api/v1/cases/`` is the API's only write; it authenticates by the bearer token
(``BearerToken``) and never by the session cookie, so it needs no CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from cases import services
from cases.forms import CaseForm
from cases.models import ApiToken, Case, Register, normalise_number, parse_number
from insjoriket.access import can_read_documents, can_see_secret
from insjoriket.api_errors import TOKEN_MISSING, ApiError, ErrorOut, json_object

router = Router(tags=["Ärenden"])

TOKEN_NAME_TAKEN = gettext_lazy("Det finns redan en API-nyckel med det namnet.")
TOKEN_UNKNOWN = gettext_lazy("Okänd API-nyckel.")
TOKEN_REVOKED = gettext_lazy("API-nyckeln är återkallad.")
UNKNOWN_FIELD = gettext_lazy("Okänt fält.")
INVALID_CASE = gettext_lazy("Ogiltiga uppgifter.")
NUMBER_MISSING = gettext_lazy(
    "Ange ett diarienummer i parametern number, t.ex. ?number=2022KS554 eller ?number=KS 2022/554."
)
NUMBER_INVALID = gettext_lazy("Diarienumret måste innehålla siffror och vara högst 60 tecken.")
MAX_CASE_HITS = 50

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


class BearerToken(HttpBearer):
    """``Authorization: Bearer <nyckel>`` against the stored hashes (cases.ApiToken): 401 for
    no or an unknown token, 403 for a revoked one."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise ApiError(401, TOKEN_MISSING)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = ApiToken.objects.filter(token_hash=hash_token(token)).first()
        if api_token is None:
            raise ApiError(401, TOKEN_UNKNOWN)
        if api_token.revoked:
            raise ApiError(403, TOKEN_REVOKED)
        return api_token


# --- Schemas -----------------------------------------------------------------------------------


class RegisterOut(Schema):
    id: int
    organisation: str
    organ: str | None = Field(description="organets kod, om diariet hör till ett organ")
    code: str
    name: str
    number_format: str = Field(description="formatsträng över year, seq och code")


class RegistersOut(Schema):
    registers: list[RegisterOut]


class CaseRegisterOut(Schema):
    id: int
    code: str
    name: str
    organisation: str


class CaseSummaryOut(Schema):
    """A case as every list of cases gives it. (``register_``: the name ``register`` is taken
    on pydantic's classes; the JSON says ``register``, so the endpoints dump by alias.)"""

    id: int
    number: str
    title: str = Field(description="ärendemeningen, eller den offentliga titeln vid sekretess")
    year: int
    serial: int
    status: str
    opened_on: dt.date | None
    closed_on: dt.date | None
    register_: CaseRegisterOut = Field(alias="register")
    url: str = Field(description="ärendet i API:t")


class DocumentOut(Schema):
    """A handling of a case, masked as on the case page (rule 21)."""

    number: str = Field(description="handlingens nummer, t.ex. 2019KS742:1")
    serial: int
    date: dt.date
    direction: str = Field(description="in, ut eller upprättad")
    direction_label: str
    counterpart: str = Field(description="avsändare/mottagare; tom vid sekretess")
    description: str = Field(description="beskrivningen, eller den offentliga titeln vid sekretess")
    author: str = Field(description="vem som upprättat handlingen; tom vid sekretess")
    text: str | None = Field(
        description="handlingens text; null för den som inte får läsa handlingar eller den "
        "sekretessbelagda handlingen"
    )
    secret: bool = Field(description="handlingen eller ärendet är sekretessmarkerat")
    secrecy_ground: str = Field(description="lagrummet (OSL), för den som får se det")
    has_file: bool


class FoundCasesOut(Schema):
    number: str
    results: list[CaseSummaryOut]


class CaseIn(Schema):
    """The body of POST /api/v1/cases/; checked by cases.forms.CaseForm, as the page's form."""

    register_: int = Field(alias="register", description="diariets id")
    title: str = Field(max_length=500, description="ärendemening")
    classification: int | None = Field(None, description="id för en klass")
    officer: str = Field("", max_length=200, description="handläggare")
    is_secret: bool = Field(False, description="sekretessmarkering (OSL)")
    secrecy_ground: str = Field("", description="lagrum, t.ex. OSL 26 kap. 1 §")
    secrecy_marked_on: dt.date | None = Field(None, description="markeringens datum")
    secrecy_marked_by: str = Field("", description="vem som beslutat om markeringen")
    public_title: str = Field("", description="offentlig titel i stället för ärendemeningen")


class CaseCreatedOut(Schema):
    id: int
    number: str
    serial: int
    year: int
    url: str = Field(description="ärendets sida")


# --- Endpoints ---------------------------------------------------------------------------------


def case_summary(request: HttpRequest, case: Case, *, may_see_secret: bool) -> dict:
    """A case as CaseSummaryOut, here and in the case page of decisions.api."""
    return {
        "id": case.pk,
        "number": case.number,
        "title": case.title_for(may_see_secret=may_see_secret),
        "year": case.year,
        "serial": case.serial,
        "status": case.status,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "register": {
            "id": case.register_id,
            "code": case.register.code,
            "name": case.register.name,
            "organisation": case.register.organisation.name,
        },
        "url": request.build_absolute_uri(reverse("api:case-detail", args=[case.pk])),
    }


def document_entries(request: HttpRequest, case: Case, *, may_see_secret: bool) -> list[dict]:
    """The handlingar of ``case`` as DocumentOut, in number order: here and in the case page of
    decisions.api."""
    may_read = can_read_documents(request.user)
    entries = []
    for document in case.documents.order_by("serial"):
        document.case = case
        hidden = document.is_hidden_for(may_see_secret=may_see_secret)
        entries.append(
            {
                "number": document.number,
                "serial": document.serial,
                "date": document.date,
                "direction": document.direction,
                "direction_label": document.get_direction_display(),
                "counterpart": "" if hidden else document.counterpart,
                "description": document.title_for(may_see_secret=may_see_secret),
                "author": document.author_for(may_see_secret=may_see_secret),
                "text": document.text_for(may_see_secret=may_see_secret, may_read=may_read),
                "secret": bool(document.is_secret or case.is_secret),
                "secrecy_ground": "" if hidden else document.secret_under,
                "has_file": bool(document.file) and not hidden,
            }
        )
    return entries


@router.get("/registers/", response=RegistersOut, url_name="registers")
def registers(request: HttpRequest):
    """Every register (diarium): the ``id`` to give when registering a case, and the format
    of its numbers."""
    rows = Register.objects.select_related("organisation", "organ").order_by(
        "organisation__name", "code"
    )
    return {
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


@router.get(
    "/cases/", response={200: FoundCasesOut, 400: ErrorOut}, by_alias=True, url_name="cases"
)
def find_cases(
    request: HttpRequest,
    number: str | None = Query(None, description="diarienumret, t.ex. 2022KS554 eller KS 2022/554"),
):
    """Cases whose diarienummer matches ``number`` exactly or loosely (as the search box:
    ``2022ks554``, ``KS 2022/554``), exact matches first, at most 50. A secret case is found
    by its masked entry (its public title) by callers who may not read it."""
    if number is None or not number.strip():
        raise ApiError(400, NUMBER_MISSING, parameter="number")
    text = number.strip()
    key = normalise_number(text)
    if len(text) > 60 or not any(ch.isdigit() for ch in key):
        raise ApiError(400, NUMBER_INVALID, parameter="number")
    condition = Q(number_key=key)
    structured = parse_number(text)
    if structured is not None:
        condition |= structured
    # Secret cases too, by their masked entry (the public title), as the case list, the case
    # page and the search show them: a number is public (OSL 5 kap. 2 §).
    found = list(
        Case.objects.all()
        .filter(condition)
        .select_related("register", "register__organisation")
        .order_by("-year", "register__code", "serial")[:MAX_CASE_HITS]
    )
    found.sort(key=lambda case: case.number_key != key)
    may_see_secret = can_see_secret(request.user)
    return {
        "number": text,
        "results": [case_summary(request, case, may_see_secret=may_see_secret) for case in found],
    }


CASE_BODY = {
    "required": True,
    "content": {"application/json": {"schema": CaseIn.model_json_schema()}},
}


def _payload(request: HttpRequest) -> dict:
    """The body as a JSON object, or the Swedish 400 (too big, too deep, not JSON, no object)."""
    return json_object(request)


@router.post(
    "/cases/",
    auth=BearerToken(),
    response={201: CaseCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    openapi_extra={"requestBody": CASE_BODY},
    url_name="cases",
)
def create_case(request: HttpRequest, response: HttpResponse):
    """Register an ärende for another system (bearer token). The number is given in the same
    transaction, in order and without gaps; answers 201 with ``Location``. Bad fields answer
    400 with ``fields`` (``secrecy`` for an incomplete secrecy marking) and save nothing."""
    api_token: ApiToken = request.auth
    payload = _payload(request)
    unknown = sorted(set(payload) - CASE_FIELDS)
    if unknown:
        raise ApiError(400, UNKNOWN_FIELD, fields={name: [str(UNKNOWN_FIELD)] for name in unknown})
    form = CaseForm(payload)
    if not form.is_valid():
        errors = {
            ("secrecy" if field == "__all__" else field): [e["message"] for e in messages]
            for field, messages in form.errors.get_json_data().items()
        }
        raise ApiError(400, INVALID_CASE, fields=errors)
    try:
        case = services.register_case(
            change_reason=f"Registrerat via API ({api_token.name})", **form.cleaned_data
        )
    except forms.ValidationError as error:
        fields = getattr(error, "message_dict", {"__all__": error.messages})
        raise ApiError(400, INVALID_CASE, fields=fields) from None
    url = request.build_absolute_uri(reverse("cases:case-detail", args=[case.pk]))
    response["Location"] = url
    return Status(
        201,
        {
            "id": case.pk,
            "number": case.number,
            "serial": case.serial,
            "year": case.year,
            "url": url,
        },
    )
