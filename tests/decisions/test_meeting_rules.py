"""The meeting rules as pure functions (decisions/meetings/rules.py), without the database."""

import datetime as dt

from decisions.chains import rules
from decisions.meetings.rules import CHOICES, BallotProblem, check_ballots
from decisions.models import Ballot


def test_the_rule_module_knows_the_stored_ballot_choices():
    assert set(CHOICES) == set(Ballot.Choice.values)


def test_ballots_of_participants_that_add_up_to_the_stated_result_pass():
    check = check_ballots(
        ballots=[("a", "yes"), ("b", "no"), ("c", "abstain")],
        participants={"a", "b", "c"},
        counts=(1, 1, 1),
    )

    assert check.ok and check.tally == (1, 1, 1)


def test_ballots_that_do_not_add_up_to_the_stated_result_are_refused():
    check = check_ballots(ballots=[("a", "yes")], participants={"a"}, counts=(2, 0, 0))

    assert not check.counts_match and check.tally == (1, 0, 0)


def test_a_second_ballot_by_one_person_is_a_duplicate_and_nothing_else():
    check = check_ballots(ballots=[("a", "yes"), ("a", "no")], participants={"a"})

    assert check.problems == (BallotProblem(1, "a", "duplicate"),)


def test_a_recused_member_and_a_non_participant_may_not_vote():
    """Rules 13 and 14."""
    check = check_ballots(
        ballots=[("a", "yes"), ("x", "no")], participants={"a", "b"}, recused={"a"}
    )

    assert check.problems == (
        BallotProblem(0, "a", "recused"),
        BallotProblem(1, "x", "not_participant"),
    )


def test_a_choice_outside_ja_nej_avstar_is_refused_and_not_counted():
    check = check_ballots(ballots=[("a", "kanske")], participants={"a"}, counts=(0, 0, 0))

    assert check.problems == (BallotProblem(0, "a", "bad_choice"),)
    assert check.counts_match


def test_a_ballot_of_an_unidentified_person_is_counted_but_not_checked():
    check = check_ballots(ballots=[(None, "yes")], participants=set(), counts=(1, 0, 0))

    assert check.ok


def test_a_proposal_later_than_its_decision_runs_against_time():
    assert rules.check_link_time(
        kind="proposes", source_date=dt.date(2024, 2, 1), target_date=dt.date(2024, 1, 1)
    )


def test_a_revocation_of_a_later_decision_runs_against_time():
    assert rules.check_link_time(
        kind="revokes", source_date=dt.date(2024, 1, 1), target_date=dt.date(2024, 2, 1)
    )


def test_a_link_with_an_unknown_date_cannot_run_against_time():
    assert (
        rules.check_link_time(kind="revokes", source_date=None, target_date=dt.date(2024, 2, 1))
        is None
    )
