"""Expediering (rule 31): sending a justerad decision to each recipient creates an outgoing
handling in the decision's ärende, dated the expediering day (rule 26)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services as case_services
from cases.models import Document
from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.publishing import dispatch
from insjoriket.access import setup_roles
from tests.factories import make_case, make_organ, make_person, make_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def organ():
    return make_organ(name="Socialnämnden", code="SN", kind="committee")


@pytest.fixture
def member():
    return make_person(name="Anna Andersson")


@pytest.fixture
def case(organ):
    register = make_register(organisation=organ.organisation, code="SN")
    return make_case(register=register, number="2024.17 SN", title="Riktlinjer")


@pytest.fixture
def meeting(organ, member):
    meeting = services.plan_meeting(organ=organ, held_on=dt.date(2024, 3, 6))
    services.set_attendance(meeting=meeting, attendees=[Attendee(person=member)])
    return meeting


@pytest.fixture
def decision(meeting, case):
    return services.add_decision(
        meeting=meeting,
        title="Riktlinjer för hemtjänst",
        case=case,
        decision_text="Riktlinjerna antas.",
        sent_to="Förvaltningen\nRevisionen",
    )


def _approve(meeting, member, on=dt.date(2024, 3, 8)):
    services.approve_minutes(meeting=meeting, approved_on=on, approvers=[member])


def test_each_recipient_gets_an_outgoing_handling_dated_the_expediering_day(
    decision, meeting, member, case
):
    _approve(meeting, member)
    docs = dispatch.dispatch_decision(
        decision=decision, recipients=["Förvaltningen", "Revisionen"], sent_on=dt.date(2024, 3, 11)
    )
    assert [(d.counterpart, d.direction, d.date, d.serial) for d in docs] == [
        ("Förvaltningen", Document.Direction.OUTGOING, dt.date(2024, 3, 11), 1),
        ("Revisionen", Document.Direction.OUTGOING, dt.date(2024, 3, 11), 2),
    ]
    assert all(d.case_id == case.pk for d in docs)
    assert docs[0].description == (
        "Expediering av protokollsutdrag SN 2024-03-06 § 1: Riktlinjer för hemtjänst"
    )
    assert dispatch.dispatches_of(decision) == docs


def test_an_unjusterad_paragraph_cannot_be_dispatched(decision):
    with pytest.raises(ValidationError, match="inte justerad"):
        dispatch.dispatch_decision(
            decision=decision, recipients=["Förvaltningen"], sent_on=dt.date(2024, 3, 11)
        )
    assert not Document.objects.exists()


def test_an_omedelbart_justerad_paragraph_can_be_dispatched_from_the_meeting_day(decision):
    """Rule 7: a § justerad omedelbart is justerad on the meeting day."""
    services.approve_immediately(decision=decision)
    with pytest.raises(ValidationError, match="före justeringsdatumet 2024-03-06"):
        dispatch.dispatch_decision(
            decision=decision, recipients=["Förvaltningen"], sent_on=dt.date(2024, 3, 5)
        )
    docs = dispatch.dispatch_decision(
        decision=decision, recipients=["Förvaltningen"], sent_on=dt.date(2024, 3, 6)
    )
    assert len(docs) == 1


def test_a_date_before_the_justering_is_refused(decision, meeting, member):
    _approve(meeting, member)
    with pytest.raises(ValidationError) as error:
        dispatch.dispatch_decision(
            decision=decision, recipients=["Förvaltningen"], sent_on=dt.date(2024, 3, 7)
        )
    assert "sent_on" in error.value.error_dict
    assert not Document.objects.exists()


def test_a_paragraph_without_an_arende_cannot_be_dispatched(meeting, member):
    anmalan = services.add_decision(meeting=meeting, title="Anmälan", kind="notification")
    _approve(meeting, member)
    with pytest.raises(ValidationError, match="hör inte till något ärende"):
        dispatch.dispatch_decision(
            decision=anmalan, recipients=["Förvaltningen"], sent_on=dt.date(2024, 3, 11)
        )


def test_sending_to_the_same_recipient_twice_is_refused_and_nothing_is_half_saved(
    decision, meeting, member
):
    _approve(meeting, member)
    dispatch.dispatch_decision(
        decision=decision, recipients=["Revisionen"], sent_on=dt.date(2024, 3, 11)
    )
    with pytest.raises(ValidationError, match="redan expedierad till revisionen"):
        dispatch.dispatch_decision(
            decision=decision,
            recipients=["Förvaltningen", "revisionen"],
            sent_on=dt.date(2024, 3, 12),
        )
    assert Document.objects.count() == 1


def test_a_closed_arende_refuses_the_handling_and_nothing_is_saved(decision, meeting, member, case):
    _approve(meeting, member)
    case_services.close_case(case=case, closed_on=dt.date(2024, 3, 9))
    with pytest.raises(ValidationError, match="avslutat ärende"):
        dispatch.dispatch_decision(
            decision=decision, recipients=["A", "B"], sent_on=dt.date(2024, 3, 11)
        )
    assert not Document.objects.exists()


def test_recipients_are_trimmed_and_deduplicated(decision, meeting, member):
    _approve(meeting, member)
    docs = dispatch.dispatch_decision(
        decision=decision,
        recipients=["  Förvaltningen ", "", "Förvaltningen"],
        sent_on=dt.date(2024, 3, 11),
    )
    assert [d.counterpart for d in docs] == ["Förvaltningen"]


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def secretary(client):
    setup_roles()
    user = get_user_model().objects.create_user(username="sekr", password="x-lösenord-123")
    user.groups.add(Group.objects.get(name="sekreterare"))
    client.force_login(user)
    return client


def test_the_paragraph_page_records_the_expediering_and_lists_it(
    secretary, decision, meeting, member, case
):
    _approve(meeting, member)
    page = secretary.get(reverse("secretary:decision-detail", args=[decision.pk]))
    assert page.context["dispatch_form"].initial["recipients"] == "Förvaltningen\nRevisionen"
    response = secretary.post(
        reverse("secretary:decision-dispatch", args=[decision.pk]),
        {"recipients": "Förvaltningen\nRevisionen", "sent_on": "2024-03-11"},
        follow=True,
    )
    assert response.status_code == 200
    assert case.documents.filter(direction="outgoing").count() == 2
    body = response.content.decode()
    assert "2024.17 SN:1" in body and "2024.17 SN:2" in body


def test_the_page_shows_a_refused_expediering_with_the_form_kept(
    secretary, decision, meeting, member
):
    response = secretary.post(
        reverse("secretary:decision-dispatch", args=[decision.pk]),
        {"recipients": "Förvaltningen", "sent_on": "2024-03-11"},
    )
    assert response.status_code == 400
    assert "inte justerad och kan inte expedieras" in response.content.decode()
    assert not Document.objects.exists()
    _approve(meeting, member)
    response = secretary.post(
        reverse("secretary:decision-dispatch", args=[decision.pk]),
        {"recipients": "  \n ", "sent_on": "11/3"},
    )
    assert response.status_code == 400
    assert set(response.context["dispatch_form"].errors) == {"recipients", "sent_on"}
