"""What the seeds say about each handling is shown (issue 15, item 5): its author and its text
on the case page and in the API's documents list, to those who may read handlingar (as their
files), masked for a secret one (rule 21), the same answer at both doors."""

import datetime as dt

import pytest
import yaml
from django.urls import reverse

from cases.models import Case
from decisions.management.commands.load_insjoriket import DATA_FILE
from tests.factories import SECRET, make_case, make_document

pytestmark = pytest.mark.django_db


def _documents_of_the_data_file():
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    for case in data["cases"]:
        for serial, document in enumerate(case.get("documents", []), start=1):
            yield case["number"], serial, document


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def test_every_author_and_text_of_the_data_file_is_on_the_case_page_and_in_the_api(
    seeds, client, registrator
):
    client.force_login(registrator)
    checked = 0
    for number, serial, document in _documents_of_the_data_file():
        if not (document.get("author") or document.get("text")):
            continue
        case = Case.objects.get(number=number)
        page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
        api = client.get(f"/api/v1/cases/{case.pk}/").json()
        entry = next(d for d in api["documents"] if d["number"] == f"{number}:{serial}")
        if document.get("author"):
            assert document["author"] in page, (number, serial)
            assert entry["author"] == document["author"]
        if document.get("text"):
            # linebreaks escapes and wraps; the first line stands as the data file has it
            assert _first_line(document["text"]) in page.replace("<br>", "\n"), (number, serial)
            assert entry["text"].strip() == document["text"].strip()
        checked += 1
    assert checked >= 4  # the tjänsteskrivelser of [002] and [003], the skrivelse of [000]


def test_a_secret_handlings_author_and_text_are_masked_at_both_doors(client, make_user):
    case = make_case(title="Ansökan om bistånd", **SECRET)
    make_document(
        case=case,
        description="Utredning om familjen Berg",
        author="Handläggare Hemlig",
        text="Familjen Berg har skulder.",
        date=dt.date(2024, 1, 20),
    )
    open_case = make_case(title="Riktlinjer")
    make_document(case=open_case, author="Kommunledningskontoret", text="Förslag till riktlinjer.")

    for who in (None, "förtroendevald"):
        if who:
            client.force_login(make_user(who))
        page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
        entry = client.get(f"/api/v1/cases/{case.pk}/").json()["documents"][0]
        assert "Handläggare Hemlig" not in page and "skulder" not in page
        assert entry["author"] == "" and entry["text"] is None and entry["counterpart"] == ""
        assert entry["secret"] is True and entry["secrecy_ground"] == ""
        assert "Berg" not in entry["description"]

    client.logout()
    entry = client.get(f"/api/v1/cases/{open_case.pk}/").json()["documents"][0]
    page = client.get(reverse("cases:case-detail", args=[open_case.pk])).content.decode()
    # Anonymous: the author is public metadata; the text is served as the file is, on login
    assert entry["author"] == "Kommunledningskontoret" and entry["text"] is None
    assert "Kommunledningskontoret" in page and "Förslag till riktlinjer." not in page

    client.force_login(make_user("registrator", username="reg"))
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    entry = client.get(f"/api/v1/cases/{case.pk}/").json()["documents"][0]
    assert "Handläggare Hemlig" in page and "Familjen Berg har skulder." in page
    assert entry["text"] == "Familjen Berg har skulder."
    assert entry["secrecy_ground"] == "OSL 26 kap. 1 §"
