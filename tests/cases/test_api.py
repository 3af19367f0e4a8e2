"""The JSON API: registers, registering cases with a bearer token, search."""

import hashlib
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from cases.api import TOKEN_REVOKED, issue_token
from cases.models import ApiToken, Case
from cases.services import register_case
from tests.factories import make_register

URL = "/api/v1/cases/"


def post(client, body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **headers, **extra)


@pytest.fixture
def register(db):
    return make_register(code="KS", number_format="{year}{code}{seq}")


@pytest.fixture
def token(db):
    return issue_token(name="e-tjänst")


@pytest.mark.django_db
def test_create_api_token_prints_the_token_last_and_stores_only_its_hash():
    out = io.StringIO()
    call_command("create_api_token", "e-postintag", stdout=out)

    printed = out.getvalue().strip().splitlines()[-1]
    stored = ApiToken.objects.get(name="e-postintag")
    assert stored.token_hash == hashlib.sha256(printed.encode()).hexdigest()
    assert printed not in stored.token_hash


def test_the_register_list_gives_id_organisation_code_and_format(client, register):
    data = client.get("/api/v1/registers/").json()

    assert data["registers"] == [
        {
            "id": register.pk,
            "organisation": register.organisation.name,
            "organ": None,
            "code": "KS",
            "name": register.name,
            "number_format": "{year}{code}{seq}",
        }
    ]


def test_a_system_with_a_token_registers_a_case_and_gets_its_number(client, register, token):
    response = post(client, {"register": register.pk, "title": "Ansökan via e-tjänst"}, token)

    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body["number"] == case.number and body["serial"] == 1 and body["id"] == case.pk
    assert body["url"].endswith(f"/arenden/{case.pk}/")
    assert case.history.get().history_change_reason == "Registrerat via API (e-tjänst)"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Utan diarium"}, "register"),
        ({"register": 999999, "title": "Fel diarium"}, "register"),
        ({"register": "REGISTER", "title": ""}, "title"),
        ({"register": "REGISTER", "title": "X", "färg": "blå"}, "färg"),
        ({"register": "REGISTER", "title": "X", "is_secret": True}, "secrecy"),
        ({"register": "REGISTER", "title": "X", "classification": 999999}, "classification"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(client, register, token, body, field):
    body = {k: (register.pk if v == "REGISTER" else v) for k, v in body.items()}

    response = post(client, body, token)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Case.objects.exists()


def test_a_body_that_is_not_a_json_object_is_400(client, register, token):
    assert post(client, "inte json", token).status_code == 400
    assert post(client, "[1, 2]", token).status_code == 400


def test_no_token_is_401_an_unknown_one_401_and_a_revoked_one_403(client, register, token):
    body = {"register": register.pk, "title": "X"}
    stored = ApiToken.objects.get(name="e-tjänst")
    stored.revoked = True
    stored.save()

    assert post(client, body).status_code == 401
    assert post(client, body, "påhittad").status_code == 401
    revoked = post(client, body, token)
    assert revoked.status_code == 403
    assert revoked.json()["error"] == str(TOKEN_REVOKED)
    assert not Case.objects.exists()


def test_pages_keep_csrf_while_the_token_api_is_exempt(register, token, registrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(registrator)

    page = client.post("/arenden/nytt/", {"register": register.pk, "title": "X"})
    api = post(client, {"register": register.pk, "title": "X"}, token)

    assert page.status_code == 403
    assert api.status_code == 201


def test_api_search_follows_the_same_access_rules(client, register, registrator):
    register_case(
        register=register,
        title="Orosanmälan",
        year=2024,
        is_secret=True,
        secrecy_ground="OSL 26:1",
        secrecy_marked_on="2024-01-02",
        secrecy_marked_by="SN",
        public_title="Anmälan",
    )
    register_case(register=register, title="Orosanmälan om buller", year=2024)

    public = client.get("/api/v1/search/", {"q": "orosanmälan"}).json()
    client.force_login(registrator)
    staff = client.get("/api/v1/search/", {"q": "orosanmälan"}).json()

    assert [hit["title"] for hit in public["results"]] == ["Orosanmälan om buller"]
    assert len(staff["results"]) == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_api_clients_get_exactly_the_numbers_one_to_fifty():
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    token = issue_token(name="parallell")
    statuses: list[int] = []
    start = threading.Barrier(50)

    def work(n: int) -> None:
        try:
            start.wait()
            response = post(Client(), {"register": register.pk, "title": f"Ärende {n}"}, token)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 50
    serials = sorted(Case.objects.filter(register=register).values_list("serial", flat=True))
    assert serials == list(range(1, 51))
