"""The JSON API as a whole (insjoriket/api.py, docs/api.md): the OpenAPI document states every
endpoint and each documented path answers; every error is JSON in Swedish, 405 with ``Allow``
and unknown addresses included; the interactive page works offline under the strict CSP."""

import datetime as dt
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import get_resolver, reverse

from cases.api import issue_token
from insjoriket.api import DOCS_VIEWS
from tests.factories import make_case, make_decision, make_meeting, make_organisation

pytestmark = pytest.mark.django_db

# Names in the ``api`` namespace that are not endpoints of the document.
NOT_ENDPOINTS = {*DOCS_VIEWS, "api-root", "not-found"}
OTHER_METHODS = ("PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.fixture
def objects():
    case = make_case()
    meeting = make_meeting(held_on=dt.date(2024, 3, 4))
    decision = make_decision(meeting=meeting, case=case)
    type(meeting).objects.filter(pk=meeting.pk).update(
        approved_on=dt.date(2024, 3, 6), posted_on=dt.date(2024, 3, 7)
    )
    make_organisation(kind="federation")
    return {"case_id": case.pk, "decision_id": decision.pk, "case": case}


def api_patterns() -> dict[str, str]:
    """URL name → path (``/api/v1/cases/{case_id}/``) of every endpoint of the URLconf."""
    resolver = get_resolver().namespace_dict["api"][1]
    found = {}
    for pattern in resolver.url_patterns:
        if pattern.name in NOT_ENDPOINTS:
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        found[pattern.name] = f"/api/v1/{route}"
    return found


def document() -> dict:
    response = Client().get(reverse("api:openapi-json"))
    assert response.status_code == 200
    return response.json()


def fill(path: str, objects) -> str:
    return path.format(**{k: objects[k] for k in ("case_id", "decision_id")})


def test_the_document_lists_every_endpoint_with_the_methods_it_answers(objects):
    paths = document()["paths"]

    assert set(paths) == set(api_patterns().values())
    for path, operations in paths.items():
        allow = Client().generic("OPTIONS", fill(path, objects))["Allow"]
        assert {m.upper() for m in operations} | {"HEAD"} == set(allow.split(", ")), path


def test_every_operation_documents_its_answers_with_schemas():
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["description"], (method, path)
            for status, answer in operation["responses"].items():
                schema = answer["content"]["application/json"]["schema"]
                assert "$ref" in schema, (method, path, status)


def test_the_post_documents_its_body_and_its_bearer_token():
    post = document()["paths"]["/api/v1/cases/"]["post"]

    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["register", "title"]
    assert post["security"] == [{"BearerToken": []}]


def test_each_documented_path_answers(objects):
    client = Client()
    token = issue_token(name="dokumentet")
    queries = {"/api/v1/cases/": f"?number={objects['case'].number}", "/api/v1/search/": "?q=x"}

    for path, operations in document()["paths"].items():
        url = fill(path, objects) + queries.get(path, "")
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        if "post" in operations:
            body = {"register": objects["case"].register_id, "title": "Via dokumentet"}
            created = client.post(
                url, json.dumps(body), "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            assert created.status_code == 201, created.content


@pytest.mark.parametrize("method", OTHER_METHODS)
def test_an_unsupported_method_is_405_json_with_allow_on_every_api_url(objects, method):
    client = Client(enforce_csrf_checks=True)
    urls = [fill(path, objects) for path in api_patterns().values()]
    urls += [reverse("api:openapi-json"), reverse("api:openapi-view")]

    for url in urls:
        response = client.generic(method, url)
        assert response.status_code == 405, (url, response.content[:200])
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"].startswith("Metoden stöds inte. Använd GET")
        assert "GET" in response["Allow"]


def test_an_unknown_address_under_the_api_is_a_json_404(db):
    for url in ("/api/v1/", "/api/v1/finns-inte/", "/api/v1/cases/1/extra/"):
        response = Client().post(url)
        assert response.status_code == 404
        assert response.json()["error"].startswith("Det finns ingen sådan adress i API:t.")


def test_an_id_too_large_for_the_database_is_the_swedish_400(db):
    response = Client().get("/api/v1/decisions/99999999999999999999/")

    assert response.status_code == 400
    assert response.json() == {
        "error": "Ogiltigt id: ange beslutets id som ett positivt heltal.",
        "parameter": "decision_id",
    }


def test_a_deeply_nested_body_is_a_json_400_not_a_server_error(db):
    token = issue_token(name="djup")
    body = "[" * 100_000 + "]" * 100_000

    response = Client().post(
        "/api/v1/cases/", body, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "Förfrågan är för djupt nästlad: högst 64 nivåer kan tas emot."
    }


def test_an_error_of_a_token_is_json_with_the_bearer_challenge(db):
    response = Client().post("/api/v1/cases/", "{}", "application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="insjoriket"'
    assert response.json()["error"].startswith("Ange en API-nyckel")


def test_the_interactive_page_loads_its_scripts_and_styles_from_our_static_files(db):
    response = Client().get(reverse("api:openapi-view"))

    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert response.status_code == 200
    assert assets and all(url.startswith("/static/ninja/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
    # The only inline <script> is the JSON settings block, which no browser executes.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline == [' type="application/json" id="swagger-settings"']
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy


def test_only_the_interactive_page_allows_data_images_for_its_icons(db):
    docs = Client().get(reverse("api:openapi-view"))["Content-Security-Policy"]
    other = Client().get(reverse("api:registers"))["Content-Security-Policy"]

    assert "img-src 'self' data:" in docs
    assert "data:" not in other
