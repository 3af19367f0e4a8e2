"""The förbund page and the member pages (RULES.md 33–36): status derived from the decisions
behind the events, the timeline chart with its text alternative, contributions and the
rule-33 split check, and a constant number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions.models import Appeal, Decision, DecisionLink, Meeting
from members.models import Contribution, Membership, MembershipEvent, Organisation
from members.rules import NOTICE_NOT_ALLOWED, STATUS_LEFT, STATUS_MEMBER, STATUS_NOTICE_GIVEN
from tests.factories import make_decision, make_meeting, make_organ, make_organisation

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


class _Sink:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def seeded():
    call_command("load_insjoriket", stdout=_Sink())
    return Organisation.objects.get(short_name="Insjöriket")


def _org(short_name: str) -> Organisation:
    return Organisation.objects.get(short_name=short_name)


def _state(response, short_name: str):
    return next(s for s in response.context["states"] if s.member.short_name == short_name)


def _federation(**kw) -> Organisation:
    return make_organisation(kind="federation", formed_on=dt.date(2006, 7, 1), **kw)


def _member_with_notice(
    federation: Organisation,
    *,
    notice_on: dt.date,
    revoked_on: dt.date | None = None,
    kind: str = "municipality",
    may_leave: bool = True,
) -> tuple[Membership, Decision]:
    """A member whose KF gave notice on ``notice_on`` (and revoked it on ``revoked_on``)."""
    member = make_organisation(kind=kind)
    membership = Membership.objects.create(
        federation=federation, member=member, notice_years=3, may_leave=may_leave
    )
    kf = make_organ(organisation=member, code="KF", name="Kommunfullmäktige", kind="assembly")
    notice = make_decision(meeting=make_meeting(organ=kf, held_on=notice_on), title="Utträde")
    MembershipEvent.objects.create(
        membership=membership, kind="notice", occurred_on=notice_on, decision=notice
    )
    if revoked_on is not None:
        revoking = make_decision(
            meeting=make_meeting(organ=kf, held_on=revoked_on), title="Upphävande av utträde"
        )
        DecisionLink.objects.create(source=revoking, target=notice, kind="revokes")
    Contribution.objects.create(
        federation=federation, year=2019, payer=member, payer_label=member.name, amount=1200
    )
    return membership, notice


# --- the seeds: Alingsås and Härryda (rule 36) ------------------------------------------------


def test_forbund_page_shows_alingsas_and_harryda_as_members_today(client, seeded):
    response = client.get(f"/forbund/{seeded.pk}/")

    assert response.status_code == 200
    for name in ("Alingsås", "Härryda"):
        state = _state(response, name)
        assert state.status.status == STATUS_MEMBER
        assert state.status.notice_effective_on is None
    assert len(response.context["states"]) == 8


def test_forbund_page_shows_alingsas_notice_as_revoked_and_harrydas_as_withdrawn(client, seeded):
    response = client.get(f"/forbund/{seeded.pk}/")
    html = response.content.decode()

    assert _state(response, "Alingsås").withdrawn_notice_how == "revoked"
    assert _state(response, "Härryda").withdrawn_notice_how == "withdrawn"
    assert (
        'Uppsägningen <time datetime="2021-05-26">2021-05-26</time> är upphävd; '
        'utträdet <time datetime="2024-12-31">2024-12-31</time> blev inte av.'
    ) in html
    assert (
        'Uppsägningen <time datetime="2020-06-15">2020-06-15</time> är återkallad; '
        'utträdet <time datetime="2023-12-31">2023-12-31</time> blev inte av.'
    ) in html


def test_the_timeline_keeps_the_notice_periods_that_did_not_lead_to_an_exit(client, seeded):
    response = client.get(f"/forbund/{seeded.pk}/")

    kinds = [p.kind for p in _state(response, "Härryda").periods]
    notice = _state(response, "Härryda").periods[1]
    assert kinds == ["member", "notice-ended", "member"]
    assert notice.start == dt.date(2020, 6, 15)
    assert notice.would_have_left_on == dt.date(2023, 12, 31)
    assert notice.end_is_latest  # the withdrawal's date is known only as "senast"
    assert [p.kind for p in _state(response, "Alingsås").periods] == [
        "member",
        "notice-ended",
        "member",
    ]


def test_the_timeline_is_an_svg_with_title_desc_and_a_table_alternative(client, seeded):
    html = client.get(f"/forbund/{seeded.pk}/").content.decode()

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="forbund-chart-title forbund-chart-desc"' in svg
    assert '<title id="forbund-chart-title">' in svg
    desc = re.search(r"<desc id=\"forbund-chart-desc\">(.*?)</desc>", svg, re.S).group(1)
    assert "Härryda" in desc and "uppsägningen återkallad" in desc
    assert svg.count('class="bar bar-notice-ended"') == 2
    assert "<script" not in html
    assert "Medlemskapens perioder (samma uppgifter som i diagrammet)" in html
    assert "uppsägningstid – uppsägningen upphävd (utträdet 2024-12-31 blev inte av)" in html


def test_forbund_page_reproduces_the_2019_contributions_and_their_split(client, seeded):
    # Rule 33: state ½, region ¼, municipalities ¼ of 14 400 000 kr.
    response = client.get(f"/forbund/{seeded.pk}/")
    html = response.content.decode()
    check = next(c for c in response.context["contributions"].checks if c.year == 2019)

    assert check.total == Decimal("14400000")
    assert [(g.paid, g.expected) for g in check.groups] == [
        (Decimal("7200000"), Decimal("7200000")),
        (Decimal("3600000"), Decimal("3600000")),
        (Decimal("3600000"), Decimal("3600000")),
    ]
    assert check.unit == Decimal(1200)
    assert check.ok
    assert {m.label: m.expected for m in check.municipalities}[
        "Driftbidrag från Mölndals Stad"
    ] == Decimal("1054800")
    assert f"1{NBSP}054{NBSP}800" in html
    assert f"14{NBSP}400{NBSP}000" in html


def test_forbund_page_flags_the_2018_contributions_as_not_following_the_split(client, seeded):
    response = client.get(f"/forbund/{seeded.pk}/")
    check = next(c for c in response.context["contributions"].checks if c.year == 2018)

    assert not check.ok
    assert check.groups[0].difference == Decimal("7492.50")  # 8 029 000 − 16 043 015 / 2
    assert "avviker" in response.content.decode()


def test_member_page_lists_the_events_with_the_decisions_behind_them(admin_client, seeded):
    alingsas = _org("Alingsås")
    kf_94 = Decision.objects.get(organ__organisation=alingsas, organ__code="KF", number=94)

    response = admin_client.get(f"/medlemmar/{alingsas.pk}/")
    html = response.content.decode()

    assert response.status_code == 200
    assert f'href="/beslut/{kf_94.pk}/"' in html
    assert "Alingsås KF 2021-05-26 § 94" in html
    notice_row = response.context["states"][0].events[0]
    assert notice_row.notice_effective_on == dt.date(2024, 12, 31)  # rule 34: 2021 + 3
    assert notice_row.force.status == "upphävt"
    assert "upphävt genom" in html
    assert f"658{NBSP}800" in html  # Alingsås's 2019 contribution


def test_visitors_get_no_link_to_a_decision_page_they_may_not_open(client, seeded):
    alingsas = _org("Alingsås")
    kf_94 = Decision.objects.get(organ__organisation=alingsas, organ__code="KF", number=94)
    # Known from other documents (RULES.md 45): taken, so its page is open to all.
    assert (
        f'href="/beslut/{kf_94.pk}/"' in client.get(f"/medlemmar/{alingsas.pk}/").content.decode()
    )
    # Were it an unjusterat draft, the visitor would get the reference without a link.
    Meeting.objects.filter(pk=kf_94.meeting_id).update(known_from_sources="")

    html = client.get(f"/medlemmar/{alingsas.pk}/").content.decode()

    assert "Alingsås KF 2021-05-26 § 94" in html
    assert f'href="/beslut/{kf_94.pk}/"' not in html


def test_rule_45_the_member_page_tells_the_same_story_to_visitors_and_staff(admin_client, seeded):
    """Härryda's KF withdrawal is known from Alingsås KSAU 2024-01-24 § 9: taken, not an
    unjusterat draft, and the page names the document."""
    harryda = _org("Härryda")

    anonymous = Client().get(f"/medlemmar/{harryda.pk}/").content.decode()
    staff = admin_client.get(f"/medlemmar/{harryda.pk}/").content.decode()

    for page in (anonymous, staff):
        assert "Tillbakadragande av utträde" in page
        assert "Protokollet är inte justerat." not in page
        assert "beslutet är känt ur Alingsås KSAU 2024-01-24 § 9" in page


def test_member_list_shows_every_member_with_its_status(client, seeded):
    response = client.get("/medlemmar/")

    assert response.status_code == 200
    assert len(response.context["states"]) == 8
    assert {s.status.status for s in response.context["states"]} == {STATUS_MEMBER}


def test_forbund_list_links_to_the_forbund(client, seeded):
    html = client.get("/forbund/").content.decode()

    assert f'href="/forbund/{seeded.pk}/"' in html


@pytest.mark.parametrize("url", ["/forbund/999999/", "/medlemmar/999999/"])
def test_unknown_ids_give_404(client, url):
    assert client.get(url).status_code == 404


def test_a_municipality_is_not_a_forbund_and_an_organisation_without_membership_no_member(
    client,
):
    kommun = make_organisation()

    assert client.get(f"/forbund/{kommun.pk}/").status_code == 404
    assert client.get(f"/medlemmar/{kommun.pk}/").status_code == 404


# --- rules 34–36 on the pages -----------------------------------------------------------------


def test_a_member_whose_notice_is_in_force_shows_the_exit_date(client):
    federation = _federation()
    membership, _notice = _member_with_notice(federation, notice_on=dt.date(2025, 3, 10))

    response = client.get(f"/forbund/{federation.pk}/")
    state = response.context["states"][0]
    html = response.content.decode()

    assert state.status.status == STATUS_NOTICE_GIVEN
    assert state.status.notice_effective_on == dt.date(2028, 12, 31)  # rule 34: 2025 + 3
    assert 'utträder vid utgången av <time datetime="2028-12-31">2028-12-31</time>' in html
    member_html = client.get(f"/medlemmar/{membership.member.pk}/").content.decode()
    assert 'utträder vid utgången av <time datetime="2028-12-31">2028-12-31</time>' in member_html


def test_a_member_whose_notice_took_effect_has_left(client):
    federation = _federation()
    _member_with_notice(federation, notice_on=dt.date(2020, 2, 1))

    response = client.get(f"/forbund/{federation.pk}/")
    state = response.context["states"][0]

    assert state.status.status == STATUS_LEFT
    assert state.since == dt.date(2024, 1, 1)
    assert (
        'utträdde vid utgången av <time datetime="2023-12-31">2023-12-31</time>'
        in response.content.decode()
    )
    assert [p.kind for p in state.periods] == ["member", "notice", "left"]


def test_revoking_the_notice_decision_makes_the_member_a_member_again_and_unlinking_undoes_it(
    client,
):
    # Rule 36: the status follows the decisions; remove the revoking link and the notice
    # stands again.
    federation = _federation()
    _membership, notice = _member_with_notice(
        federation, notice_on=dt.date(2025, 3, 10), revoked_on=dt.date(2026, 2, 2)
    )

    revoked = client.get(f"/forbund/{federation.pk}/").context["states"][0]
    DecisionLink.objects.filter(target=notice).delete()
    unlinked = client.get(f"/forbund/{federation.pk}/").context["states"][0]

    assert revoked.status.status == STATUS_MEMBER
    assert revoked.since == dt.date(2026, 2, 2)
    assert revoked.withdrawn_notice_how == "revoked"
    assert unlinked.status.status == STATUS_NOTICE_GIVEN


def test_a_court_annulment_of_the_notice_decision_makes_the_member_a_member_again(client):
    federation = _federation()
    _membership, notice = _member_with_notice(federation, notice_on=dt.date(2025, 3, 10))
    Appeal.objects.create(
        decision=notice,
        court="Förvaltningsrätten i Göteborg",
        court_case_number="1234-25",
        lodged_on=dt.date(2025, 4, 1),
        decided_on=dt.date(2025, 9, 1),
        outcome="annulled",
    )

    state = client.get(f"/forbund/{federation.pk}/").context["states"][0]

    assert state.status.status == STATUS_MEMBER
    assert state.since == dt.date(2025, 9, 1)
    assert state.withdrawn_notice_how == "annulled"


def test_a_notice_from_forsakringskassan_is_shown_as_not_counted(client):
    # Rule 34: FK and AF cannot leave.
    federation = _federation()
    membership, _notice = _member_with_notice(
        federation, notice_on=dt.date(2025, 3, 10), kind="agency", may_leave=False
    )

    response = client.get(f"/medlemmar/{membership.member.pk}/")
    state = response.context["states"][0]

    assert state.status.status == STATUS_MEMBER
    assert state.events[0].refused == NOTICE_NOT_ALLOWED
    assert NOTICE_NOT_ALLOWED in response.content.decode()


# --- queries ----------------------------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_forbund_page_query_count_is_the_same_for_1_and_20_members(
    client, django_assert_num_queries
):
    small = _federation(name="Litet förbund")
    large = _federation(name="Stort förbund")
    _member_with_notice(small, notice_on=dt.date(2021, 5, 26), revoked_on=dt.date(2023, 1, 1))
    for _i in range(20):
        _member_with_notice(large, notice_on=dt.date(2021, 5, 26), revoked_on=dt.date(2023, 1, 1))
    expected = _count_queries(client, f"/forbund/{small.pk}/")

    with django_assert_num_queries(expected):
        client.get(f"/forbund/{large.pk}/")
    assert expected <= 8


def test_member_list_query_count_is_the_same_for_1_and_20_members(
    client, django_assert_num_queries
):
    federation = _federation()
    _member_with_notice(federation, notice_on=dt.date(2021, 5, 26), revoked_on=dt.date(2023, 1, 1))
    expected = _count_queries(client, "/medlemmar/")
    for _i in range(19):
        _member_with_notice(
            federation, notice_on=dt.date(2021, 5, 26), revoked_on=dt.date(2023, 1, 1)
        )

    with django_assert_num_queries(expected):
        response = client.get("/medlemmar/")
    assert len(response.context["states"]) == 20
    assert expected <= 6


def test_member_page_query_count_does_not_grow_with_the_chain(client, django_assert_num_queries):
    federation = _federation()
    short, _ = _member_with_notice(federation, notice_on=dt.date(2021, 5, 26))
    long_, notice = _member_with_notice(federation, notice_on=dt.date(2021, 5, 26))
    kf = notice.organ
    previous = notice
    for day in range(1, 11):  # each decision revokes the one before: a chain of ten
        revoking = make_decision(meeting=make_meeting(organ=kf, held_on=dt.date(2023, 1, day)))
        DecisionLink.objects.create(source=revoking, target=previous, kind="revokes")
        previous = revoking
    expected = _count_queries(client, f"/medlemmar/{short.member.pk}/")

    with django_assert_num_queries(expected):
        response = client.get(f"/medlemmar/{long_.member.pk}/")
    assert response.context["states"][0].status.status == STATUS_MEMBER


def test_a_date_in_a_status_note_is_a_time_element_that_does_not_break(client, seeded):
    """A date in a status note broke at its hyphen ("2021-" / "05-26"): each date is a <time>
    element, which members.css keeps on one line."""
    from django.conf import settings

    html = client.get(f"/forbund/{seeded.pk}/").content.decode()
    assert '<time datetime="2021-05-26">2021-05-26</time>' in html
    assert 'senast <time datetime="2024-12-31">2024-12-31</time>' in html
    css = (settings.BASE_DIR / "static" / "css" / "members.css").read_text()
    assert "time { white-space: nowrap; }" in css
