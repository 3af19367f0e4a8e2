"""A later sekretessmarkering of a registered handling, and its removal (issue 15 item 2; rule
22): the provision, date and marking authority together, with a reason; the history keeps who,
when, what and why; a half marking is refused with a Swedish message and the form keeps what
was typed."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Document
from cases.services import add_document, register_case
from tests.factories import make_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def handling(db):
    case = register_case(register=make_register(), title="Hemtjänst", year=2024)
    return add_document(
        case=case, date=dt.date(2024, 2, 1), direction="incoming",
        description="Läkarintyg för Ingrid", counterpart="Vårdcentralen",
    )  # fmt: skip


@pytest.fixture
def registrator(make_user):
    client = Client()
    user = make_user("registrator")
    client.force_login(user)
    return client, user


def test_rule_22_a_handling_marked_secret_later_keeps_who_when_what_and_why(handling, registrator):
    client, user = registrator
    url = reverse("cases:document-secrecy", args=[handling.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "is_secret": "on", "secrecy_ground": "OSL 25 kap. 1 §", "secrecy_marked_on": "2024-03-01",
        "secrecy_marked_by": "Registratorn", "public_title": "Intyg",
        "reason": "Intyget innehåller uppgifter om hälsa.",
    })  # fmt: skip
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.is_secret and handling.secrecy_ground == "OSL 25 kap. 1 §"
    latest = handling.history.first()
    assert latest.history_user == user and latest.is_secret
    assert latest.history_change_reason == (
        "Sekretessmarkerad: Intyget innehåller uppgifter om hälsa."
    )
    # The public's case page now masks it.
    public = Client().get(reverse("cases:case-detail", args=[handling.case_id])).content.decode()
    assert "Läkarintyg för Ingrid" not in public and "Intyg" in public

    response = client.post(url, {"reason": "Sekretessen har upphört."})
    assert response.status_code == 302
    handling.refresh_from_db()
    assert not handling.is_secret and handling.secrecy_ground == ""
    assert handling.history.first().history_change_reason.startswith("Sekretessmarkering borttagen")


def test_rule_22_a_half_marking_or_no_reason_is_refused_and_the_form_keeps_it(
    handling, registrator
):
    client, _user = registrator
    url = reverse("cases:document-secrecy", args=[handling.pk])
    response = client.post(url, {"is_secret": "on", "secrecy_ground": "OSL 25 kap. 1 §",
                                 "reason": "Hälsouppgifter"})  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "OSL 5 kap. 5 §" in body and 'value="OSL 25 kap. 1 §"' in body
    response = client.post(url, {"is_secret": "on", "secrecy_ground": "OSL 25 kap. 1 §",
                                 "secrecy_marked_on": "2024-03-01",
                                 "secrecy_marked_by": "Registratorn", "reason": ""})  # fmt: skip
    assert response.status_code == 400
    assert not Document.objects.get(pk=handling.pk).is_secret
    assert handling.history.count() == 1


@pytest.mark.parametrize("role", ["förtroendevald", "sekreterare"])
def test_only_a_registrator_changes_a_marking(handling, make_user, role):
    client = Client()
    client.force_login(make_user(role))
    url = reverse("cases:document-secrecy", args=[handling.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
