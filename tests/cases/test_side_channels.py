"""Side channels of the diarium's lists (rule 21): a user can filter, count and search only by
what they may see. For every filter and search parameter and every role, the answer for a
secret case's hidden value equals the answer for a value that matches nothing; roles with
access find the secret case.

Public fields of a secret case's entry (diarium, year, status, the number and the public
title) are shown on its masked entry to everyone, so filtering on them reveals nothing more.
The case list has no sort parameter (its order is fixed: year, register, serial).
"""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client

from cases.forms import CaseFilterForm, PublicRegisterForm
from cases.models import Case, Classification, ClassificationScheme
from cases.services import add_document, close_case, link_cases, register_case, reopen_case
from insjoriket.access import setup_roles
from tests.factories import SECRET, make_organ, make_register

ROLES = (None, "registrator", "sekreterare", "förtroendevald", "administratör")
WITH_ACCESS = {"registrator", "administratör"}
HIDDEN_OFFICER = "Greta Hemligsdotter"


@pytest.fixture
def diarium(db):
    setup_roles()
    organ = make_organ(code="SN", name="Socialnämnden")
    register = make_register(organ=organ, code="SN")
    other = make_register(organ=make_organ(code="KS", name="Kommunstyrelsen"), code="KS")
    scheme = ClassificationScheme.objects.create(name="Diarieplan", version="1")
    public_class = Classification.objects.create(scheme=scheme, code="214", title="Detaljplaner")
    secret_class = Classification.objects.create(scheme=scheme, code="750", title="IFO")
    unused_class = Classification.objects.create(scheme=scheme, code="999", title="Oanvänd")
    public = register_case(
        register=register,
        title="Detaljplan för Sjövik",
        officer="Ola Öppen",
        classification=public_class,
        year=2024,
    )
    secret = register_case(
        register=register,
        title="Bistånd till Ingrid Hemligsson",
        public_title="Ärende om enskild",
        officer=HIDDEN_OFFICER,
        classification=secret_class,
        year=2024,
        **SECRET,
    )
    return {
        "public": public,
        "secret": secret,
        "other_register_case": register_case(register=other, title="Budget 2025", year=2024),
        "classes": {"public": public_class, "secret": secret_class, "unused": unused_class},
    }


def client_for(role: str | None) -> Client:
    client = Client()
    if role:
        user = get_user_model().objects.create_user(username=f"sido-{role}", password="x-y-z-1")
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
    return client


def listed(client: Client, query: str) -> list[int]:
    """The case ids the list shows for ``query``, and its stated count."""
    response = client.get("/arenden/?" + query)
    assert response.status_code == 200
    body = response.content.decode()
    return sorted(int(pk) for pk in re.findall(r'href="/arenden/(\d+)/"', body))


def filter_pairs(diarium) -> list[tuple[str, str, str]]:
    """(parameter, query for the secret case's hidden value, query for a value nobody has)."""
    classes = diarium["classes"]
    return [
        ("officer", "officer=Greta+Hemligsdotter", "officer=Namn+som+ingen+har"),
        ("officer (substring)", "officer=emligsdo", "officer=xqzw"),
        (
            "classification",
            f"classification={classes['secret'].pk}",
            f"classification={classes['unused'].pk}",
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_a_filter_on_a_hidden_field_answers_as_for_a_value_nobody_has(diarium, role):
    client = client_for(role)
    secret = diarium["secret"]
    for name, hidden_value, no_value in filter_pairs(diarium):
        found = listed(client, hidden_value)
        if role in WITH_ACCESS:
            assert found == [secret.pk], name
        else:
            assert found == listed(client, no_value) == [], name


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_the_list_shows_no_hidden_field_of_a_secret_case(diarium, role):
    body = client_for(role).get("/arenden/").content.decode()
    row = re.search(rf'href="/arenden/{diarium["secret"].pk}/".*?</tr>', body, re.S).group(0)
    shown = HIDDEN_OFFICER in row and ">750<" in row
    assert shown == (role in WITH_ACCESS), row
    if role not in WITH_ACCESS:
        assert "Ärende om enskild" in row  # the masked entry itself is public


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_public_fields_of_the_entry_filter_alike_for_everyone(diarium, role):
    """Diarium, year and status stand on the masked entry, so every role finds it by them."""
    client = client_for(role)
    register = diarium["secret"].register_id
    assert diarium["secret"].pk in listed(client, f"register={register}&year=2024&status=open")


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_search_by_a_hidden_word_answers_as_for_a_word_nobody_has(diarium, role):
    client = client_for(role)
    for word in ("Hemligsson", "Hemligsdotter"):
        page = client.get("/arenden/sok/", {"q": word}).content.decode()
        api = client.get("/api/v1/search/", {"q": word}).json()
        nothing = client.get("/api/v1/search/", {"q": "Ordsomingenhar"}).json()
        if role in WITH_ACCESS and word == "Hemligsson":
            assert diarium["secret"].number in page
        else:
            assert diarium["secret"].number not in page, word
            assert api["results"] == nothing["results"] == [], (word, api)


# Every filter parameter of every list form, by kind: public (the register entry itself, shown
# on a secret case's masked entry too) or content (hidden for a secret case). A new parameter
# fails test_every_filter_parameter_is_classified until it is given a side-channel test here.
FILTER_PARAMETERS = {
    CaseFilterForm: {
        "public": {"register", "year", "status"},
        "content": {"officer", "classification"},
    },
    PublicRegisterForm: {
        "public": {"number", "organ", "registered_from", "registered_to"},
        "content": {"q"},
    },
}


def test_every_filter_parameter_is_classified():
    for form, kinds in FILTER_PARAMETERS.items():
        assert set(form.base_fields) == kinds["public"] | kinds["content"], form.__name__


def public_register(client: Client, query: dict) -> list[str]:
    """The diarienummer the public diarium (e-diarium) lists for ``query``."""
    response = client.get("/arenden/diarium/", query)
    assert response.status_code == 200
    return sorted(c.number for c in response.context["page"].object_list)


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_the_public_diarium_filters_by_a_hidden_word_as_by_none(diarium, role):
    client = client_for(role)
    secret = diarium["secret"]
    for word in ("Hemligsson", "Ingrid"):
        found = public_register(client, {"q": word})
        if role in WITH_ACCESS:
            assert secret.number in found, word
        else:
            assert found == public_register(client, {"q": "Ordsomingenhar"}) == [], word


@pytest.mark.parametrize("role", ROLES)
def test_rule_21_the_public_diarium_finds_the_masked_entry_by_its_public_fields(diarium, role):
    client = client_for(role)
    secret = diarium["secret"]
    opened = secret.opened_on.isoformat()
    for query in (
        {"number": secret.number},
        {"organ": secret.register.organ_id},
        {"registered_from": opened, "registered_to": opened},
    ):
        response = client.get("/arenden/diarium/", query)
        assert secret.number in public_register(client, query), query
        body = response.content.decode()
        assert ("Hemligsson" in body) == (role in WITH_ACCESS), query


def _user(role: str):
    user = get_user_model().objects.create_user(username=f"skriv-{role}", password="x-y-z-1")
    user.groups.add(Group.objects.get(name=role))
    return user


def test_rule_21_writing_to_a_secret_case_needs_access_to_it(diarium):
    """The sekreterare may file handlingar, but not in a secret case (no access to it); the
    registrator may. The page answers 403 and the service refuses (nothing saved)."""
    secret, public = diarium["secret"], diarium["public"]
    secretary = _user("sekreterare")
    client = Client()
    client.force_login(secretary)
    form = {"date": "2024-05-02", "direction": "incoming", "description": "Skrivelse"}

    assert client.get(f"/arenden/{secret.pk}/handlingar/ny/").status_code == 403
    assert client.post(f"/arenden/{secret.pk}/handlingar/ny/", form).status_code == 403
    assert client.post(f"/arenden/{public.pk}/handlingar/ny/", form).status_code == 302
    writes = [
        lambda: add_document(case=secret, date=dt.date(2024, 5, 2), direction="incoming",
                             description="Skrivelse", user=secretary),
        lambda: close_case(case=secret, user=secretary),
        lambda: link_cases(from_case=diarium["other_register_case"], to_case=secret,
                           user=secretary),
    ]  # fmt: skip
    for write in writes:
        with pytest.raises(ValidationError, match="Ärendet är sekretessbelagt"):
            write()
    assert secret.documents.count() == 0
    assert Case.objects.get(pk=secret.pk).status == Case.Status.OPEN

    registrator = _user("registrator")
    add_document(case=secret, date=dt.date(2024, 5, 2), direction="incoming",
                 description="Skrivelse", user=registrator)  # fmt: skip
    close_case(case=secret, user=registrator)
    reopen_case(case=secret, user=registrator)
    assert secret.documents.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_issue_15_the_osl_ground_stands_on_every_list_for_those_who_may_read_it(diarium, role):
    """The registrator hands out documents: lists, the handlingar table and search hits mark
    what is secret, with its ground, so they know what needs menprövning (rule 22)."""
    public, secret = diarium["public"], diarium["secret"]
    add_document(case=public, date=dt.date(2024, 5, 2), direction="incoming",
                 description="Läkarintyg för sökanden", public_title="Handling om enskild",
                 **{**SECRET, "secrecy_ground": "OSL 25 kap. 1 §"})  # fmt: skip
    add_document(case=public, date=dt.date(2024, 5, 3), direction="incoming",
                 description="Yttrande från grannar")  # fmt: skip
    client = client_for(role)
    marker = '<span class="secret-under">Sekretess: {}</span>'
    case_list = client.get("/arenden/").content.decode()
    case_page = client.get(f"/arenden/{public.pk}/").content.decode()
    hits = client.get("/arenden/sok/", {"q": secret.number}).content.decode()
    word_hits = client.get("/arenden/sok/", {"q": "läkarintyg"}).content.decode()
    may_read = role in WITH_ACCESS
    assert (marker.format("OSL 26 kap. 1 §") in case_list) == may_read
    assert (marker.format("OSL 26 kap. 1 §") in hits) == may_read
    assert (marker.format("OSL 25 kap. 1 §") in case_page) == may_read
    assert (marker.format("OSL 25 kap. 1 §") in word_hits) == may_read
    assert case_list.count('class="secret-under"') == (1 if may_read else 0)
    assert case_page.count('class="secret-under"') == (1 if may_read else 0)
