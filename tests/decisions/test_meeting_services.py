"""The secretary's workflow through decisions.services (rules 1, 2, 5, 7, 9, 11–16)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import Attendance, Ballot, Decision
from tests.factories import make_case, make_organ, make_person

pytestmark = pytest.mark.django_db

YES, NO, ABSTAIN = Ballot.Choice.YES, Ballot.Choice.NO, Ballot.Choice.ABSTAIN


@pytest.fixture
def organ():
    return make_organ(name="Kommunfullmäktige", code="KF", kind="assembly")


@pytest.fixture
def members():
    return [make_person(name=f"Ledamot {i}") for i in range(1, 6)]


@pytest.fixture
def meeting(organ, members):
    meeting = services.plan_meeting(organ=organ, held_on=dt.date(2024, 3, 4), place="Rådhuset")
    services.set_attendance(
        meeting=meeting,
        attendees=[Attendee(person=p) for p in members[:4]]
        + [Attendee(person=members[4], role=Attendance.Role.SERVING_SUBSTITUTE)],
    )
    return meeting


def _decide(meeting, **kw):
    defaults = {"title": "Utträde", "decision_text": "Beslutet fattas.", "procedure": "Bifall"}
    return services.add_decision(meeting=meeting, **(defaults | kw))


def test_paragraphs_are_numbered_in_the_organs_yearly_series(meeting):
    first = _decide(meeting)
    second = _decide(meeting)
    assert (first.number, second.number) == (1, 2)
    assert services.next_decision_number(organ=meeting.organ, year=2024) == 3


def test_a_gap_in_the_paragraph_series_is_refused(meeting):
    _decide(meeting)
    with pytest.raises(ValidationError, match="nästa nummer är § 2"):
        _decide(meeting, number=5)


def test_a_duplicate_paragraph_number_is_refused(meeting):
    _decide(meeting)
    with pytest.raises(ValidationError, match="finns redan"):
        _decide(meeting, number=1)


def test_a_new_paragraph_has_the_serving_members_as_participants(meeting, members):
    decision = _decide(meeting)
    assert set(decision.participants.all()) == set(members)


def test_ballots_must_add_up_to_the_recorded_result(meeting, members):
    decision = _decide(meeting)
    ballots = [(members[0], YES), (members[1], YES), (members[2], NO), (members[3], ABSTAIN)]
    with pytest.raises(ValidationError, match="stämmer inte"):
        services.record_vote(
            decision=decision, question="Ja eller nej", ballots=ballots, counts=(3, 1, 0)
        )
    vote = services.record_vote(
        decision=decision, question="Ja eller nej", ballots=ballots, counts=(2, 1, 1)
    )
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (2, 1, 1)
    assert vote.ballots.count() == 4


def test_a_non_participant_cannot_vote(meeting, members):
    outsider = make_person(name="Åhörare")
    decision = _decide(meeting)
    with pytest.raises(ValidationError, match="deltar inte"):
        services.record_vote(decision=decision, question="?", ballots=[(outsider, YES)])


def test_a_recused_member_is_absent_from_participants_and_cannot_vote(meeting, members):
    """Rule 14."""
    decision = _decide(meeting)
    services.record_recusal(decision=decision, person=members[0], ground="Närstående")
    assert members[0] not in decision.participants.all()
    with pytest.raises(ValidationError, match="jävig"):
        services.record_vote(decision=decision, question="?", ballots=[(members[0], YES)])


def test_a_reservation_only_by_a_participant(meeting, members):
    """Rules 11 and 13."""
    decision = _decide(meeting)
    services.add_reservation(decision=decision, person=members[1])
    with pytest.raises(ValidationError, match="deltog inte"):
        services.add_reservation(decision=decision, person=make_person(name="Utomstående"))


def test_a_vote_needs_a_recorded_procedure(meeting, members):
    decision = _decide(meeting, procedure="")
    with pytest.raises(ValidationError, match="propositionsordningen"):
        services.record_vote(decision=decision, question="?", ballots=[(members[0], YES)])


def test_minority_referral_only_in_fullmaktige_with_a_third_of_those_present(meeting):
    """Rule 16."""
    decision = _decide(meeting)
    services.check_minority_referral(decision=decision, supporters=17, present=50)
    with pytest.raises(ValidationError, match="tredjedel"):
        services.check_minority_referral(decision=decision, supporters=16, present=50)
    committee = make_organ(name="Socialnämnden", code="SN", kind="committee")
    other = services.plan_meeting(organ=committee, held_on=dt.date(2024, 3, 5))
    nd = services.add_decision(meeting=other, title="X", decision_text="Y")
    with pytest.raises(ValidationError, match="bara möjlig i fullmäktige"):
        services.check_minority_referral(decision=nd, supporters=5, present=5)


def test_justering_refuses_a_decision_without_text(meeting, members):
    _decide(meeting, decision_text="")
    with pytest.raises(ValidationError, match="saknar beslutstext"):
        services.approve_minutes(
            meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=members[:2]
        )


def test_late_justering_is_warned(meeting, members):
    """Rule 1: justering within 14 days."""
    _decide(meeting)
    warnings = services.approve_minutes(
        meeting=meeting, approved_on=dt.date(2024, 3, 19), approvers=members[:2]
    )
    assert warnings and "KL 5 kap. 69 §" in warnings[0]


def test_after_justering_the_services_refuse_every_change(meeting, members):
    """Rule 9."""
    decision = _decide(meeting)
    services.approve_minutes(
        meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=members[:2]
    )
    with pytest.raises(ValidationError, match="justerad"):
        services.update_decision_texts(decision=decision, decision_text="Annat")
    with pytest.raises(ValidationError, match="justerad"):
        services.add_reservation(decision=decision, person=members[0])
    with pytest.raises(ValidationError, match="justerat"):
        services.add_decision(meeting=meeting, title="Sent tillägg", decision_text="X")


def test_an_immediately_approved_paragraph_is_frozen_while_the_rest_is_not(meeting, members):
    """Rule 7."""
    frozen = _decide(meeting)
    open_one = _decide(meeting)
    services.approve_immediately(decision=frozen)
    with pytest.raises(ValidationError, match="justerad"):
        services.update_decision_texts(decision=frozen, decision_text="Annat")
    services.update_decision_texts(decision=open_one, decision_text="Ändrat före justering")


def test_posting_later_than_two_days_after_justering_is_warned(meeting, members):
    """Rule 2."""
    _decide(meeting)
    services.approve_minutes(
        meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=members[:2]
    )
    assert services.post_minutes(meeting=meeting, posted_on=dt.date(2024, 3, 8)) == []
    meeting.refresh_from_db()
    assert meeting.posted_on == dt.date(2024, 3, 8)


def test_posting_before_justering_is_refused(meeting):
    _decide(meeting)
    with pytest.raises(ValidationError, match="innan det är justerat"):
        services.post_minutes(meeting=meeting, posted_on=dt.date(2024, 3, 8))


def test_the_posting_cannot_come_down_before_the_last_appeal_day_has_passed(meeting, members):
    """Rule 5: posted Wed 2024-02-07 → last appeal day 2024-02-28, down from 2024-02-29."""
    organ = meeting.organ
    m = services.plan_meeting(organ=organ, held_on=dt.date(2024, 2, 5))
    services.set_attendance(meeting=m, attendees=[Attendee(person=members[0])])
    services.add_decision(meeting=m, title="X", decision_text="Y")
    services.approve_minutes(meeting=m, approved_on=dt.date(2024, 2, 6), approvers=[members[0]])
    services.post_minutes(meeting=m, posted_on=dt.date(2024, 2, 7))
    with pytest.raises(ValidationError, match="2024-02-29"):
        services.remove_posting(meeting=m, removed_on=dt.date(2024, 2, 28))
    services.remove_posting(meeting=m, removed_on=dt.date(2024, 2, 29))


def test_a_correction_is_recorded_beside_the_justerad_text(meeting, members):
    decision = _decide(meeting, decision_text="Originaltext")
    services.approve_minutes(
        meeting=meeting, approved_on=dt.date(2024, 3, 6), approvers=members[:2]
    )
    services.correct_decision(
        decision=decision,
        what="Stavfel i beslutet",
        why="Skrivfel",
        made_by="Sekreteraren",
        made_on=dt.date(2024, 3, 7),
    )
    decision.refresh_from_db()
    assert decision.decision_text == "Originaltext"
    assert decision.corrections.get().what == "Stavfel i beslutet"


def test_paragraph_of_a_case_keeps_its_case(meeting):
    case = make_case()
    decision = _decide(meeting, case=case)
    assert Decision.objects.get(pk=decision.pk).case == case
