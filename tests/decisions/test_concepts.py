"""Each concept has a row form and a queryset form (STYLE.md, "One concept, one home"); these
tests run both on the same rows and compare, so the two cannot drift: "the protocol is on the
anslagstavla on a date" (``Meeting.status`` / ``MeetingQuerySet.with_status``, KL 8 kap. 12 §),
"the § is justerad" (``Decision.is_justerad`` / ``DecisionQuerySet.justerade``, and the word
search's raw SQL form of it), and "this person serves at the meeting" (``Attendance.is_serving``
/ ``AttendanceQuerySet.serving``)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from decisions.meetings import services
from decisions.models import Attendance, Decision, Meeting
from decisions.search import draft_meetings_sql
from tests.factories import make_decision, make_meeting, make_organ, make_person

pytestmark = pytest.mark.django_db

D = dt.date


def _meeting(organ, *, held_on, approved_on=None, unknown=False, posted_on=None, removed_on=None):
    """A meeting with one § in the given state: the § is added first (rule 9 refuses §§ in a
    justerat protocol), then the justering and anslag dates are set."""
    meeting = make_meeting(organ=organ, held_on=held_on)
    make_decision(meeting=meeting, **({} if held_on else {"number": None}))
    Meeting.objects.filter(pk=meeting.pk).update(
        approved_on=approved_on, approved_date_unknown=unknown
    )
    Meeting.objects.filter(pk=meeting.pk).update(posted_on=posted_on, removed_on=removed_on)
    return Meeting.objects.get(pk=meeting.pk)


@pytest.fixture
def meetings():
    organ = make_organ()
    return [
        _meeting(organ, held_on=D(2024, 3, 20)),  # planned (after the dates below)
        _meeting(organ, held_on=D(2024, 2, 1)),  # held, not justerat
        _meeting(organ, held_on=D(2024, 2, 1), approved_on=D(2024, 2, 5)),  # justerat
        _meeting(organ, held_on=D(2024, 2, 1), unknown=True),  # justerat, datum okänt
        _meeting(  # posted in the future of some dates
            organ, held_on=D(2024, 2, 1), approved_on=D(2024, 2, 5), posted_on=D(2024, 3, 1)
        ),
        _meeting(  # on the board
            organ, held_on=D(2024, 1, 10), approved_on=D(2024, 1, 12), posted_on=D(2024, 1, 12)
        ),
        _meeting(  # taken down
            organ,
            held_on=D(2023, 11, 1),
            approved_on=D(2023, 11, 3),
            posted_on=D(2023, 11, 3),
            removed_on=D(2023, 12, 1),
        ),
        _meeting(  # taken down on a day some dates are before
            organ,
            held_on=D(2024, 1, 1),
            approved_on=D(2024, 1, 2),
            posted_on=D(2024, 1, 3),
            removed_on=D(2024, 2, 28),
        ),
        _meeting(organ, held_on=None),  # date unknown
    ]


DATES = [D(2023, 12, 1), D(2024, 1, 12), D(2024, 2, 27), D(2024, 2, 28), D(2024, 3, 1)]


@pytest.mark.parametrize("on", DATES)
def test_a_meetings_status_and_the_query_for_that_status_agree_on_every_date(meetings, on):
    ids = [m.pk for m in meetings]
    for status in Meeting.Status:
        by_query = set(
            Meeting.objects.filter(pk__in=ids).with_status(status, on).values_list("pk", flat=True)
        )
        by_row = {m.pk for m in meetings if m.status(on) == status}
        assert by_query == by_row, status
    # Every meeting has exactly one status.
    assert sorted(m.status(on) for m in meetings) == sorted(
        status
        for status in Meeting.Status
        for _ in Meeting.objects.filter(pk__in=ids).with_status(status, on)
    )


@pytest.mark.parametrize("on", DATES)
def test_the_board_shows_exactly_the_meetings_whose_status_is_anslaget(meetings, on):
    ids = [m.pk for m in meetings]
    on_board = set(Meeting.objects.filter(pk__in=ids).on_board(on).values_list("pk", flat=True))
    assert on_board == {m.pk for m in meetings if m.is_on_board(on)}
    assert on_board == {m.pk for m in meetings if m.status(on) == Meeting.Status.ON_BOARD}


def test_a_meeting_taken_down_is_nedtaget_not_justerat(meetings):
    taken_down = meetings[6]
    assert taken_down.status(D(2024, 1, 12)) == Meeting.Status.TAKEN_DOWN
    assert taken_down.status(D(2023, 11, 30)) == Meeting.Status.ON_BOARD


def test_rule_39_a_posting_dated_in_the_future_is_anslas_not_on_the_board_until_that_day(
    meetings,
):
    future = meetings[4]
    assert future.status(D(2024, 2, 29)) == Meeting.Status.SCHEDULED
    assert future.status_text(D(2024, 2, 29)) == "Anslås 2024-03-01"
    assert future.status(D(2024, 3, 1)) == Meeting.Status.ON_BOARD
    assert future.status_text(D(2024, 3, 1)) == "Anslaget"


def test_the_search_sql_the_queryset_and_the_row_agree_on_which_paragraphs_visitors_see(
    meetings,
):
    """Rule 45 too: a § known from other documents is taken, like a justerad one."""
    organ = meetings[0].organ
    oj = make_decision(meeting=meetings[1], approved_immediately=True)  # omedelbart justerad
    known = make_decision(
        meeting=make_meeting(
            organ=organ, held_on=None, year=2024, known_from_sources="KS 2024-01-24 § 9"
        )
    )
    ids = list(Decision.objects.filter(organ=organ).values_list("pk", flat=True))
    assert oj.pk in ids and known.pk in ids
    by_query = set(Decision.objects.filter(pk__in=ids).taken().values_list("pk", flat=True))
    by_row = {d.pk for d in Decision.objects.filter(pk__in=ids) if d.is_taken}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM decisions_decision p WHERE p.id = ANY(%s) AND "  # noqa: S608
            f"(p.approved_immediately OR p.meeting_id NOT IN ({draft_meetings_sql()}))",
            [ids],
        )
        by_sql = {row[0] for row in cursor.fetchall()}
    assert by_query == by_row == by_sql
    assert oj.pk in by_query and known.pk in by_query
    assert not known.is_justerad  # taken, but not justerad: no extract, no lock
    assert 0 < len(by_query) < len(ids)  # both kinds are among the rows


def test_serving_is_the_same_for_the_row_and_the_query():
    meeting = make_meeting()
    roles = [role for role, _label in Attendance.Role.choices]
    for role in roles:
        Attendance.objects.create(meeting=meeting, person=make_person(), role=role)
    by_query = set(meeting.attendances.serving().values_list("role", flat=True))
    by_row = {a.role for a in meeting.attendances.all() if a.is_serving}
    assert by_query == by_row == {"member", "serving_substitute"}


def test_an_anslag_cannot_be_taken_down_in_advance(time_machine):
    time_machine.move_to(dt.datetime(2024, 3, 20, 12, 0))
    organ = make_organ()
    meeting = _meeting(
        organ, held_on=D(2024, 2, 1), approved_on=D(2024, 2, 2), posted_on=D(2024, 2, 2)
    )
    with pytest.raises(ValidationError) as refused:
        services.remove_posting(meeting=meeting, removed_on=D(2024, 3, 21))
    assert services.REMOVAL_IN_FUTURE.format(today="2024-03-20") in str(refused.value)
    services.remove_posting(meeting=meeting, removed_on=D(2024, 3, 20))
    meeting.refresh_from_db()
    assert meeting.removed_on == D(2024, 3, 20)
