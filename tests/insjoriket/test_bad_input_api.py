"""Bad input to the JSON API's registration (POST /api/v1/cases/; tests/bad_input.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.bad_input import (
    MEGABYTE,
    World,
    counts,
)

pytestmark = pytest.mark.django_db


@dataclass
class ApiCase:
    id: str
    body: Callable[[World], bytes]
    status: int
    message: str
    token: str = "good"  # good, revoked, unknown, none
    field_errors: tuple[str, ...] = ()


def body(**fields) -> Callable[[World], bytes]:
    def build(w: World) -> bytes:
        base = {"register": w.register.pk, "title": "Ansökan via e-tjänst"}
        return json.dumps({k: v for k, v in (base | fields).items() if v is not None}).encode()

    return build


API = [
    ApiCase("no-token", body(), 401, "Ange en API-nyckel", token="none"),
    ApiCase("unknown-token", body(), 401, "Okänd API-nyckel.", token="unknown"),
    ApiCase("revoked-token", body(), 403, "API-nyckeln är återkallad.", token="revoked"),
    ApiCase("not-json", lambda w: b"{register: 1, title: ", 400, "måste vara ett JSON-objekt"),
    ApiCase("json-list", lambda w: b"[1, 2, 3]", 400, "måste vara ett JSON-objekt"),
    ApiCase("json-null", lambda w: b"null", 400, "måste vara ett JSON-objekt"),
    ApiCase("empty-body", lambda w: b"", 400, "måste vara ett JSON-objekt"),
    ApiCase(
        "non-utf8-body",
        lambda w: '{"title": "Bygglov i Härryda", "register": 1}'.encode("latin-1"),
        400,
        "måste vara ett JSON-objekt",
    ),
    ApiCase("unknown-field", body(titel="Bygglov"), 400, "Okänt fält.", field_errors=("titel",)),
    ApiCase(
        "title-1mb",
        body(title="x" * (1024 * 1024)),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("title",),
    ),
    ApiCase(
        "body-over-the-upload-limit",
        body(title=MEGABYTE * 3),
        400,
        "för stor",
    ),
    ApiCase("title-missing", body(title=None), 400, "Ogiltiga uppgifter.", field_errors=("title",)),
    ApiCase(
        "register-unknown",
        body(register=987654),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("register",),
    ),
    ApiCase(
        "register-as-object",
        body(register={"code": "KS"}),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("register",),
    ),
    ApiCase(
        "secret-without-ground",
        body(is_secret=True),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("secrecy",),
    ),
    ApiCase(
        "secrecy-date-impossible",
        body(
            is_secret=True,
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="2025-02-29",
            secrecy_marked_by="SN",
        ),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("secrecy_marked_on",),
    ),
]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in API],
)
def test_bad_input_to_the_api(case: ApiCase, world):
    tokens = {
        "good": world.token,
        "revoked": world.revoked_token,
        "unknown": "x" * 43,
    }
    headers = {}
    if case.token in tokens:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[case.token]}"
    before = counts()
    response = Client().post(
        "/api/v1/cases/", data=case.body(world), content_type="application/json", **headers
    )
    assert counts() == before
    assert response.status_code == case.status, response.content[:500]
    answer = response.json()
    assert case.message in answer["error"]
    for name in case.field_errors:
        assert answer["fields"][name], answer
