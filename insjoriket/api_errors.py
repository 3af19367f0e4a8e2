"""The JSON API's errors (docs/api.md): every error of /api/v1/ is ``{"error": "<svenska>",
...}`` with its status, from the one handler ``error_response`` that insjoriket.api installs.

Endpoints raise ``ApiError``; a query or path parameter with its own Swedish message is typed
with ``swedish_parameter`` so that ninja's validation error carries that message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

logger = logging.getLogger("insjoriket.api")

METHOD_NOT_ALLOWED = gettext_lazy("Metoden stöds inte. Använd {allowed}.")
NOT_FOUND = gettext_lazy("Det finns ingen sådan adress i API:t. Se /api/v1/docs.")
BAD_PARAMETER = gettext_lazy("Ogiltigt värde i parametern {name}.")
TOKEN_MISSING = gettext_lazy("Ange en API-nyckel i huvudet Authorization: Bearer <nyckel>.")
SERVER_ERROR = gettext_lazy("Ett fel uppstod i registret. Försök igen senare.")
TOO_MANY_REQUESTS = gettext_lazy("För många förfrågningar. Försök igen senare.")
BODY_TOO_BIG = gettext_lazy("Begäran är för stor: högst {mb} MB kan tas emot.")
BODY_TOO_DEEP = gettext_lazy("Förfrågan är för djupt nästlad: högst {depth} nivåer kan tas emot.")
BAD_JSON = gettext_lazy("Förfrågan måste vara ett JSON-objekt.")
DATABASE_AWAY = gettext_lazy("Registret kan inte nå sin databas just nu. Försök igen om en stund.")

# How deep a JSON body may nest (docs/api.md): deeper is a 400, never a RecursionError.
MAX_JSON_DEPTH = 64
# What Retry-After says when the database is away (seconds).
RETRY_AFTER_SECONDS = 30

# The error type of a parameter that carries its own Swedish message (swedish_parameter).
SWEDISH_ERROR_TYPE = "insjoriket_parameter"


class ApiError(Exception):
    """An answer other than 2xx: ``{"error": message, **extra}`` with ``status``."""

    def __init__(self, status: int, message, **extra: Any) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = str(message)
        self.extra = extra
        self.headers: dict[str, str] = {}


class MethodNotAllowed(ApiError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(405, METHOD_NOT_ALLOWED.format(allowed=", ".join(allowed)))
        self.headers["Allow"] = ", ".join(allowed)


def swedish_parameter(parse: Callable[[str], Any], message) -> BeforeValidator:
    """A pydantic validator for ``Annotated[...]`` query and path parameters: ``parse`` turns
    the raw text into the value or raises ValueError, which answers 400 with ``message``."""

    def validate(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ValueError:
            raise PydanticCustomError(SWEDISH_ERROR_TYPE, str(message)) from None

    return BeforeValidator(validate)


def too_big_message() -> str:
    mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return str(BODY_TOO_BIG).format(mb=f"{mb:.1f}".rstrip("0").rstrip(".").replace(".", ","))


def json_depth(value: Any) -> int:
    """How deep ``value`` (parsed JSON) nests: a scalar is 0, ``{}`` and ``[]`` are 1.
    Iterative, so it cannot run out of stack."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def json_object(request: HttpRequest) -> dict:
    """The body of ``request`` as a JSON object, or the Swedish 400: larger than
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, nested deeper than ``MAX_JSON_DEPTH`` levels, not JSON
    or not an object."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiError(400, too_big_message()) from None
    too_deep = ApiError(400, BODY_TOO_DEEP.format(depth=MAX_JSON_DEPTH))
    try:
        payload = json.loads(body or b"null")
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError):
        payload = None
    if json_depth(payload) > MAX_JSON_DEPTH:
        raise too_deep
    if not isinstance(payload, dict):
        raise ApiError(400, BAD_JSON)
    return payload


def database_away() -> ApiError:
    error = ApiError(503, DATABASE_AWAY)
    error.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return error


def as_api_error(request: HttpRequest, exc: Exception) -> ApiError:
    """Any exception of an API request as the ApiError it answers with."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationError):
        # ninja's validation of query and path parameters: the first error, in Swedish.
        error = exc.errors[0]
        name = str(error["loc"][-1]) if error.get("loc") else ""
        if error.get("type") == SWEDISH_ERROR_TYPE:
            return ApiError(400, error["msg"], parameter=name)
        return ApiError(400, BAD_PARAMETER.format(name=name), parameter=name)
    if isinstance(exc, AuthenticationError):
        return ApiError(401, TOKEN_MISSING)
    if isinstance(exc, HttpError):
        message = TOO_MANY_REQUESTS if exc.status_code == 429 else SERVER_ERROR
        return ApiError(exc.status_code, message)
    if isinstance(exc, Http404):
        return ApiError(404, NOT_FOUND)
    if isinstance(exc, RequestDataTooBig):
        return ApiError(400, too_big_message())
    if isinstance(exc, RecursionError):
        return ApiError(400, BODY_TOO_DEEP.format(depth=MAX_JSON_DEPTH))
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is away (refused, restarted, cut off): not a defect of the request.
        logger.warning(
            "Databasen kunde inte nås i API-anrop %s %s: %s", request.method, request.path, exc
        )
        return database_away()
    # A defect: tell Django (logging, the test client) and answer JSON, not the HTML page.
    got_request_exception.send(sender=None, request=request)
    logger.exception("Fel i API-anrop %s %s", request.method, request.path, exc_info=exc)
    return ApiError(500, SERVER_ERROR)


def error_response(
    request: HttpRequest, exc: Exception, *, render: Callable[..., HttpResponse]
) -> HttpResponse:
    """The one error handler of the API: ``render(request, data, status=...)`` is the API's
    own JSON renderer (NinjaAPI.create_response)."""
    error = as_api_error(request, exc)
    response = render(request, {"error": error.message, **error.extra}, status=error.status)
    for header, value in error.headers.items():
        response[header] = value
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="insjoriket"'
    return response


class ErrorOut(Schema):
    """Every error answer: ``error`` in Swedish; ``fields`` (a body's fields) or ``parameter``
    (the query or path parameter) when they say where."""

    model_config = ConfigDict(extra="allow")

    error: str
