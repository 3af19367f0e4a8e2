"""The database holds the invariants itself, so no path around the forms and services can
break them: each write below goes straight through the ORM, and the test names the
constraint that refuses it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cases.models import CaseLink
from decisions.models import Ballot, DecisionLink, Meeting, Vote
from members.models import Assignment, Contribution
from tests.factories import (
    make_case,
    make_decision,
    make_document,
    make_meeting,
    make_organ,
    make_organisation,
    make_person,
    make_register,
)

pytestmark = pytest.mark.django_db

MARKED_SECRET = {
    "is_secret": True,
    "secrecy_ground": "OSL 26:1",
    "secrecy_marked_on": dt.date(2023, 10, 24),
    "secrecy_marked_by": "Socialnämnden",
}


def violated(write) -> str | None:
    """The name of the database constraint that refuses ``write()``, or None if the database
    accepts it. Runs in a savepoint, so the test can go on."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError as error:
        return error.__cause__.diag.constraint_name
    return None


# Diarienummer (rule 24)


def test_the_same_diarienummer_cannot_be_given_twice_in_a_register():
    register = make_register()
    make_case(register=register, year=2023, serial=509, number="2023.509 KS")

    def register_again():
        make_case(register=register, year=2024, serial=1, number="2023.509 KS")

    assert violated(register_again) == "case_number_unique"


def test_the_same_serial_cannot_be_given_twice_in_a_register_and_year():
    """Rule 24: (diarium, year, serial) is unique."""
    register = make_register()
    make_case(register=register, year=2023, serial=509, number="2023.509 KS")

    def register_again():
        make_case(register=register, year=2023, serial=509, number="2023.509 SN")

    assert violated(register_again) == "case_serial_unique"


def test_two_registers_may_use_the_same_serial_in_the_same_year():
    """Rule 24: two diaries may use the same serial in the same year."""
    make_case(register=make_register(code="KS"), year=2023, serial=509)

    other = make_register(code="SN")

    assert violated(lambda: make_case(register=other, year=2023, serial=509)) is None


def test_a_register_may_use_the_same_serial_again_in_another_year():
    """Rule 24: the serial restarts at 1 each year."""
    register = make_register()
    make_case(register=register, year=2023, serial=1)

    assert violated(lambda: make_case(register=register, year=2024, serial=1)) is None


# § numbers


def test_an_organ_cannot_number_two_paragraphs_alike_in_a_year():
    organ = make_organ()
    make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2020, 6, 15)), number=128)
    later = make_meeting(organ=organ, held_on=dt.date(2020, 9, 21))

    assert violated(lambda: make_decision(meeting=later, number=128)) == (
        "decision_number_unique_per_organ_year"
    )


def test_an_organ_may_use_a_paragraph_number_again_in_another_year():
    organ = make_organ()
    make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2020, 6, 15)), number=128)
    next_year = make_meeting(organ=organ, held_on=dt.date(2021, 6, 14))

    assert violated(lambda: make_decision(meeting=next_year, number=128)) is None


def test_another_organ_may_use_the_same_paragraph_number_in_the_same_year():
    make_decision(meeting=make_meeting(held_on=dt.date(2020, 6, 15)), number=128)
    other_organ = make_meeting(held_on=dt.date(2020, 6, 15))

    assert violated(lambda: make_decision(meeting=other_organ, number=128)) is None


# Links


def test_a_decision_cannot_link_to_itself():
    decision = make_decision()

    assert (
        violated(
            lambda: DecisionLink.objects.create(source=decision, target=decision, kind="revokes")
        )
        == "decision_link_not_self"
    )


def test_a_case_cannot_link_to_itself():
    case = make_case()

    assert violated(lambda: CaseLink.objects.create(from_case=case, to_case=case)) == (
        "case_link_not_self"
    )


# Dates in order


@pytest.mark.parametrize(
    ("dates", "constraint"),
    [
        pytest.param(
            {"approved_on": dt.date(2024, 1, 23)},
            "meeting_approved_after_held",
            id="approved before held",
        ),
        pytest.param(
            {"approved_on": dt.date(2024, 1, 30), "posted_on": dt.date(2024, 1, 29)},
            "meeting_posted_after_approved",
            id="posted before approved",
        ),
        pytest.param(
            {"posted_on": dt.date(2024, 1, 30)},
            "meeting_posted_after_approved",
            id="posted before any approval",
        ),
        pytest.param(
            {
                "approved_on": dt.date(2024, 1, 30),
                "posted_on": dt.date(2024, 1, 31),
                "removed_on": dt.date(2024, 1, 30),
            },
            "meeting_removed_after_posted",
            id="removed before posted",
        ),
    ],
)
def test_a_meetings_dates_must_come_in_order(dates, constraint):
    """Held, then justerat (rule 1), then anslaget uppsatt (rule 2), then nedtaget (rule 5)."""
    organ = make_organ()

    def hold():
        Meeting.objects.create(organ=organ, held_on=dt.date(2024, 1, 24), **dates)

    assert violated(hold) == constraint


def test_a_meeting_with_its_dates_in_order_is_accepted():
    def hold():
        make_meeting(
            held_on=dt.date(2024, 1, 24),
            approved_on=dt.date(2024, 2, 5),
            posted_on=dt.date(2024, 2, 7),
            removed_on=dt.date(2024, 2, 29),
        )

    assert violated(hold) is None


def test_an_assignment_cannot_end_before_it_starts():
    person, organ = make_person(), make_organ()

    def assign():
        Assignment.objects.create(
            person=person,
            organ=organ,
            role="member",
            start_on=dt.date(2023, 1, 1),
            end_on=dt.date(2022, 12, 31),
        )

    assert violated(assign) == "assignment_dates_in_order"


# Enumerations


def _ballot(choice: str) -> Ballot:
    vote = Vote.objects.create(
        decision=make_decision(), question="Bifall?", yes_count=1, no_count=0, abstain_count=0
    )
    return Ballot.objects.create(vote=vote, person=make_person(), choice=choice)


def _decision_link(kind: str) -> DecisionLink:
    return DecisionLink.objects.create(source=make_decision(), target=make_decision(), kind=kind)


WRITES_OUTSIDE_CHOICES = {
    "case_status_valid": lambda: make_case(status="vilande"),
    "document_direction_valid": lambda: make_document(direction="intern"),
    "decision_kind_valid": lambda: make_decision(kind="beslut"),
    "ballot_choice_valid": lambda: _ballot("kanske"),
    "decision_link_kind_valid": lambda: _decision_link("ersätter"),
    "organisation_kind_valid": lambda: make_organisation(kind="stiftelse"),
}


@pytest.mark.parametrize(
    ("constraint", "write"), WRITES_OUTSIDE_CHOICES.items(), ids=WRITES_OUTSIDE_CHOICES
)
def test_a_value_outside_its_choices_is_refused(constraint, write):
    assert violated(write) == constraint


# Secrecy (rule 22)


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param({"secrecy_ground": ""}, id="legal ground"),
        pytest.param({"secrecy_marked_on": None}, id="marking date"),
        pytest.param({"secrecy_marked_by": ""}, id="marking authority"),
    ],
)
@pytest.mark.parametrize(
    ("factory", "constraint"),
    [
        (make_case, "case_secrecy_complete"),
        (make_document, "document_secrecy_complete"),
    ],
    ids=["case", "document"],
)
def test_a_secret_record_must_state_its_legal_ground_date_and_authority(
    factory, constraint, missing
):
    """Rule 22: a sekretessmarkering stores the provision, the date and the authority."""
    assert violated(lambda: factory(**(MARKED_SECRET | missing))) == constraint


def test_a_fully_marked_secret_case_is_accepted():
    assert violated(lambda: make_case(**MARKED_SECRET)) is None


# Money


def test_a_contribution_cannot_be_negative():
    """Rule 33: contributions are payments to the förbund."""
    federation = make_organisation(kind="federation")

    def pay():
        Contribution.objects.create(
            federation=federation, year=2019, payer_label="Alingsås kommun", amount=-1
        )

    assert violated(pay) == "contribution_not_negative"
