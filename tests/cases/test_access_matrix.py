"""Every URL of the diarium and its API × every role (and anonymous) → the expected status.
A new URL in ``cases.urls`` or ``cases.api`` without a row here fails the test."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import api
from cases import urls as case_urls
from cases.services import add_document, register_case
from tests.factories import SECRET, make_register

ROLES = ("anonymous", "utan roll", "registrator", "sekreterare", "förtroendevald", "administratör")
STAFF = {"anonymous": 302, "utan roll": 403, "registrator": 200, "sekreterare": 403}
STAFF |= {"förtroendevald": 403, "administratör": 200}
OPEN = dict.fromkeys(ROLES, 200)
POST_ONLY = dict.fromkeys(ROLES, 405)
LOGGED_IN_READERS = {"anonymous": 302, "utan roll": 403} | dict.fromkeys(ROLES[2:], 200)
SECRET_READERS = LOGGED_IN_READERS | {"sekreterare": 403, "förtroendevald": 403}
SECRET_API = dict.fromkeys(ROLES, 404) | {"registrator": 200, "administratör": 200}

# (url name, what the URL points at) → expected status per role, for GET.
MATRIX = {
    ("cases:case-list", None): OPEN,
    ("cases:search", None): OPEN,
    ("cases:case-create", None): STAFF,
    ("cases:case-detail", "case"): OPEN,
    ("cases:case-detail", "secret_case"): OPEN,  # shown masked, tested in test_pages
    # The sekreterare files the protokoll's handlingar too (cases.add_document).
    ("cases:document-create", "case"): STAFF | {"sekreterare": 200},
    ("cases:case-close", "case"): POST_ONLY,
    ("cases:case-reopen", "case"): POST_ONLY,
    ("cases:case-link", "case"): STAFF,
    ("cases:document-file", "document"): LOGGED_IN_READERS,
    ("cases:document-file", "secret_document"): SECRET_READERS,
    ("api-registers", None): OPEN,
    ("api-cases", None): dict.fromkeys(ROLES, 400),  # GET without ?number= (docs/api.md)
    ("api-case-detail", "case"): OPEN,
    ("api-case-detail", "secret_case"): SECRET_API,
    ("api-search", None): OPEN,
}


def test_every_url_of_the_diarium_has_a_row_in_the_matrix():
    names = {f"cases:{p.name}" for p in case_urls.urlpatterns}
    names |= {p.name for p in api.urlpatterns}

    assert names == {name for name, _target in MATRIX}


@pytest.fixture
def objects(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    register = make_register(code="KS", number_format="{year}{code}{seq}")
    case = register_case(register=register, title="Öppet", year=2024)
    secret_case = register_case(register=register, title="Hemligt", year=2024, **SECRET)
    pdf = b"%PDF-1.4\n%%EOF\n"
    document = add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        description="Skrivelse",
        file=SimpleUploadedFile("a.pdf", pdf),
    )
    secret_document = add_document(
        case=case,
        date=dt.date(2024, 2, 1),
        direction="incoming",
        description="Läkarintyg",
        file=SimpleUploadedFile("b.pdf", pdf),
        **SECRET,
    )
    return {
        "case": case,
        "secret_case": secret_case,
        "document": document,
        "secret_document": secret_document,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(client, make_user, objects, role):
    if role != "anonymous":
        client.force_login(make_user(None if role == "utan roll" else role))

    failures = []
    for (name, target), expected in MATRIX.items():
        url = reverse(name, args=[objects[target].pk] if target else [])
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append((name, target, status, expected[role]))

    assert failures == []
