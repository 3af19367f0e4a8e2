"""The yearly report on beslutsuppföljning per organ (RULES.md 44, issue 19 item 3): counts per
status at the year's end and the age of what is still to do, as a page with a chart and its
numbers as tables, and in the API — each reader counting only the uppdrag they may see."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from decisions.models import DecisionLink, DecisionTask, Meeting
from decisions.tasks import report, rules
from decisions.tasks.services import add_task, report_task
from tests.decisions.test_pdfa import pdfa_2b_problems
from tests.factories import SECRET, make_case, make_decision, make_meeting, make_organ

D = dt.date
TODAY = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def world(db):
    """An organ whose 2025 decisions gave four uppdrag: one done, one overdue, one ended by a
    revocation, one secret; and one uppdrag of 2024."""
    organ = make_organ(code="KS", name="Kommunstyrelsen")
    early = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 2, 10)))
    late = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 11, 20)))
    secret = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 6, 1)),
                           case=make_case(title="Placering", **SECRET))  # fmt: skip
    older = make_decision(meeting=make_meeting(organ=organ, held_on=D(2024, 5, 5)))
    done = add_task(decision=early, what="Ta fram en plan", responsible_unit="Kansliet",
                    due_on=D(2025, 6, 1))  # fmt: skip
    overdue = add_task(decision=early, what="Utred skolskjutsen", responsible_unit="Skolan",
                       due_on=D(2025, 9, 1))  # fmt: skip
    ended = add_task(decision=late, what="Bygg en bro", responsible_organ=organ)
    add_task(decision=secret, what="Hemligt uppdrag", responsible_unit="IFO", due_on=D(2025, 7, 1))
    add_task(decision=older, what="Gammalt uppdrag", responsible_unit="Kansliet")
    for meeting in Meeting.objects.all():
        Meeting.objects.filter(pk=meeting.pk).update(approved_on=meeting.held_on)
    report_task(task=done, reported_on=D(2025, 5, 20), status=rules.DONE)
    report_task(task=overdue, reported_on=D(2025, 4, 1), status=rules.IN_PROGRESS)
    revoking = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 12, 15)))
    Meeting.objects.filter(pk=revoking.meeting_id).update(approved_on=D(2025, 12, 15))
    DecisionLink.objects.create(source=revoking, kind="revokes", target=late)
    return {"organ": organ, "tasks": {"done": done, "overdue": overdue, "ended": ended}}


def _counts(result) -> dict:
    return {c.key: c.count for c in result.by_status if c.count}


def test_rule_44_the_report_counts_each_status_at_the_years_end(world):
    tasks = DecisionTask.objects.for_list_page().filter(decision__organ=world["organ"])
    result = report.year_report(list(tasks), year=2025, today=D(2026, 3, 1))
    assert result.on == D(2025, 12, 31)
    assert _counts(result) == {rules.DONE: 1, rules.IN_PROGRESS: 1, rules.ENDED: 1, rules.OPEN: 1}
    assert result.total == 4 and result.overdue == 2  # the skolskjuts and the secret one
    # Age of what is still to do, from the decision's day to 31 December.
    assert {c.key: c.count for c in result.by_age} == {"0": 0, "91": 2, "366": 0}
    # In the current year the report reads today's status.
    current = report.year_report(list(tasks), year=2026, today=D(2026, 3, 1))
    assert current.on == D(2026, 3, 1) and current.total == 0


def test_the_bars_are_as_long_as_their_counts(world):
    tasks = DecisionTask.objects.for_list_page().filter(decision__organ=world["organ"])
    result = report.year_report(list(tasks), year=2025, today=D(2026, 3, 1))
    widths = {c.key: c.width for c in result.by_status}
    assert widths[rules.DONE] == report.CHART_WIDTH and widths[rules.REPORTED] == 0


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_the_chart_with_its_numbers_and_only_what_the_reader_may_see(
    world, make_user
):
    url = f"/uppdrag/rapport/?organ={world['organ'].pk}&year=2025"
    anonymous = Client().get(url)
    assert anonymous.status_code == 200
    page = " ".join(anonymous.content.decode().split())
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in page
    assert "3 uppdrag; status den 2025-12-31." in page and "Hemligt uppdrag" not in page
    desc = re.search(r'<desc id="chart-desc">(.*?)</desc>', page).group(1)
    assert "öppet: 0." in desc and "genomfört: 1." in desc and "upphört: 1." in desc
    registrator = Client()
    registrator.force_login(make_user("registrator"))
    page = " ".join(registrator.get(url).content.decode().split())
    assert "4 uppdrag; status den 2025-12-31." in page and "Hemligt uppdrag" in page
    assert "öppet: 1." in re.search(r'<desc id="chart-desc">(.*?)</desc>', page).group(1)


@time_machine.travel(TODAY, tick=False)
def test_bad_choices_get_a_swedish_message_and_400(world):
    client = Client()
    for query, message in [
        ("organ=999999&year=2025", "Välj ett organ i listan."),
        (f"organ={world['organ'].pk}&year=tjugo", "Ange året med siffror"),
        (f"organ={world['organ'].pk}&year=2031", "Ange ett år mellan 1990 och 2026."),
    ]:
        response = client.get(f"/uppdrag/rapport/?{query}")
        assert response.status_code == 400 and message in response.content.decode(), query
    assert (
        'value="tjugo"'
        in client.get(f"/uppdrag/rapport/?organ={world['organ'].pk}&year=tjugo").content.decode()
    )


@time_machine.travel(TODAY, tick=False)
def test_the_page_reads_a_fixed_number_of_queries(world):
    with CaptureQueriesContext(connection) as queries:
        assert (
            Client().get(f"/uppdrag/rapport/?organ={world['organ'].pk}&year=2025").status_code
            == 200
        )
    assert len(queries) <= 5, [q["sql"][:120] for q in queries]


@time_machine.travel(TODAY, tick=False)
def test_the_api_reads_the_same_counts_and_hides_the_same(world, make_user):
    anonymous = Client().get(f"/api/v1/tasks/report/?organ={world['organ'].pk}&year=2025").json()
    counts = {c["key"]: c["count"] for c in anonymous["by_status"]}
    assert anonymous["total"] == 3 and counts[rules.OPEN] == 0
    assert "Hemligt uppdrag" not in str(anonymous)
    listing = Client().get(f"/api/v1/tasks/?organ={world['organ'].pk}").json()
    assert listing["count"] == 4  # 2024's too, not the secret one
    registrator = Client()
    registrator.force_login(make_user("registrator"))
    full = registrator.get(f"/api/v1/tasks/report/?organ={world['organ'].pk}&year=2025").json()
    assert full["total"] == 4
    bad = Client().get(f"/api/v1/tasks/report/?organ={world['organ'].pk}&year=tjugo")
    assert bad.status_code == 400 and "Ogiltigt år" in bad.json()["error"]


@time_machine.travel(TODAY, tick=False)
def test_side_channel_an_organ_with_only_secret_uppdrag_answers_as_one_with_none(db, make_user):
    """The report's organ list and the API's counts say nothing of uppdrag the reader can't
    see: an organ with only secret ones answers as one with none."""
    organ = make_organ(code="SN", name="Socialnämnden")
    secret = make_decision(meeting=make_meeting(organ=organ, held_on=D(2025, 6, 1)),
                           case=make_case(title="Placering", **SECRET))  # fmt: skip
    add_task(decision=secret, what="Hemligt uppdrag", responsible_unit="IFO")
    Meeting.objects.update(approved_on=D(2025, 6, 2))
    nobody = make_organ(code="XX", name="Organ utan uppdrag")
    for o in (organ, nobody):
        answer = Client().get(f"/api/v1/tasks/report/?organ={o.pk}&year=2025").json()
        assert answer["total"] == 0 and answer["tasks"] == []
        page = Client().get(f"/uppdrag/rapport/?organ={o.pk}&year=2025")
        assert page.status_code == 400 and "Välj ett organ i listan." in page.content.decode()
    assert "Socialnämnden" not in Client().get("/uppdrag/rapport/").content.decode()
    registrator = Client()
    registrator.force_login(make_user("registrator"))
    assert "Socialnämnden" in registrator.get("/uppdrag/rapport/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_report_as_pdfa_holds_the_chart_and_what_the_reader_may_see(world, make_user):
    """The revisorer's file (issue 19 item 3): PDF/A-2b, tagged, the chart drawn as vectors
    (its labels are text in the PDF) and the same counts and masking as the page."""
    url = f"/uppdrag/rapport.pdf?organ={world['organ'].pk}&year=2025"
    anonymous = Client().get(url)
    assert anonymous.status_code == 200 and anonymous["Content-Type"] == "application/pdf"
    assert "uppfoljning-uppdrag-ks-2025.pdf" in anonymous["Content-Disposition"]
    assert pdfa_2b_problems(anonymous.content) == []
    text = " ".join(_pdf_text(anonymous.content).split())
    assert "3 uppdrag, varav 1 försenade." in text
    assert "Uppdrag per status" in text and "genomfört" in text
    assert "Hemligt uppdrag" not in text
    registrator = Client()
    registrator.force_login(make_user("registrator"))
    full = " ".join(_pdf_text(registrator.get(url).content).split())
    assert "4 uppdrag, varav 2 försenade." in full and "Hemligt uppdrag" in full
    # Without a valid organ and year: the page with its message, not a PDF.
    bad = Client().get("/uppdrag/rapport.pdf?organ=999999&year=2025")
    assert bad.status_code == 400 and "Välj ett organ i listan." in bad.content.decode()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
