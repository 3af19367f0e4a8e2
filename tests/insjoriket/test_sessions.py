"""Sessions end after 30 minutes without a request (idle) and 10 hours after login however
active they are (absolute), so a forgotten browser in a town hall does not stay logged in."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "rätt-lösenord-123"
START = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="sekr", password=PASSWORD, is_staff=True, is_superuser=True
    )


def logged_in(client) -> bool:
    """The admin index answers 200 to a logged-in staff user, a redirect to anyone else."""
    return client.get(reverse("admin:index")).status_code == 200


def log_in(client):
    response = client.post(
        reverse("login"), {"username": "sekr", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


def test_the_settings_say_thirty_minutes_idle_and_ten_hours_in_all():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 10 * 60 * 60


def test_each_request_moves_the_idle_expiry_on(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        for _ in range(4):  # 4 × 29 minutes: nearly two hours, never 30 minutes idle
            clock.shift(dt.timedelta(minutes=29))
            assert logged_in(client)


def test_the_session_is_written_at_most_once_a_minute(client, staff):
    """Page views within a minute do not write the session (no UPDATE per request); the first
    one after a minute does, and that moves the idle expiry on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes():
        with CaptureQueriesContext(connection) as captured:
            assert logged_in(client)
        return [
            q for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session')
        ]

    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        session_writes()
        clock.shift(dt.timedelta(seconds=30))
        assert session_writes() == []
        clock.shift(dt.timedelta(seconds=31))
        assert len(session_writes()) == 1
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert logged_in(client)  # 29:59 after the last write, not after login


def test_thirty_minutes_without_a_request_log_the_user_out(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        assert logged_in(client)
        clock.shift(dt.timedelta(minutes=31))

        response = client.get(reverse("admin:index"))

        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_an_active_session_ends_ten_hours_after_login(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        for _ in range(29):  # a request every 20 minutes for 9 h 40 min
            clock.shift(dt.timedelta(minutes=20))
            assert logged_in(client)
        clock.shift(dt.timedelta(minutes=19))
        assert logged_in(client)  # 9 h 59 min
        clock.shift(dt.timedelta(minutes=2))

        response = client.get(reverse("home"))

        assert not response.wsgi_request.user.is_authenticated
        assert "Du har loggats ut eftersom sessionen var äldre än 10 timmar." in (
            response.content.decode()
        )
        assert not logged_in(client)


def test_logging_in_again_starts_a_new_ten_hours(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(dt.timedelta(hours=10, minutes=1))
        client.get(reverse("home"))
        log_in(client)
        clock.shift(dt.timedelta(minutes=10))
        assert logged_in(client)


def test_a_session_without_a_login_time_gets_one_on_its_first_request(client, staff):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(staff)
        session = client.session
        session.pop("insjoriket_login_time", None)
        session.save()
        assert logged_in(client)  # the clock starts here
        answers = []
        for _ in range(31):  # a request every 20 minutes: 10 h 20 min
            clock.shift(dt.timedelta(minutes=20))
            answers.append(logged_in(client))

        assert answers == [True] * 30 + [False]
