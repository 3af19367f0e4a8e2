"""Reminders of uppdrag (issue 19, item 4; RULES.md 44): those responsible for uppdrag of
justerade §§ due within N days, or overdue, get one e-mail each; finished, löpande, far-off and
unjusterade uppdrag are not reminded of; the uppdrag without an address are listed; the text
of a secret ärende's uppdrag never leaves in an e-mail (rule 21)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from decisions.models import Meeting
from decisions.tasks import reminders, rules
from decisions.tasks.services import add_task, report_task
from tests.factories import SECRET, make_case, make_decision, make_meeting, make_organ, make_person

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 2)


@pytest.fixture
def world():
    organ = make_organ(code="KS", name="Kommunstyrelsen", kind="board")
    organ.email = "ks@kommun.example.se"
    organ.save()
    anna = make_person(name="Anna Andersson")
    anna.email = "anna@kommun.example.se"
    anna.save()
    nomail = make_person(name="Bertil Berg")
    meeting = make_meeting(organ=make_organ(code="KF", kind="assembly"), held_on=D(2026, 9, 1))
    decision = make_decision(meeting=meeting, title="Budget 2027")
    secret_decision = make_decision(
        meeting=meeting, title="Placering", case=make_case(title="Familjen Berg", **SECRET)
    )
    draft = make_decision(meeting=make_meeting(held_on=D(2026, 11, 30)))

    def task(what, decision=decision, **kw):
        return add_task(decision=decision, what=what, **kw)

    tasks = {
        "soon": task(
            "Ta fram en plan för lokalerna", responsible_person=anna, due_on=D(2026, 12, 10)
        ),
        "overdue": task("Utred taxan", responsible_person=anna, due_on=D(2026, 11, 1)),
        "organ": task("Återrapportera budgeten", responsible_organ=organ, due_on=D(2026, 12, 16)),
        "far": task("Utvärdera", responsible_person=anna, due_on=D(2027, 3, 1)),
        "lopande": task("Följ upp löpande", responsible_person=anna),
        "done": task("Redan klart", responsible_person=anna, due_on=D(2026, 12, 5)),
        "unit": task(
            "Socialförvaltningen utreder",
            responsible_unit="Socialförvaltningen",
            due_on=D(2026, 12, 3),
        ),  # fmt: skip
        "nomail": task("Bertil ordnar", responsible_person=nomail, due_on=D(2026, 12, 4)),
        "secret": task(
            "Ordna boende åt familjen Berg",
            decision=secret_decision,
            responsible_person=anna,
            due_on=D(2026, 12, 8),
        ),  # fmt: skip
        "draft": task(
            "Ej justerat", decision=draft, responsible_person=anna, due_on=D(2026, 12, 4)
        ),
    }
    report_task(task=tasks["done"], status=rules.DONE, reported_on=D(2026, 11, 20))
    Meeting.objects.filter(pk=meeting.pk).update(approved_on=D(2026, 9, 3))
    return tasks


def test_rule_44_due_within_counts_overdue_and_skips_lopande_and_finished():
    assert rules.is_due_within(status=rules.OPEN, due_on=D(2026, 12, 16), on=TODAY, days=14)
    assert not rules.is_due_within(status=rules.OPEN, due_on=D(2026, 12, 17), on=TODAY, days=14)
    assert rules.is_due_within(status=rules.IN_PROGRESS, due_on=D(2026, 1, 1), on=TODAY, days=0)
    assert not rules.is_due_within(status=rules.DONE, due_on=D(2026, 12, 3), on=TODAY, days=14)
    assert not rules.is_due_within(status=rules.OPEN, due_on=None, on=TODAY, days=9999)


def test_each_responsible_gets_one_mail_with_their_uppdrag_and_nothing_else(world):
    run = reminders.send_reminders(on=TODAY, days=14)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"anna@kommun.example.se", "ks@kommun.example.se"}
    anna = by_address["anna@kommun.example.se"]
    assert anna.subject == ("Påminnelse: 3 uppdrag från beslut ska vara klara senast 2026-12-10")
    assert "Utred taxan (försenat, skulle vara klart 2026-11-01)" in anna.body
    assert "Ta fram en plan för lokalerna (ska vara klart 2026-12-10)" in anna.body
    for absent in ("Utvärdera", "löpande", "Redan klart", "Ej justerat"):
        assert absent not in anna.body
    assert "KL" not in anna.subject and "Kommunallagen 6 kap. 6 §" in anna.body
    assert "/uppdrag/" in anna.body
    assert "Återrapportera budgeten" in by_address["ks@kommun.example.se"].body
    assert {t.what for t in run.without_address} == {"Socialförvaltningen utreder", "Bertil ordnar"}


def test_a_secret_arendes_uppdrag_is_named_only_by_its_number_and_ground(world):
    reminders.send_reminders(on=TODAY, days=14)

    body = next(m.body for m in mail.outbox if m.to == ["anna@kommun.example.se"])
    case = world["secret"].decision.case
    assert "Berg" not in body and "boende" not in body
    assert f"sekretessbelagt ärende {case.number} (OSL 26 kap. 1 §)" in body


def test_the_command_sends_lists_and_dry_runs(world):
    out = io.StringIO()
    call_command("send_task_reminders", "--on", "2026-12-02", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "Skulle skicka 2 påminnelser om 4 uppdrag" in out.getvalue()
    assert "2 uppdrag har ingen ansvarig med e-postadress" in out.getvalue()
    assert "Socialförvaltningen" in out.getvalue()

    call_command("send_task_reminders", "--on", "2026-12-02", "--days", "3", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["anna@kommun.example.se"]]  # only the overdue one

    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("send_task_reminders", "--on", "2/12/2026", stdout=io.StringIO())
