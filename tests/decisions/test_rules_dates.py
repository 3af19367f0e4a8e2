"""Procedural dates of decisions (RULES.md 1–8), without the database."""

import datetime as dt

import pytest

from decisions import rules as date_rules
from decisions.rules import (
    add_weeks,
    check_posting_removal,
    effective_approval_date,
    immediate_posting_deadline,
    is_enforceable,
    is_justering_late,
    is_posting_late,
    is_vardag,
    justering_deadline,
    last_appeal_day,
    last_posting_date,
    legal_force_on,
    legal_force_status,
    may_remove_posting,
    next_vardag,
    non_working_days,
    posting_deadline,
    requires_correction,
)

D = dt.date


# --- calendar: lag 1930:173 -------------------------------------------------------------------


def test_add_weeks_lands_on_the_same_weekday():
    assert add_weeks(D(2024, 2, 7), 3) == D(2024, 2, 28)
    assert add_weeks(D(2024, 2, 7), 3).weekday() == D(2024, 2, 7).weekday()


@pytest.mark.parametrize(
    "day, expected",
    [
        pytest.param(D(2024, 2, 7), True, id="ordinary-wednesday"),
        pytest.param(D(2024, 5, 10), True, id="klamdag-friday-after-ascension-is-a-vardag"),
        pytest.param(D(2024, 2, 3), False, id="saturday"),
        pytest.param(D(2024, 2, 4), False, id="sunday"),
        pytest.param(D(2024, 1, 1), False, id="nyarsdagen"),
        pytest.param(D(2024, 1, 6), False, id="trettondedag-jul-on-saturday"),
        pytest.param(D(2025, 1, 6), False, id="trettondedag-jul-on-monday"),
        pytest.param(D(2024, 3, 29), False, id="langfredagen"),
        pytest.param(D(2024, 4, 1), False, id="annandag-pask"),
        pytest.param(D(2024, 5, 1), False, id="forsta-maj"),
        pytest.param(D(2024, 5, 9), False, id="kristi-himmelsfardsdag"),
        pytest.param(D(2024, 6, 6), False, id="nationaldagen"),
        pytest.param(D(2024, 6, 21), False, id="midsommarafton"),
        pytest.param(D(2024, 12, 24), False, id="julafton"),
        pytest.param(D(2024, 12, 25), False, id="juldagen"),
        pytest.param(D(2024, 12, 26), False, id="annandag-jul"),
        pytest.param(D(2024, 12, 31), False, id="nyarsafton"),
        pytest.param(D(2024, 12, 23), True, id="day-before-julafton"),
        pytest.param(D(2024, 6, 20), True, id="day-before-midsommarafton"),
    ],
)
def test_is_vardag_follows_lag_1930_173(day, expected):
    assert is_vardag(day) is expected


@pytest.mark.parametrize("year", range(2015, 2031))
def test_the_three_eves_the_law_names_are_never_vardagar(year):
    days = non_working_days(year)
    midsummer_eve = next(d for d in days if d.month == 6 and 19 <= d.day <= 25)
    assert midsummer_eve.weekday() == 4
    assert D(year, 12, 24) in days or D(year, 12, 24).weekday() >= 5
    assert D(year, 12, 31) in days or D(year, 12, 31).weekday() >= 5
    assert not is_vardag(midsummer_eve)
    assert not is_vardag(D(year, 12, 24))
    assert not is_vardag(D(year, 12, 31))


def test_non_working_days_hold_no_weekend_days_so_sundays_listed_by_the_package_do_not_matter():
    assert all(day.weekday() < 5 for day in non_working_days(2024))


def test_holiday_lookups_are_cached_per_year():
    non_working_days.cache_clear()
    is_vardag(D(2024, 3, 1))
    is_vardag(D(2024, 3, 2))
    is_vardag(D(2024, 3, 4))
    assert non_working_days.cache_info().misses == 1


def test_next_vardag_keeps_a_vardag():
    assert next_vardag(D(2024, 2, 28)) == D(2024, 2, 28)


# --- rule 3: the appeal window -----------------------------------------------------------------


def test_the_appeal_window_from_wednesday_7_february_2024_ends_on_wednesday_28_february():
    assert last_appeal_day(posted_on=D(2024, 2, 7)) == D(2024, 2, 28)


@pytest.mark.parametrize(
    "posted_on, three_weeks_later, last_day",
    [
        pytest.param(D(2024, 10, 2), D(2024, 10, 23), D(2024, 10, 23), id="normal-wednesday"),
        pytest.param(D(2024, 2, 3), D(2024, 2, 24), D(2024, 2, 26), id="saturday"),
        pytest.param(D(2024, 2, 4), D(2024, 2, 25), D(2024, 2, 26), id="sunday"),
        pytest.param(
            D(2024, 5, 31), D(2024, 6, 21), D(2024, 6, 24), id="midsommarafton-then-weekend"
        ),
        pytest.param(
            D(2024, 12, 3), D(2024, 12, 24), D(2024, 12, 27), id="julafton-juldagen-annandag"
        ),
        pytest.param(
            D(2020, 12, 3),
            D(2020, 12, 24),
            D(2020, 12, 28),
            id="julafton-juldagen-annandag-then-sunday",
        ),
        pytest.param(
            D(2021, 12, 3), D(2021, 12, 24), D(2021, 12, 27), id="julafton-on-friday-then-weekend"
        ),
        pytest.param(
            D(2024, 12, 10), D(2024, 12, 31), D(2025, 1, 2), id="nyarsafton-into-next-year"
        ),
        pytest.param(D(2024, 3, 11), D(2024, 4, 1), D(2024, 4, 2), id="annandag-pask"),
        pytest.param(
            D(2024, 3, 8), D(2024, 3, 29), D(2024, 4, 2), id="langfredagen-through-annandag-pask"
        ),
        pytest.param(D(2024, 4, 18), D(2024, 5, 9), D(2024, 5, 10), id="kristi-himmelsfard"),
        pytest.param(D(2024, 5, 16), D(2024, 6, 6), D(2024, 6, 7), id="nationaldagen-thursday"),
        pytest.param(D(2026, 5, 16), D(2026, 6, 6), D(2026, 6, 8), id="nationaldagen-on-saturday"),
        pytest.param(D(2024, 4, 10), D(2024, 5, 1), D(2024, 5, 2), id="forsta-maj"),
        pytest.param(D(2024, 12, 16), D(2025, 1, 6), D(2025, 1, 7), id="trettondedag-jul"),
    ],
)
def test_appeal_window_moves_to_the_next_vardag_only_when_it_ends_on_a_non_vardag(
    posted_on, three_weeks_later, last_day
):
    assert add_weeks(posted_on, 3) == three_weeks_later
    assert last_appeal_day(posted_on=posted_on) == last_day
    assert is_vardag(last_day)


def test_appeal_window_ending_on_a_normal_wednesday_is_not_moved():
    posted_on = D(2024, 9, 4)

    assert last_appeal_day(posted_on=posted_on) == add_weeks(posted_on, 3) == D(2024, 9, 25)


# --- rules 1 and 2: justering and anslag deadlines --------------------------------------------


def test_justering_deadline_is_fourteen_days_after_the_meeting():
    assert justering_deadline(held_on=D(2020, 6, 15)) == D(2020, 6, 29)


@pytest.mark.parametrize(
    "approved_on, late",
    [
        pytest.param(D(2020, 6, 15), False, id="same-day"),
        pytest.param(D(2020, 6, 29), False, id="on-the-fourteenth-day"),
        pytest.param(D(2020, 6, 30), True, id="day-after-the-deadline"),
    ],
)
def test_justering_after_fourteen_days_is_flagged_late(approved_on, late):
    assert is_justering_late(held_on=D(2020, 6, 15), approved_on=approved_on) is late


def test_posting_is_due_two_days_after_justering():
    assert posting_deadline(approved_on=D(2024, 2, 5)) == D(2024, 2, 7)


@pytest.mark.parametrize(
    "posted_on, late",
    [
        pytest.param(D(2024, 2, 5), False, id="same-day"),
        pytest.param(D(2024, 2, 7), False, id="second-day"),
        pytest.param(D(2024, 2, 8), True, id="third-day"),
    ],
)
def test_posting_later_than_two_days_after_justering_is_flagged(posted_on, late):
    assert is_posting_late(approved_on=D(2024, 2, 5), posted_on=posted_on) is late


# --- rule 4: laga kraft -----------------------------------------------------------------------


def test_an_unappealed_decision_gains_legal_force_the_day_after_the_last_appeal_day():
    assert legal_force_on(posted_on=D(2024, 2, 7)) == D(2024, 2, 29)


def test_legal_force_follows_a_moved_appeal_window():
    assert legal_force_on(posted_on=D(2024, 12, 3)) == D(2024, 12, 28)


def test_an_appealed_decision_has_no_legal_force_date_until_a_final_judgment():
    assert legal_force_on(posted_on=D(2024, 2, 7), appealed=True) is None


def test_an_appealed_decision_gains_legal_force_when_the_rejecting_judgment_is_final():
    assert legal_force_on(
        posted_on=D(2024, 2, 7), appealed=True, final_judgment_on=D(2024, 9, 1)
    ) == D(2024, 9, 1)


def test_an_annulled_decision_never_gains_legal_force():
    assert legal_force_on(posted_on=D(2024, 2, 7), appealed=True, annulled=True) is None


def test_an_unposted_decision_has_no_legal_force_date():
    assert legal_force_on(posted_on=None) is None


@pytest.mark.parametrize(
    "on, appealed, final_judgment_on, annulled, expected",
    [
        pytest.param(D(2024, 2, 28), False, None, False, "ej laga kraft", id="last-appeal-day"),
        pytest.param(D(2024, 2, 29), False, None, False, "laga kraft", id="day-after"),
        pytest.param(D(2024, 3, 29), True, None, False, "överklagat", id="appeal-pending"),
        pytest.param(
            D(2024, 9, 2), True, D(2024, 9, 1), False, "laga kraft", id="appeal-rejected-final"
        ),
        pytest.param(D(2024, 9, 2), True, D(2024, 9, 1), True, "upphävt av domstol", id="annulled"),
    ],
)
def test_legal_force_status_on_a_date(on, appealed, final_judgment_on, annulled, expected):
    status = legal_force_status(
        posted_on=D(2024, 2, 7),
        on=on,
        appealed=appealed,
        final_judgment_on=final_judgment_on,
        annulled=annulled,
    )
    assert status == expected


def test_legal_force_status_of_an_unposted_decision():
    assert legal_force_status(posted_on=None, on=D(2024, 1, 1)) == date_rules.STATUS_NOT_POSTED


# --- rule 5: the anslag stays up ---------------------------------------------------------------


@pytest.mark.parametrize(
    "removal_on, allowed",
    [
        pytest.param(D(2024, 2, 20), False, id="inside-the-window"),
        pytest.param(D(2024, 2, 28), False, id="on-the-last-appeal-day"),
        pytest.param(D(2024, 2, 29), True, id="day-after-the-last-appeal-day"),
    ],
)
def test_the_anslag_may_come_down_only_after_the_last_appeal_day(removal_on, allowed):
    assert may_remove_posting(posted_on=D(2024, 2, 7), removal_on=removal_on) is allowed


def test_refusing_an_early_removal_names_the_last_appeal_day():
    message = check_posting_removal(posted_on=D(2024, 2, 7), removal_on=D(2024, 2, 28))

    assert message == date_rules.POSTING_REMOVED_TOO_EARLY.format(last_appeal_day="2024-02-28")
    assert check_posting_removal(posted_on=D(2024, 2, 7), removal_on=D(2024, 2, 29)) is None


# --- rule 6: several anslagstavlor -------------------------------------------------------------


def test_with_several_postings_the_window_runs_from_the_last_one():
    posted_on = last_posting_date(postings=[D(2024, 2, 7), D(2024, 2, 9), D(2024, 2, 8)])

    assert posted_on == D(2024, 2, 9)
    assert last_appeal_day(posted_on=posted_on) == D(2024, 3, 1)


def test_a_decision_without_postings_has_no_posting_date():
    with pytest.raises(ValueError, match=date_rules.NO_POSTINGS):
        last_posting_date(postings=[])


# --- rule 7: omedelbar justering --------------------------------------------------------------


def test_an_immediately_approved_paragraph_is_justerad_on_the_meeting_date():
    assert effective_approval_date(
        held_on=D(2024, 1, 24), approved_on=D(2024, 1, 30), approved_immediately=True
    ) == D(2024, 1, 24)


def test_an_ordinary_paragraph_is_justerad_with_its_protocol():
    assert effective_approval_date(
        held_on=D(2024, 1, 24), approved_on=D(2024, 1, 30), approved_immediately=False
    ) == D(2024, 1, 30)


def test_an_immediately_approved_paragraph_is_posted_at_the_latest_two_days_after_the_meeting():
    assert immediate_posting_deadline(held_on=D(2024, 1, 24)) == D(2024, 1, 26)


# --- rule 8: verkställighet -------------------------------------------------------------------


def test_a_decision_is_enforceable_from_justering_though_not_yet_in_legal_force():
    on = D(2024, 2, 8)

    assert is_enforceable(approved_on=D(2024, 2, 5), on=on)
    assert legal_force_status(posted_on=D(2024, 2, 7), on=on) == "ej laga kraft"


@pytest.mark.parametrize(
    "approved_on, on, stayed, expected",
    [
        pytest.param(D(2024, 2, 5), D(2024, 2, 4), False, False, id="before-justering"),
        pytest.param(D(2024, 2, 5), D(2024, 2, 5), False, True, id="on-justering-day"),
        pytest.param(D(2024, 2, 5), D(2024, 3, 5), True, False, id="stayed"),
        pytest.param(None, D(2024, 3, 5), False, False, id="not-justerat"),
    ],
)
def test_enforceability(approved_on, on, stayed, expected):
    assert is_enforceable(approved_on=approved_on, on=on, enforcement_stayed=stayed) is expected


def test_an_annulled_enforced_decision_requires_correction():
    assert requires_correction(annulled=True, enforced=True)
    assert not requires_correction(annulled=True, enforced=False)
    assert not requires_correction(annulled=False, enforced=True)
