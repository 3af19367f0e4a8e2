"""Beslutsuppföljning (RULES.md 44): uppdrag given by a §, their status on any day, what
closes them, what a revocation does, and the list where people look."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions.models import DecisionLink, DecisionTask, Meeting
from decisions.tasks import rules
from decisions.tasks.rules import Report
from decisions.tasks.services import add_task, report_task
from tests.factories import SECRET, make_case, make_decision, make_meeting, make_organ

D = dt.date


# --- the pure rule ------------------------------------------------------------------------


def test_rule_44_an_uppdrag_is_open_until_a_report_closes_it():
    reports = [Report(D(2025, 3, 1), rules.IN_PROGRESS), Report(D(2025, 6, 1), rules.DONE)]
    assert rules.status_on(reports, on=D(2025, 2, 1)) == rules.OPEN
    assert rules.status_on(reports, on=D(2025, 4, 1)) == rules.IN_PROGRESS
    assert rules.status_on(reports, on=D(2025, 6, 1)) == rules.DONE


def test_rule_44_a_revoked_decision_ends_its_open_uppdrag_from_that_day():
    reports = [Report(D(2025, 3, 1), rules.IN_PROGRESS)]
    assert rules.status_on(reports, on=D(2025, 4, 30), revoked_on=D(2025, 5, 1)) == "in_progress"
    assert rules.status_on(reports, on=D(2025, 5, 1), revoked_on=D(2025, 5, 1)) == rules.ENDED
    # A report after the revocation does not bring it back.
    later = [*reports, Report(D(2025, 6, 1), rules.DONE)]
    assert rules.status_on(later, on=D(2025, 7, 1), revoked_on=D(2025, 5, 1)) == rules.ENDED


def test_rule_44_an_uppdrag_carried_out_before_the_revocation_stays_carried_out():
    reports = [Report(D(2025, 3, 1), rules.DONE)]
    assert rules.status_on(reports, on=D(2026, 1, 1), revoked_on=D(2025, 5, 1)) == rules.DONE


def test_rule_44_due_dates_overdue_and_lopande():
    assert rules.is_overdue(status=rules.OPEN, due_on=D(2025, 3, 1), on=D(2025, 3, 2))
    assert not rules.is_overdue(status=rules.OPEN, due_on=D(2025, 3, 1), on=D(2025, 3, 1))
    assert not rules.is_overdue(status=rules.DONE, due_on=D(2025, 3, 1), on=D(2025, 9, 1))
    assert not rules.is_overdue(status=rules.OPEN, due_on=None, on=D(2040, 1, 1))  # löpande


# --- the services -------------------------------------------------------------------------


@pytest.fixture
def decision(db):
    organ = make_organ(code="KF", name="Kommunfullmäktige", kind="assembly")
    return make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 2, 10)))


def test_rule_44_an_uppdrag_names_one_responsible_and_a_due_date_after_the_decision(decision):
    with pytest.raises(ValidationError, match="Ange vem som är ansvarig"):
        add_task(decision=decision, what="Utred", due_on=D(2025, 6, 1))
    with pytest.raises(ValidationError, match="Ange vem som är ansvarig"):
        add_task(decision=decision, what="Utred", responsible_unit="Socialförvaltningen",
                 responsible_organ=decision.organ)  # fmt: skip
    with pytest.raises(ValidationError, match="kan inte ligga före beslutsdagen"):
        add_task(decision=decision, what="Utred", responsible_unit="Socialförvaltningen",
                 due_on=D(2025, 1, 1))  # fmt: skip
    assert not DecisionTask.objects.exists()
    task = add_task(decision=decision, what="Utred", responsible_unit="Socialförvaltningen")
    assert task.due_on is None and task.history.count() == 1


def test_rule_44_the_database_refuses_an_uppdrag_without_exactly_one_responsible(decision):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionTask.objects.create(decision=decision, what="Utred")


def test_rule_44_an_uppdrag_is_written_before_justering(decision):
    Meeting.objects.filter(pk=decision.meeting_id).update(approved_on=D(2025, 2, 12))
    decision.refresh_from_db()
    with pytest.raises(ValidationError, match="KL 5 kap. 69 §"):
        add_task(decision=decision, what="Utred", responsible_unit="Kansliet")


def test_rule_44_what_closes_an_uppdrag_and_what_a_closed_one_refuses(decision):
    task = add_task(decision=decision, what="Utred", responsible_unit="Kansliet",
                    due_on=D(2025, 6, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="före beslutet"):
        report_task(task=task, reported_on=D(2025, 1, 1), status=rules.IN_PROGRESS)
    report_task(task=task, reported_on=D(2025, 3, 1), status=rules.IN_PROGRESS)
    report_task(task=task, reported_on=D(2025, 5, 1), status=rules.DONE, note="Klart")
    assert task.status(D(2025, 5, 2)) == rules.DONE
    with pytest.raises(ValidationError, match="redan avslutat"):
        report_task(task=task, reported_on=D(2025, 5, 3), status=rules.IN_PROGRESS)
    assert task.reports.count() == 2


def test_rule_44_revoking_the_decision_ends_its_open_uppdrag(decision):
    task = add_task(decision=decision, what="Bygg", responsible_organ=decision.organ)
    revoking = make_decision(meeting=make_meeting(organ=decision.organ, held_on=D(2025, 9, 1)))
    DecisionLink.objects.create(source=revoking, kind="revokes", target=decision)
    task = DecisionTask.objects.for_list_page().get(pk=task.pk)
    assert task.status(D(2025, 8, 31)) == rules.OPEN
    assert task.status(D(2025, 9, 1)) == rules.ENDED
    assert task.status_label(D(2025, 9, 1)) == "upphört"


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_overdue_uppdrag_first_and_only_what_the_reader_may_see(db, make_user):
    organ = make_organ(code="KS", name="Kommunstyrelsen")
    overdue = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 1, 10)))
    add_task(decision=overdue, what="Ta fram en plan för skolskjuts",
             responsible_unit="Utbildningsförvaltningen", due_on=D(2025, 3, 1))  # fmt: skip
    add_task(decision=overdue, what="Följ upp löpande", responsible_unit="Kansliet")
    secret = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 1, 11)),
                           case=make_case(title="Placering", **SECRET))  # fmt: skip
    add_task(decision=secret, what="Hemligt uppdrag om en enskild", responsible_unit="IFO")
    for meeting in Meeting.objects.all():
        Meeting.objects.filter(pk=meeting.pk).update(approved_on=meeting.held_on)
    draft = make_decision(meeting=make_meeting(organ=organ, held_on=D(2026, 11, 1)))
    add_task(decision=draft, what="Utkast till uppdrag", responsible_unit="Kansliet")

    anonymous = Client().get("/uppdrag/").content.decode()
    assert "Ta fram en plan för skolskjuts" in anonymous
    assert "försenat" in anonymous and "löpande" in anonymous
    assert anonymous.index("Ta fram en plan") < anonymous.index("Följ upp löpande")
    assert "Hemligt uppdrag" not in anonymous and "Utkast till uppdrag" not in anonymous

    registrator = Client()
    registrator.force_login(make_user("registrator"))
    page = registrator.get("/uppdrag/").content.decode()
    assert "Hemligt uppdrag" in page and "Utkast till uppdrag" in page
    only_overdue = registrator.get("/uppdrag/?visa=forsenade").content.decode()
    assert "Ta fram en plan" in only_overdue and "Följ upp löpande" not in only_overdue


def test_the_list_reads_a_fixed_number_of_queries(db):
    organ = make_organ()
    for n in range(4):
        decision = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 1, 10 + n)))
        add_task(decision=decision, what=f"Uppdrag {n}", responsible_unit="Kansliet")
    Meeting.objects.update(approved_on=D(2025, 2, 1))
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/uppdrag/").status_code == 200
    assert len(queries) <= 6, [q["sql"][:120] for q in queries]


def test_the_decision_page_shows_its_uppdrag(decision, client):
    add_task(decision=decision, what="Ta fram en plan", responsible_unit="Kansliet",
             due_on=D(2025, 3, 1))  # fmt: skip
    Meeting.objects.filter(pk=decision.meeting_id).update(approved_on=D(2025, 2, 12))
    page = " ".join(client.get(f"/beslut/{decision.pk}/").content.decode().split())
    assert "Ta fram en plan – Kansliet, klart senast 2025-03-01: öppet" in page
    assert 'href="/uppdrag/"' in page
