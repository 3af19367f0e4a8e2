"""No race between justering and närvaro (issue 13, item 4; rules 9 and 37): justering,
omedelbar justering and changes to närvaro lock the meeting row and check their rules again
under the lock, so concurrent connections see one order. Driven from real, separate database
connections (threads), on committed data."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import Meeting
from tests.factories import make_organ, make_person

pytestmark = pytest.mark.django_db(transaction=True)

HELD_ON = dt.date(2024, 3, 4)
HOLD = 0.6  # seconds the first transaction keeps the meeting locked


@pytest.fixture
def setting():
    organ = make_organ(name="Kommunfullmäktige", code="KF", kind="assembly")
    people = [make_person(name=f"Ledamot {i}") for i in range(1, 5)]
    meeting = services.plan_meeting(organ=organ, held_on=HELD_ON, place="Rådhuset")
    services.set_attendance(meeting=meeting, attendees=[Attendee(person=p) for p in people])
    services.add_decision(
        meeting=meeting, title="Utträde", decision_text="Beslutet fattas.", procedure="Bifall"
    )
    return meeting, people


def _in_thread(work, outcome: dict, key: str):
    def run():
        try:
            outcome[key] = work()
        except ValidationError as exc:
            outcome[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _hold(action, locked: threading.Event):
    """Run ``action`` in a transaction and keep it open (the meeting row locked) for HOLD s."""

    def work():
        with transaction.atomic():
            result = action()
            locked.set()
            time.sleep(HOLD)
        return result

    return work


def test_a_justerare_removed_from_the_narvaro_in_a_concurrent_transaction_cannot_justera(
    setting,
):
    """Rule 37: the justerare serve at the meeting. The närvaro change commits first; the
    justering waits for the lock and is then refused, not committed with a justerare who no
    longer attended."""
    meeting, people = setting
    justerare = people[3]
    locked, outcome = threading.Event(), {}
    first = _in_thread(
        _hold(
            lambda: services.set_attendance(
                meeting=meeting, attendees=[Attendee(person=p) for p in people[:3]]
            ),
            locked,
        ),
        outcome,
        "attendance",
    )
    assert locked.wait(10)
    started = time.monotonic()
    second = _in_thread(
        lambda: services.approve_minutes(
            meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=[people[0], justerare]
        ),
        outcome,
        "approve",
    )
    first.join()
    second.join()
    waited = time.monotonic() - started

    assert outcome["attendance"] is None
    assert isinstance(outcome["approve"], ValidationError)
    assert "approvers" in outcome["approve"].message_dict
    assert waited >= HOLD * 0.8, f"the justering did not wait for the lock ({waited:.2f} s)"
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.approved_on is None
    assert not meeting.attendances.filter(person=justerare).exists()


def test_narvaro_cannot_change_after_a_concurrent_justering_commits(setting):
    """Rule 9: the justering commits first; the närvaro change waits and is then refused."""
    meeting, people = setting
    locked, outcome = threading.Event(), {}
    first = _in_thread(
        _hold(
            lambda: services.approve_minutes(
                meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=people[:2]
            ),
            locked,
        ),
        outcome,
        "approve",
    )
    assert locked.wait(10)
    second = _in_thread(
        lambda: services.set_attendance(
            meeting=meeting, attendees=[Attendee(person=p) for p in people[:1]]
        ),
        outcome,
        "attendance",
    )
    first.join()
    second.join()

    assert outcome["approve"] == []
    assert isinstance(outcome["attendance"], ValidationError)
    assert Meeting.objects.get(pk=meeting.pk).attendances.count() == 4


@pytest.mark.parametrize("round_", range(5))
def test_racing_justering_and_narvaro_end_in_one_consistent_order(setting, round_):
    """Both started at the same instant, five rounds: whichever wins, the result is one of the
    two orders: justerat with the justerare present, or the justerare removed and not justerat.
    Never justerat with a justerare who is not in the närvaro."""
    meeting, people = setting
    justerare = people[3]
    start, outcome = threading.Barrier(2), {}

    def remove():
        start.wait()
        services.set_attendance(meeting=meeting, attendees=[Attendee(person=p) for p in people[:3]])

    def approve():
        start.wait()
        return services.approve_minutes(
            meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=[people[0], justerare]
        )

    threads = [_in_thread(remove, outcome, "attendance"), _in_thread(approve, outcome, "approve")]
    for t in threads:
        t.join()

    meeting = Meeting.objects.get(pk=meeting.pk)
    present = meeting.attendances.filter(person=justerare).exists()
    if meeting.approved_on:
        assert present and isinstance(outcome["attendance"], ValidationError)
        assert set(meeting.approvers.all()) == {people[0], justerare}
    else:
        assert not present and isinstance(outcome["approve"], ValidationError)
