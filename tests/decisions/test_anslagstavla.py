"""The public digital anslagstavla: no login, posted protocols with their appeal dates
(rules 2–5), links to the protocol PDF and the tillgänglighetsredogörelse (rule 32)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.meetings import services
from decisions.meetings.services import Attendee
from tests.factories import make_organ, make_person

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2024, 2, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def organ():
    return make_organ(name="Kommunstyrelsen", code="KS", kind="executive")


@pytest.fixture
def member():
    return make_person(name="Anna Andersson")


def _posted(organ, member, *, held_on, approved_on, posted_on, kept_at="Kommunkansliet"):
    meeting = services.plan_meeting(organ=organ, held_on=held_on, place="Kommunhuset")
    services.set_attendance(meeting=meeting, attendees=[Attendee(person=member)])
    services.add_decision(meeting=meeting, title="Budget", decision_text="Budgeten antas.")
    services.approve_minutes(meeting=meeting, approved_on=approved_on, approvers=[member])
    if posted_on:
        services.post_minutes_kept_at(meeting=meeting, posted_on=posted_on, minutes_kept_at=kept_at)
    meeting.refresh_from_db()
    return meeting


@time_machine.travel(TODAY, tick=False)
def test_the_board_lists_a_posted_protocol_with_its_dates_without_login(client, organ, member):
    meeting = _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 5),
        approved_on=dt.date(2024, 2, 6),
        posted_on=dt.date(2024, 2, 7),
    )
    response = client.get(reverse("public:anslagstavla"))
    assert response.status_code == 200
    body = response.content.decode()
    row = body[body.index("<tbody>") : body.index("</tbody>")]
    # organ, meeting, justering, posted; rule 3: 2024-02-07 + 3 weeks = 2024-02-28 (a Wednesday);
    # rule 5: it may come down the day after
    for text in [
        "Kommunstyrelsen",
        "2024-02-05",
        "2024-02-06",
        "2024-02-07",
        "2024-02-28",
        "2024-02-29",
        "Kommunkansliet",
        reverse("decisions:protocol-pdf", args=[meeting.pk]),
    ]:
        assert text in row
    assert reverse("accessibility") in body


@time_machine.travel(TODAY, tick=False)
def test_unposted_future_and_removed_protocols_are_not_on_the_board(client, organ, member):
    _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 12),
        approved_on=dt.date(2024, 2, 13),
        posted_on=None,
    )
    _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 14),
        approved_on=dt.date(2024, 2, 19),
        posted_on=dt.date(2024, 2, 21),  # tomorrow
    )
    removed = _posted(
        organ,
        member,
        held_on=dt.date(2023, 12, 4),
        approved_on=dt.date(2023, 12, 5),
        posted_on=dt.date(2023, 12, 6),
    )
    services.remove_posting(meeting=removed, removed_on=dt.date(2024, 1, 10))
    response = client.get(reverse("public:anslagstavla"))
    assert response.context["postings"] == []
    assert "Inga protokoll är anslagna just nu." in response.content.decode()

    archive = client.get(reverse("public:anslagstavla-archive"))
    assert archive.status_code == 200
    assert [p.meeting.pk for p in archive.context["postings"]] == [removed.pk]
    assert "2024-01-10" in archive.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_protocol_pdf_of_a_posted_protocol_is_public_and_of_an_unposted_one_is_not(
    client, organ, member
):
    posted = _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 5),
        approved_on=dt.date(2024, 2, 6),
        posted_on=dt.date(2024, 2, 7),
    )
    unposted = _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 12),
        approved_on=dt.date(2024, 2, 13),
        posted_on=None,
    )
    response = client.get(reverse("decisions:protocol-pdf", args=[posted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    response = client.get(reverse("decisions:protocol-pdf", args=[unposted.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@time_machine.travel(TODAY, tick=False)
def test_the_board_takes_the_same_number_of_queries_for_1_and_20_protocols(client, organ, member):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("public:anslagstavla"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    _posted(
        organ,
        member,
        held_on=dt.date(2024, 1, 1),
        approved_on=dt.date(2024, 1, 2),
        posted_on=dt.date(2024, 1, 3),
    )
    one = count()
    for i in range(19):
        day = dt.date(2024, 1, 4) + dt.timedelta(days=2 * i)
        _posted(
            organ,
            member,
            held_on=day,
            approved_on=day,
            posted_on=day + dt.timedelta(days=1),
        )
    assert len(client.get(reverse("public:anslagstavla")).context["postings"]) == 20
    assert count() == one
    assert one <= 3


@time_machine.travel(TODAY, tick=False)
def test_the_board_page_has_a_table_with_column_headers_and_a_caption(client, organ, member):
    """WCAG 2.1 AA basics the test can check: lang, one h1, a captioned table with scoped
    headers, the tillgänglighetsredogörelse linked."""
    _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 5),
        approved_on=dt.date(2024, 2, 6),
        posted_on=dt.date(2024, 2, 7),
    )
    body = client.get(reverse("public:anslagstavla")).content.decode()
    assert '<html lang="sv">' in body
    assert body.count("<h1") == 1
    assert "<caption>Anslagna protokoll</caption>" in body
    assert body.count('<th scope="col">') == 8
    assert '<th scope="row">' in body
    assert 'href="/tillganglighet/"' in body


@time_machine.travel(TODAY, tick=False)
def test_the_board_table_sits_in_a_labelled_focusable_scroll_region(client, organ, member):
    """At 1280 px the eight columns fit the content column; on narrower screens the table scrolls
    inside its own region, which keyboard users can reach (tabindex) and screen readers name
    (WCAG 2.1.1, 1.4.10). A date in the PDF link is not broken at its hyphen."""
    _posted(
        organ,
        member,
        held_on=dt.date(2024, 2, 5),
        approved_on=dt.date(2024, 2, 6),
        posted_on=dt.date(2024, 2, 7),
    )
    for name in ("public:anslagstavla", "public:anslagstavla-archive"):
        body = client.get(reverse(name)).content.decode()
        start = body.index('<div class="table-scroll"')
        region = body[start : body.index("</div>", start)]
        assert 'role="region"' in region and 'tabindex="0"' in region
        assert 'aria-label="' in region
        assert "<table" in region and "</table>" in region
    body = client.get(reverse("public:anslagstavla")).content.decode()
    assert 'Kommunstyrelsen <span class="nowrap">2024-02-05</span> (PDF)</a>' in body
