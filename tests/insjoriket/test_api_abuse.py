"""The API keeps its contract under abuse (docs/api.md, rule 23's error contract): a body
nested deeper than 64 levels or larger than DATA_UPLOAD_MAX_MEMORY_SIZE is the JSON 400; PUT,
PATCH and DELETE are the JSON 405 with ``Allow`` even for a logged-in browser without a CSRF
token (and the cookie still authenticates no write); a database that is away is the JSON 503
with ``Retry-After``, and a worker whose connection a database restart killed answers one 503
and then reconnects."""

import json
import socket

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

from cases.api import issue_token
from cases.models import Case
from insjoriket.api_errors import MAX_JSON_DEPTH, json_depth
from tests.factories import make_case

TOO_DEEP = {"error": "Förfrågan är för djupt nästlad: högst 64 nivåer kan tas emot."}


def _post(body: str, token: str):
    return Client().post(
        "/api/v1/cases/", body, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def _nested(levels: int) -> str:
    """A JSON object ``levels`` deep: ``{"register": …, "title": …, "x": [[…]]}``."""
    inner = "[" * (levels - 1) + "]" * (levels - 1)
    return '{"register": 1, "title": "Djup", "x": ' + inner + "}"


def test_json_depth_counts_levels_without_recursion():
    assert json_depth(1) == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [1, [2]]}) == 3
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep) == 100_001


@pytest.mark.django_db
@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_a_body_deeper_than_64_levels_is_the_json_400(levels):
    token = issue_token(name="djup")
    response = _post(_nested(levels), token)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == TOO_DEEP
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_body_of_exactly_64_levels_is_read_and_judged_by_its_fields():
    token = issue_token(name="djup")

    response = _post(_nested(MAX_JSON_DEPTH), token)

    assert response.status_code == 400
    assert response.json()["fields"] == {"x": ["Okänt fält."]}


@pytest.mark.django_db
def test_a_body_over_data_upload_max_memory_size_is_the_json_400(settings):
    token = issue_token(name="stor")
    case = make_case()
    body = json.dumps(
        {"register": case.register_id, "title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )

    response = _post(body, token)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith("Begäran är för stor: högst 2,5 MB")
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/cases/{id}/", "/api/v1/registers/", "/api/v1/members/"])
def test_a_refused_method_is_the_json_405_for_a_logged_in_browser_without_csrf_token(
    admin_user, method, path
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = path.format(id=make_case().pk)

    response = client.generic(method, url, "{}", content_type="application/json")

    assert response.status_code == 405, response.content[:200]
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"error": "Metoden stöds inte. Använd GET, HEAD."}


@pytest.mark.django_db
def test_the_session_cookie_authenticates_no_write_of_the_api(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    case = make_case()

    response = client.post(
        "/api/v1/cases/",
        json.dumps({"register": case.register_id, "title": "Med kaka"}),
        "application/json",
    )

    assert response.status_code == 401
    assert Case.objects.count() == 1


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_away(transactional_db):
    """The default connection pointed at a closed port: the real driver's connect is refused
    (at the process boundary, no mock of the database), then put back."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.parametrize(
    "url", ["/api/v1/registers/", "/api/v1/members/", "/api/v1/cases/?number=2024.001"]
)
def test_with_the_database_away_the_api_answers_the_json_503_with_retry_after(database_away, url):
    response = Client().get(url)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": "Registret kan inte nå sin databas just nu. Försök igen om en stund."
    }


def test_with_the_database_away_a_token_post_is_the_json_503(database_away):
    response = _post('{"register": 1, "title": "X"}', "nyckel")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"].startswith("Registret kan inte nå sin databas")


@pytest.mark.parametrize("url", ["/", "/arenden/", "/medlemmar/", "/anslagstavla/"])
def test_with_the_database_away_a_page_answers_the_projects_503_page(database_away, url):
    """The fault suite's page half (issue 17): the project's own Swedish page, status 503 with
    Retry-After, not Django's or the server's."""
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Registret är tillfälligt otillgängligt" in response.content.decode()


def _terminate_backend_of(conn) -> None:
    """What a database restart does to a running worker: the server process behind its
    persistent connection is terminated (from a second, owner's connection — the real server,
    no mock)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = conn.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _wsgi_get(path: str) -> tuple[int, dict]:
    """A GET through Django's WSGI handler as gunicorn calls it — with the request signals that
    close unusable or old connections, which the test client switches off."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(headers)

    response = WSGIHandler()(environ, start_response)
    b"".join(response)
    response.close()  # sends request_finished, as a WSGI server does
    return started["status"], started["headers"]


@pytest.mark.parametrize("path", ["/anslagstavla/", "/api/v1/registers/"])
def test_a_database_restart_is_at_most_one_503_then_the_worker_reconnects(transactional_db, path):
    """The fault suite's restart (issue 17): the persistent connection a worker holds
    (CONN_MAX_AGE) dies under it, as in a database restart. The request that finds it dead
    answers 200 (the health check reconnected) or the project's 503 with Retry-After, and the
    next one answers 200 — the worker needs no restart."""
    assert _wsgi_get(path)[0] == 200
    assert connection.connection is not None  # kept open between requests
    _terminate_backend_of(connection)

    dead_status, dead_headers = _wsgi_get(path)
    again_status, _headers = _wsgi_get(path)

    assert dead_status in (200, 503)
    if dead_status == 503:
        assert dead_headers["Retry-After"] == "30"
    assert again_status == 200
