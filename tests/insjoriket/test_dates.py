"""Dates a Swede types (issue 15): ISO and the unambiguous Swedish forms are read, a date whose
day and month could change places is refused with a message that says so, and a handling
cannot have come in or been sent on a day that has not been yet."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cases.forms import DocumentForm
from cases.models import Document
from cases.services import add_document, register_case
from insjoriket.dates import AmbiguousDate, DateField, parse_date
from tests.factories import make_register


@pytest.mark.parametrize(
    "typed, date",
    [
        ("2025-03-10", dt.date(2025, 3, 10)),
        ("2025-3-1", dt.date(2025, 3, 1)),
        (" 20250310 ", dt.date(2025, 3, 10)),
        ("10 mars 2025", dt.date(2025, 3, 10)),
        ("10 Mars 2025", dt.date(2025, 3, 10)),
        ("1 okt. 2024", dt.date(2024, 10, 1)),
        ("29 februari 2024", dt.date(2024, 2, 29)),
    ],
)
def test_iso_and_swedish_words_are_read(typed, date):
    assert parse_date(typed) == date
    assert DateField().clean(typed) == date


@pytest.mark.parametrize("typed", ["10/3/2025", "3/10/2025", "10.3.2025", "10/03/25"])
def test_a_date_whose_day_and_month_could_change_places_is_refused(typed):
    with pytest.raises(AmbiguousDate):
        parse_date(typed)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        DateField().clean(typed)
    assert "kan läsas på två sätt" in refused.value.messages[0]
    assert typed in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["2025-02-30", "29 februari 2025", "10 marz 2025", "i går"])
def test_what_is_no_date_gets_the_iso_hint(typed):
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        DateField().clean(typed)
    assert refused.value.messages == [
        "Fyll i ett giltigt datum: ÅÅÅÅ-MM-DD, till exempel 2025-03-10."
    ]


def test_other_date_fields_the_admin_included_take_iso_not_the_american_order():
    """Django's Swedish locale reads 10/3/2025 as 3 October; the project's formats don't."""
    with translation.override("sv"):
        assert forms.DateField().clean("2025-03-10") == dt.date(2025, 3, 10)
        with pytest.raises(ValidationError):
            forms.DateField().clean("10/3/2025")


def test_the_handling_form_keeps_what_was_typed_and_says_why(db):
    form = DocumentForm(
        {"date": "10/3/2025", "direction": "incoming", "description": "Skrivelse om skolskjuts"}
    )
    assert not form.is_valid()
    assert "kan läsas på två sätt" in form.errors["date"][0]
    assert 'value="10/3/2025"' in str(form["date"])


@pytest.fixture
def case(db):
    return register_case(register=make_register(), title="Skolskjuts")


@pytest.mark.parametrize("direction", [Document.Direction.INCOMING, Document.Direction.OUTGOING])
def test_a_handling_cannot_have_come_in_or_gone_out_in_the_future(case, direction):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        add_document(case=case, date=tomorrow, direction=direction, description="Brev")
    assert "ett datum som ännu inte har varit" in refused.value.message_dict["date"][0]
    assert case.documents.count() == 0
    today = add_document(
        case=case, date=timezone.localdate(), direction=direction, description="Brev"
    )
    assert today.pk


def test_a_drawn_up_handling_may_be_dated_ahead(case):
    """A tjänsteskrivelse may carry the date of the meeting it is written for."""
    ahead = timezone.localdate() + dt.timedelta(days=14)
    document = add_document(
        case=case, date=ahead, direction=Document.Direction.DRAWN_UP, description="Skrivelse"
    )
    assert document.date == ahead
