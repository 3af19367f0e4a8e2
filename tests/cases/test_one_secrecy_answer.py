"""One secrecy answer per door (issue 16 item 3): a secret ärende's entry is public and its
content is not (OSL 5 kap. 2 §), so the case page, the history page, the search and the API
all give the same masked entry — number, register and public title — and none of them says
"does not exist" while another shows it. With access, every door shows the content."""

import pytest
from django.test import Client

from tests.factories import SECRET, make_case

pytestmark = pytest.mark.django_db

TITLE = "Placering av barnet Ingrid Hemligsson"
PUBLIC = "Ärende om placering enligt LVU"


@pytest.fixture
def secret_case():
    return make_case(title=TITLE, public_title=PUBLIC, **SECRET)


def _doors(client: Client, case) -> dict[str, tuple[int, str]]:
    answers = {
        "case page": client.get(f"/arenden/{case.pk}/"),
        "history page": client.get(f"/arenden/{case.pk}/historik/"),
        "search": client.get("/arenden/sok/", {"q": case.number}),
        "API case": client.get(f"/api/v1/cases/{case.pk}/"),
        "API number": client.get("/api/v1/cases/", {"number": case.number}),
        "API search": client.get("/api/v1/search/", {"q": case.number}),
    }
    return {door: (r.status_code, r.content.decode()) for door, r in answers.items()}


def test_every_door_gives_the_masked_entry_to_a_visitor(secret_case):
    for door, (status, text) in _doors(Client(), secret_case).items():
        assert status == 200, door
        assert secret_case.number in text, door
        assert PUBLIC in text, door
        assert "Hemligsson" not in text, door


def test_every_door_gives_the_content_to_a_reader_with_access(secret_case, make_user):
    client = Client()
    client.force_login(make_user("registrator"))
    for door, (status, text) in _doors(client, secret_case).items():
        assert status == 200, door
        assert "Hemligsson" in text, door


def test_the_api_gives_no_chain_or_links_of_a_secret_case(secret_case):
    answer = Client().get(f"/api/v1/cases/{secret_case.pk}/").json()
    assert answer["title"] == PUBLIC
    assert answer["timeline"] == [] and answer["linked_cases"] == []
    assert "officer" not in answer
