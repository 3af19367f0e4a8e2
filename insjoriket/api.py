"""The JSON API under /api/v1/ (docs/api.md): one NinjaAPI assembled from the apps' routers,
with the OpenAPI document at /api/v1/openapi.json and the interactive page at /api/v1/docs.

Each endpoint lives in the router of the highest app whose records it reads (cases.api,
decisions.api). Every error, 405 and 404 included, is the JSON of insjoriket.api_errors.
"""

from __future__ import annotations

from functools import wraps

from csp.decorators import csp_update
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from cases.api import router as cases_router
from decisions.api import router as decisions_router
from decisions.tasks.api import router as tasks_router
from insjoriket.api_errors import MethodNotAllowed, error_response

DOCS_VIEWS = ("openapi-json", "openapi-view")


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class InsjorikeApi(NinjaAPI):
    def get_content_type(self) -> str:
        return "application/json"  # JSON is UTF-8 (RFC 8259); no charset parameter, as before

    def set_default_exception_handlers(self) -> None:
        self.add_exception_handler(Exception, self.handle_error)

    def handle_error(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(request, exc, render=self.create_response)


api = InsjorikeApi(
    title="Insjöriket",
    version="1",
    description="Ärende- och beslutsregistret för andra system. Beskrivning: docs/api.md.",
    urls_namespace="api",
    renderer=Renderer(),
)
api.add_router("", cases_router)
api.add_router("", decisions_router)
api.add_router("", tasks_router)


def _json_errors(view, *, allowed: list[str] | None = None):
    """``view`` with HEAD answered as GET, and 405 (and, for the documents, any other method)
    answered by the API's error handler with ``Allow``, and a database that is away by its 503.
    CSRF-exempt as ninja's own views, so that the CSRF middleware does not answer a refused
    method with its HTML 403 before the view: no endpoint takes a write authenticated by the
    session cookie (the one write, ``POST /api/v1/cases/``, needs a bearer token;
    tests/insjoriket/test_api_abuse.py)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "HEAD":
            request.method = "GET"
        if allowed is not None and request.method not in allowed:
            response = HttpResponseNotAllowed(allowed)
        else:
            try:
                response = view(request, *args, **kwargs)
            except (OperationalError, InterfaceError) as exc:
                # The database went away outside ninja's own handling: the same 503.
                return api.handle_error(request, exc)
        if isinstance(response, HttpResponseNotAllowed):
            methods = sorted({m.strip() for m in response["Allow"].split(",")} | {"HEAD"})
            if "GET" not in methods:
                methods.remove("HEAD")
            return api.handle_error(request, MethodNotAllowed(methods))
        return response

    wrapped.csrf_exempt = True
    return wrapped


def not_found(request: HttpRequest, **kwargs) -> HttpResponse:
    """Any other address under /api/v1/: 404 in the API's JSON."""
    return api.handle_error(request, Http404())


def urlpatterns() -> list[URLPattern]:
    """The API's URL patterns (namespace ``api``): the endpoints, the two documents, and a
    JSON 404 for /api/v1/ itself and everything else under it."""
    patterns = []
    for pattern in api.urls[0]:
        if pattern.name == "api-root":
            view = _json_errors(not_found)
        elif pattern.name == "openapi-view":
            # The interactive page's stylesheet draws its icons as data: images.
            view = _json_errors(
                csp_update({"img-src": ["data:"]})(pattern.callback), allowed=["GET"]
            )
        elif pattern.name in DOCS_VIEWS:
            view = _json_errors(pattern.callback, allowed=["GET"])
        else:
            view = _json_errors(pattern.callback)
        patterns.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    patterns.append(re_path(r"^.+$", _json_errors(not_found), name="not-found"))
    return patterns
