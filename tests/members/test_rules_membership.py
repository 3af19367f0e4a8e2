"""A member's notice, status and timeline (RULES.md 34–36), without the database."""

import datetime as dt

import pytest

from decisions.chains.rules import REVOKES, DecisionNode, Link, in_force
from members import rules
from members.rules import (
    JOINED,
    LEFT,
    NOTICE,
    NOTICE_WITHDRAWN,
    Event,
    Period,
    membership_status,
    membership_timeline,
    notice_effective_on,
)

D = dt.date

# Härryda: KF 2020-06-15 § 128 gives notice; KF later withdraws it.
HARRYDA_NOTICE = Event(NOTICE, D(2020, 6, 15), decision_id=128, label="KF § 128")
# Alingsås: KF 2021-05-26 § 94 gives notice.
ALINGSAS_NOTICE = Event(NOTICE, D(2021, 5, 26), decision_id=94, label="KF § 94")


def status(events, on, **kwargs):
    return membership_status(events=events, on=on, **kwargs)


# --- rule 34: the notice period ---------------------------------------------------------------


@pytest.mark.parametrize(
    "notice_on, notice_years, effective_on",
    [
        pytest.param(D(2020, 6, 15), 3, D(2023, 12, 31), id="harryda-2020"),
        pytest.param(D(2021, 5, 26), 3, D(2024, 12, 31), id="alingsas-2021"),
        pytest.param(D(2021, 1, 1), 3, D(2024, 12, 31), id="first-day-of-year"),
        pytest.param(D(2021, 12, 31), 3, D(2024, 12, 31), id="last-day-of-year"),
        pytest.param(D(2020, 6, 15), 1, D(2021, 12, 31), id="shorter-notice-in-forbundsordning"),
    ],
)
def test_notice_takes_effect_at_the_end_of_the_notice_year_plus_the_notice_years(
    notice_on, notice_years, effective_on
):
    assert notice_effective_on(notice_on=notice_on, notice_years=notice_years) == effective_on


# --- rule 36: status on a date ----------------------------------------------------------------


def test_a_member_without_events_is_a_member():
    result = status([], D(2024, 1, 1))

    assert result.status == rules.STATUS_MEMBER
    assert result.since is None


def test_before_joining_an_organisation_is_not_a_member():
    events = [Event(JOINED, D(2010, 1, 1))]

    assert status(events, D(2009, 12, 31)).status == rules.STATUS_NOT_MEMBER
    assert status(events, D(2010, 1, 1)).status == rules.STATUS_MEMBER
    assert status(events, D(2010, 1, 1)).since == D(2010, 1, 1)


def test_a_member_is_a_member_until_the_notice_decision():
    assert status([HARRYDA_NOTICE], D(2020, 6, 14)).status == rules.STATUS_MEMBER


@pytest.mark.parametrize(
    "on",
    [
        pytest.param(D(2020, 6, 15), id="notice-day"),
        pytest.param(D(2022, 1, 1), id="during-notice"),
        pytest.param(D(2023, 12, 31), id="effective-day"),
    ],
)
def test_between_notice_and_its_effective_date_the_status_is_notice_given(on):
    result = status([HARRYDA_NOTICE], on)

    assert result.status == rules.STATUS_NOTICE_GIVEN
    assert result.since == D(2020, 6, 15)
    assert result.notice_effective_on == D(2023, 12, 31)
    assert result.events == (HARRYDA_NOTICE,)


def test_after_the_effective_date_the_member_has_left():
    result = status([HARRYDA_NOTICE], D(2024, 1, 1))

    assert result.status == rules.STATUS_LEFT
    assert result.since == D(2024, 1, 1)
    assert result.notice_effective_on == D(2023, 12, 31)


def test_a_withdrawn_notice_makes_a_member_again_from_the_withdrawal_and_keeps_the_notice():
    withdrawal = Event(NOTICE_WITHDRAWN, D(2023, 1, 30), decision_id=12)
    events = [withdrawal, HARRYDA_NOTICE]

    during = status(events, D(2023, 1, 29))
    after = status(events, D(2023, 1, 30))
    much_later = status(events, D(2025, 1, 1))

    assert during.status == rules.STATUS_NOTICE_GIVEN
    assert after.status == rules.STATUS_MEMBER
    assert after.since == D(2023, 1, 30)
    assert after.withdrawn_notice == HARRYDA_NOTICE
    assert after.events == (HARRYDA_NOTICE, withdrawal)
    assert after.notice_effective_on is None
    assert much_later.status == rules.STATUS_MEMBER


def test_a_withdrawal_on_the_effective_date_itself_is_in_time():
    events = [HARRYDA_NOTICE, Event(NOTICE_WITHDRAWN, D(2023, 12, 31))]

    assert status(events, D(2024, 1, 1)).status == rules.STATUS_MEMBER


def test_a_withdrawal_dated_after_the_effective_date_is_refused():
    late = Event(NOTICE_WITHDRAWN, D(2024, 1, 15), decision_id=3)

    result = status([HARRYDA_NOTICE, late], D(2024, 2, 1))

    assert result.status == rules.STATUS_LEFT
    assert [r.event for r in result.refused] == [late]
    assert result.refused[0].message == rules.WITHDRAWAL_AFTER_EXIT.format(
        withdrawn_on="2024-01-15", effective_on="2023-12-31"
    )


def test_a_withdrawal_of_unknown_date_known_to_be_before_the_exit_means_the_member_never_left():
    withdrawal = Event(NOTICE_WITHDRAWN, None, occurred_not_after=D(2023, 6, 30))
    events = [HARRYDA_NOTICE, withdrawal]

    before_the_latest_date = status(events, D(2023, 3, 1))
    at_the_latest_date = status(events, D(2023, 6, 30))
    after_the_exit_date = status(events, D(2024, 6, 1))

    assert before_the_latest_date.status == rules.STATUS_NOTICE_GIVEN
    assert at_the_latest_date.status == rules.STATUS_MEMBER
    assert at_the_latest_date.since == D(2023, 6, 30)
    assert at_the_latest_date.since_is_latest
    assert after_the_exit_date.status == rules.STATUS_MEMBER
    assert after_the_exit_date.refused == ()


def test_a_withdrawal_of_unknown_date_that_may_have_come_after_the_exit_is_refused():
    withdrawal = Event(NOTICE_WITHDRAWN, None, occurred_not_after=D(2024, 3, 1))

    result = status([HARRYDA_NOTICE, withdrawal], D(2024, 6, 1))

    assert result.status == rules.STATUS_LEFT
    assert result.refused[0].message == rules.WITHDRAWAL_DATE_UNCERTAIN.format(
        effective_on="2023-12-31"
    )


def test_forsakringskassan_cannot_give_notice():
    notice = Event(NOTICE, D(2021, 3, 1))

    result = status([notice], D(2030, 1, 1), may_leave=False)

    assert result.status == rules.STATUS_MEMBER
    assert result.refused[0].message == rules.NOTICE_NOT_ALLOWED


def test_revoking_the_notice_decision_makes_the_member_a_plain_member_again():
    revoked_notice = Event(NOTICE, D(2021, 5, 26), decision_id=94, decision_in_force=False)

    result = status([revoked_notice], D(2025, 6, 1))

    assert result.status == rules.STATUS_MEMBER
    assert result.withdrawn_notice is None
    assert result.refused[0].message == rules.EVENT_DECISION_NOT_IN_FORCE


def test_a_notice_decision_revoked_on_a_known_date_counts_until_then():
    revoked_notice = Event(
        NOTICE,
        D(2021, 5, 26),
        decision_id=94,
        decision_in_force=False,
        decision_ended_on=D(2024, 2, 26),
    )

    during = status([revoked_notice], D(2023, 1, 1))
    after = status([revoked_notice], D(2025, 6, 1))

    assert during.status == rules.STATUS_NOTICE_GIVEN
    assert during.notice_effective_on == D(2024, 12, 31)
    assert after.status == rules.STATUS_MEMBER
    assert after.since == D(2024, 2, 26)
    assert after.withdrawn_notice is not None


def test_the_alingsas_chain_revocation_and_its_withdrawal_event_give_one_member_period():
    # The register: KF § 94 (2021-05-26) is revoked by KF 2024-02-26; decisions.rules gives
    # the notice decision's force, and the revoking decision is recorded as a withdrawal.
    kf_94 = DecisionNode(id=94, organ_id=1, organisation_id=100, date=D(2021, 5, 26))
    kf_revokes = DecisionNode(id=20, organ_id=1, organisation_id=100, date=D(2024, 2, 26))
    force = in_force(
        decisions=[kf_94, kf_revokes], links=[Link(20, 94, REVOKES)], on=D(2025, 1, 1)
    )[94]
    events = [
        Event(
            NOTICE,
            kf_94.date,
            decision_id=94,
            decision_in_force=force.in_force,
            decision_ended_on=force.ended_on,
        ),
        Event(NOTICE_WITHDRAWN, D(2024, 2, 26), decision_id=20),
    ]

    result = status(events, D(2025, 1, 1))

    assert result.status == rules.STATUS_MEMBER
    assert result.since == D(2024, 2, 26)
    assert result.refused == ()
    assert result.events[1].decision_id == 20


def test_rule_36_a_notice_ended_by_a_decision_of_unknown_date_ends_where_its_withdrawal_is_placed():
    # RULES.md 36 (the seeds: Härryda's KF decision withdrawing § 128 has no known date;
    # its withdrawal event is placed "senast 2022-03-01"). decisions.rules knows only that
    # decision 300 ended the notice, not when: the notice counts until the withdrawal.
    notice = Event(
        NOTICE,
        D(2020, 6, 15),
        decision_id=128,
        decision_in_force=False,
        decision_ended_on=None,
        decision_ended_by=300,
        label="notice",
    )
    withdrawal = Event(NOTICE_WITHDRAWN, None, D(2022, 3, 1), decision_id=300, label="withdrawal")

    placed = rules.with_ending_dates_from_withdrawals([notice, withdrawal])
    during = status([notice, withdrawal], D(2021, 1, 1))
    after = status([notice, withdrawal], D(2022, 3, 1))
    timeline = membership_timeline(events=[notice, withdrawal])

    assert placed == [
        Event(
            NOTICE,
            D(2020, 6, 15),
            decision_id=128,
            decision_in_force=False,
            decision_ended_on=D(2022, 3, 1),
            decision_ended_by=300,
            label="notice",
        ),
        withdrawal,
    ]
    assert during.status == rules.STATUS_NOTICE_GIVEN
    assert during.notice_effective_on == D(2023, 12, 31)
    assert after.status == rules.STATUS_MEMBER
    assert after.since == D(2022, 3, 1) and after.since_is_latest
    assert after.withdrawn_notice is not None and after.withdrawn_notice.label == "notice"
    assert [p.status for p in timeline] == [
        rules.STATUS_MEMBER,
        rules.STATUS_NOTICE_GIVEN,
        rules.STATUS_MEMBER,
    ]


def test_rule_36_a_notice_ended_by_an_unknown_date_decision_without_a_withdrawal_event_is_dropped():
    # Without a withdrawal event of the ending decision there is no date to end the notice
    # on: it does not count at all (as a notice decision revoked at an unknown time).
    notice = Event(
        NOTICE, D(2020, 6, 15), decision_id=128, decision_in_force=False, decision_ended_by=300
    )
    other = Event(NOTICE_WITHDRAWN, D(2022, 3, 1), decision_id=999)

    assert rules.with_ending_dates_from_withdrawals([notice]) == [notice]
    result = status([notice, other], D(2021, 1, 1))

    assert result.status == rules.STATUS_MEMBER
    assert [r.message for r in result.refused] == [
        rules.EVENT_DECISION_NOT_IN_FORCE,
        rules.WITHDRAWAL_WITHOUT_NOTICE,
    ]


def test_a_second_notice_while_one_is_pending_is_refused():
    second = Event(NOTICE, D(2021, 2, 1))

    result = status([HARRYDA_NOTICE, second], D(2022, 1, 1))

    assert result.notice_effective_on == D(2023, 12, 31)
    assert result.refused[0].message == rules.NOTICE_ALREADY_GIVEN


def test_a_withdrawal_without_a_notice_is_refused():
    result = status([Event(NOTICE_WITHDRAWN, D(2021, 2, 1))], D(2022, 1, 1))

    assert result.status == rules.STATUS_MEMBER
    assert result.refused[0].message == rules.WITHDRAWAL_WITHOUT_NOTICE


def test_an_event_without_any_date_is_refused():
    result = status([Event(NOTICE, None)], D(2022, 1, 1))

    assert result.status == rules.STATUS_MEMBER
    assert result.refused[0].message == rules.EVENT_DATE_UNKNOWN


def test_a_recorded_exit_is_dated_on_the_last_day_of_membership():
    events = [HARRYDA_NOTICE, Event(LEFT, D(2023, 12, 31))]

    assert status(events, D(2023, 12, 31)).status == rules.STATUS_NOTICE_GIVEN
    assert status(events, D(2024, 1, 1)).status == rules.STATUS_LEFT
    assert status(events, D(2024, 1, 1)).since == D(2024, 1, 1)


# --- timeline ---------------------------------------------------------------------------------


def test_the_timeline_of_a_withdrawn_notice_has_member_notice_and_member_periods():
    events = [
        Event(JOINED, D(2009, 1, 1)),
        HARRYDA_NOTICE,
        Event(NOTICE_WITHDRAWN, D(2023, 1, 30)),
    ]

    assert membership_timeline(events=events) == [
        Period(rules.STATUS_NOT_MEMBER, None, D(2008, 12, 31)),
        Period(rules.STATUS_MEMBER, D(2009, 1, 1), D(2020, 6, 14)),
        Period(rules.STATUS_NOTICE_GIVEN, D(2020, 6, 15), D(2023, 1, 29)),
        Period(rules.STATUS_MEMBER, D(2023, 1, 30), None),
    ]


def test_the_timeline_of_a_notice_not_withdrawn_ends_with_the_exit():
    assert membership_timeline(events=[ALINGSAS_NOTICE]) == [
        Period(rules.STATUS_MEMBER, None, D(2021, 5, 25)),
        Period(rules.STATUS_NOTICE_GIVEN, D(2021, 5, 26), D(2024, 12, 31)),
        Period(rules.STATUS_LEFT, D(2025, 1, 1), None),
    ]


def test_the_timeline_marks_a_start_known_only_as_a_latest_date():
    events = [HARRYDA_NOTICE, Event(NOTICE_WITHDRAWN, None, occurred_not_after=D(2023, 6, 30))]

    periods = membership_timeline(events=events)

    assert periods[-1] == Period(rules.STATUS_MEMBER, D(2023, 6, 30), None, True)


def test_the_timeline_of_a_member_that_may_not_leave_is_one_member_period():
    periods = membership_timeline(events=[Event(NOTICE, D(2021, 3, 1))], may_leave=False)

    assert periods == [Period(rules.STATUS_MEMBER, None, None)]
