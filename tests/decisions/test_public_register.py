"""The e-diarium and the postlista (issue 16, item 2): a diarienummer found however it is
typed, words, organ and registration period; a secret ärende listed masked and never found,
counted or inferred through a word of its title (rule 21); private motparter as
"Privatperson"; a fixed number of queries however many rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import SECRET, make_case, make_document, make_organ, make_register

pytestmark = pytest.mark.django_db

DIARIUM = "/arenden/diarium/"


@pytest.fixture
def world():
    organ = make_organ(code="SN", name="Socialnämnden")
    register = make_register(organisation=organ.organisation, organ=organ, code="SN")
    other = make_register(code="KS")
    cases = {
        "open": make_case(
            register=register,
            number="2023.076 SN",
            title="Förnyelse av medlemskap",
            opened_on=dt.date(2023, 10, 24),
        ),  # fmt: skip
        "ks": make_case(
            register=other,
            number="2022KS554",
            title="Medlemskap i förbundet",
            opened_on=dt.date(2022, 3, 1),
        ),  # fmt: skip
        "secret": make_case(
            register=register,
            number="2023.080 SN",
            title="Placering av Berg",
            public_title="Ärende om placering",
            opened_on=dt.date(2023, 11, 2),
            **SECRET,
        ),  # fmt: skip
    }
    return organ, cases


def _numbers(page: str, cases) -> set[str]:
    return {key for key, case in cases.items() if case.number in page}


@pytest.mark.parametrize("typed", ["2023.076 SN", "2023.076 sn", "2023.076sn", " 2023.076  SN "])
def test_a_diarienummer_is_found_however_it_is_typed(world, client, typed):
    _organ, cases = world
    page = client.get(DIARIUM, {"number": typed}).content.decode()
    assert _numbers(page, cases) == {"open"}


def test_words_organ_and_period_filter_and_an_impossible_period_is_a_400(world, client):
    organ, cases = world
    page = client.get(DIARIUM, {"q": "medlemskap"}).content.decode()
    assert _numbers(page, cases) == {"open", "ks"}
    page = client.get(DIARIUM, {"organ": organ.pk}).content.decode()
    assert _numbers(page, cases) == {"open", "secret"}
    page = client.get(DIARIUM, {"registered_from": "2023-01-01"}).content.decode()
    assert _numbers(page, cases) == {"open", "secret"}
    response = client.get(DIARIUM, {"registered_from": "2023-12-01", "registered_to": "2023-01-01"})
    assert response.status_code == 400


def test_a_secret_arende_is_listed_masked_and_no_word_of_its_title_finds_it(
    world, client, registrator
):
    _organ, cases = world
    page = client.get(DIARIUM).content.decode()
    assert "2023.080 SN" in page and "Ärende om placering" in page and "Berg" not in page
    # side channel: the secret word finds what a word matching nothing finds (rule 21)
    secret_word = client.get(DIARIUM, {"q": "Berg"}).content.decode()
    nothing = client.get(DIARIUM, {"q": "xyzzyq"}).content.decode()
    assert "2023.080 SN" not in secret_word
    assert secret_word.replace("Berg", "xyzzyq") == nothing
    client.force_login(registrator)
    assert "2023.080 SN" in client.get(DIARIUM, {"q": "Berg"}).content.decode()


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_diarium_and_the_postlista_make_as_many_queries_for_30_rows_as_for_1(client):
    register = make_register(code="KS")
    first = make_case(register=register, title="Ärende 0", opened_on=dt.date(2024, 5, 2))
    make_document(case=first, date=dt.date(2024, 5, 2), counterpart="Anna Svensson")
    day = {"datum": "2024-05-02"}
    one = (_queries(client, DIARIUM), _queries(client, reverse("cases:post-list"), day))
    for n in range(1, 30):
        case = make_case(register=register, title=f"Ärende {n}", opened_on=dt.date(2024, 5, 2))
        make_document(case=case, date=dt.date(2024, 5, 2), counterpart=f"Person {n}")
    many = (_queries(client, DIARIUM), _queries(client, reverse("cases:post-list"), day))
    assert many == one


def test_the_postlista_shows_a_private_motpart_as_privatperson_and_masks_a_secret_handling(client):
    organ = make_organ(code="KS", name="Kommunstyrelsen")
    case = make_case(title="Skolskjuts")
    make_document(case=case, date=dt.date(2024, 5, 2), counterpart="Anna Svensson",
                  description="Ansökan om skolskjuts")  # fmt: skip
    make_document(case=case, date=dt.date(2024, 5, 2), counterpart=organ.name,
                  description="Yttrande")  # fmt: skip
    secret = make_case(title="Bistånd till Berg", **SECRET)
    make_document(case=secret, date=dt.date(2024, 5, 2), counterpart="Karl Berg",
                  description="Utredning om Berg")  # fmt: skip
    page = client.get(reverse("cases:post-list"), {"datum": "2024-05-02"}).content.decode()
    assert "Anna Svensson" not in page and "Privatperson" in page
    assert "Kommunstyrelsen" in page and "Ansökan om skolskjuts" in page
    assert "Berg" not in page and secret.number in page
    assert "Begär ut handlingen" in page
