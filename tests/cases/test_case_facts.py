"""What the diarium says when the sources don't (issue 15): an imported case whose
registration date no source gives is "Registrerat okänt", not a dash; a classification code
whose benämning no one gave says so, and none is invented."""

import re

import pytest

from cases.models import Classification, ClassificationScheme
from cases.services import import_case
from tests.factories import make_register


@pytest.fixture
def imported(db):
    scheme = ClassificationScheme.objects.create(name="Diarieplan", version="1")
    named = Classification.objects.create(scheme=scheme, code="214", title="Detaljplaner")
    unnamed = Classification.objects.create(scheme=scheme, code="709")
    case = import_case(
        register=make_register(), year=2019, serial=742, title="Utträde", classification=unnamed
    )
    return case, named, unnamed


def test_an_imported_case_without_a_registration_date_says_it_is_unknown(imported, client):
    case, _named, _unnamed = imported
    assert case.opened_on is None
    page = " ".join(client.get(f"/arenden/{case.pk}/").content.decode().split())
    assert "<dt>Registrerat</dt><dd>okänt</dd>" in page
    listing = client.get("/arenden/").content.decode()
    row = re.search(rf">{re.escape(case.number)}</a></td>\s*<td[^>]*>([^<]*)</td>", listing)
    assert row.group(1) == "okänt"


def test_a_classification_without_a_benamning_says_so_and_none_is_invented(imported, client):
    case, named, unnamed = imported
    assert str(named) == "214 Detaljplaner"
    assert str(unnamed) == "709 (benämning saknas)"
    listing = client.get("/arenden/").content.decode()
    assert f'<option value="{unnamed.pk}">Diarieplan: 709 (benämning saknas)</option>' in listing
    assert (
        "Diarieplan: 709 (benämning saknas)" in client.get(f"/arenden/{case.pk}/").content.decode()
    )
