"""After ``load_insjoriket`` the register says what the seed documents say, and loading it
again changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, CaseLink, Register
from cases.services import register_case
from decisions.models import Decision, DecisionLink, Meeting
from members.models import Contribution, Membership, MembershipEvent, Organisation, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_insjoriket", stdout=_Sink())


class _Sink:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def _decision(org: str, code: str, year: int, number: int) -> Decision:
    return Decision.objects.get(
        organ__organisation__short_name=org, organ__code=code, year=year, number=number
    )


def _counts() -> dict[str, int]:
    """Rows of every model of the three apps, history tables included."""
    return {
        model._meta.label: model.objects.count()
        for app in ("members", "cases", "decisions")
        for model in apps.get_app_config(app).get_models()
    }


def test_kf_harryda_128_records_the_vote_35_12_3_with_fifty_ballots_that_add_up(loaded):
    decision = _decision("Härryda", "KF", 2020, 128)
    vote = decision.votes.get()

    assert decision.meeting.held_on.isoformat() == "2020-06-15"
    assert decision.case.number == "2019KS742"
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (35, 12, 3)
    choices = list(vote.ballots.values_list("choice", flat=True))
    assert len(choices) == 50
    assert (choices.count("yes"), choices.count("no"), choices.count("abstain")) == (35, 12, 3)
    assert decision.participations.count() == 50


def test_the_s_group_reservation_names_the_ten_members(loaded):
    decision = _decision("Härryda", "KF", 2020, 128)

    names = set(decision.reservations.values_list("person__name", flat=True))

    assert names == {
        "Patrik Linde",
        "Björn Magnusson",
        "Siw Hallbert",
        "Ulla-Karin Johansson",
        "Robert Langholz",
        "Monica Bengtsson",
        "Oskar Sköld",
        "Mats Werner",
        "Jonas Andersson",
        "Rolf Vestman",
    }


def test_kf_128_has_the_two_motions_with_the_supporter(loaded):
    decision = _decision("Härryda", "KF", 2020, 128)

    first, second = decision.motions.order_by("order")

    assert first.mover.name == "Patrik Linde" and "återremitteras" in first.text
    assert second.mover.name == "Maria Kornevik Jakobsson"
    assert list(second.supporters.values_list("key", flat=True)) == ["evalotta-liljenzin"]


def test_kersti_lagergren_is_one_person_in_kf_and_in_the_federation_board(loaded):
    person = Person.objects.get(name="Kersti Lagergren")

    organs = set(person.assignments.values_list("organ__code", flat=True))

    assert organs == {"KF", "FS"}


def test_2022vfn360_carries_class_709_of_the_old_plan(loaded):
    case = Case.objects.get(number="2022VFN360")

    assert case.classification.code == "709"
    assert case.classification.scheme.name == "Kommunförbundets diarieplan"
    assert CaseLink.objects.filter(from_case=case, to_case__number="2022KS554").exists()


def test_the_harryda_chain_vfn_ks_kf_exists_as_links(loaded):
    vfn = _decision("Härryda", "VFN", 2022, 222)
    ks = _decision("Härryda", "KS", 2022, 440)
    kf_128 = _decision("Härryda", "KF", 2020, 128)

    kf_withdrawal = DecisionLink.objects.get(source=ks, kind="proposes").target

    assert DecisionLink.objects.filter(source=vfn, target=ks, kind="proposes").exists()
    assert kf_withdrawal.number is None and kf_withdrawal.meeting.held_on is None
    assert kf_withdrawal.meeting.date_note
    assert DecisionLink.objects.filter(
        source=kf_withdrawal, target=kf_128, kind="withdraws"
    ).exists()
    assert ks.approved_immediately and ks.meeting.held_on is None


def test_the_alingsas_chain_sn_ksau_kf_exists_as_links(loaded):
    sn = _decision("Alingsås", "SN", 2023, 56)
    ksau = _decision("Alingsås", "KSAU", 2024, 9)
    kf_94 = _decision("Alingsås", "KF", 2021, 94)

    kf_revocation = DecisionLink.objects.get(source=ksau, kind="proposes").target

    assert DecisionLink.objects.filter(source=sn, target=ksau, kind="proposes").exists()
    assert DecisionLink.objects.filter(source=kf_revocation, target=kf_94, kind="revokes").exists()
    assert kf_revocation.number is None


def test_ksau_9_keeps_the_erroneous_citation_of_26_maj_2023(loaded):
    ksau = _decision("Alingsås", "KSAU", 2024, 9)

    assert "26 maj 2023" in ksau.description
    assert "26 maj 2023" in ksau.decision_text


def test_the_2019_contributions_sum_to_14_400_000(loaded):
    rows = Contribution.objects.filter(year=2019)

    assert sum(r.amount for r in rows) == Decimal("14400000")
    assert rows.get(payer__short_name="Härryda").amount == Decimal("608400")


def test_the_federation_has_eight_members_and_fk_and_af_cannot_leave(loaded):
    federation = Organisation.objects.get(org_number="222000-2071")

    memberships = Membership.objects.filter(federation=federation)

    assert memberships.count() == 8
    assert set(memberships.filter(may_leave=False).values_list("member__name", flat=True)) == {
        "Arbetsförmedlingen",
        "Försäkringskassan",
    }


def test_notice_and_withdrawal_events_cite_their_decisions(loaded):
    events = MembershipEvent.objects.filter(membership__member__short_name="Härryda")

    notice = events.get(kind="notice")
    withdrawn = events.get(kind="notice_withdrawn")

    assert notice.decision == _decision("Härryda", "KF", 2020, 128)
    assert withdrawn.occurred_on is None
    assert withdrawn.occurred_not_after.isoformat() == "2023-12-31"
    assert withdrawn.note


def test_loading_twice_changes_no_rows_and_no_history(loaded):
    before = _counts()

    call_command("load_insjoriket", stdout=_Sink())

    assert _counts() == before
    assert Meeting.objects.filter(held_on__isnull=True).count() == 3


def test_the_forbunds_styrelse_can_record_a_beslut_in_the_forbunds_own_diarium(
    loaded, client, make_user
):
    """Issue 14, item 1: the first body the product serves can decide. The förbund has its own
    diarium in the data file; an ärende registered there is the subject of a beslut-§ of its
    Styrelsen, through the secretary's pages."""
    register = Register.objects.get(organisation__short_name="Insjöriket")
    assert register.organ is None and register.code == "SF"
    case = register_case(
        register=register, title="Verksamhetsplan 2027", opened_on=dt.date(2026, 11, 2)
    )
    assert case.number == "SF 2026/1"
    client.force_login(make_user("sekreterare"))
    styrelsen = Organisation.objects.get(short_name="Insjöriket").organs.get(code="FS")
    response = client.post(
        reverse("secretary:meeting-plan"),
        {"organ": styrelsen.pk, "held_on": "2026-12-01", "time": "09:00", "place": "Mölndal"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(organ=styrelsen, held_on=dt.date(2026, 12, 1))
    response = client.post(
        reverse("secretary:decision-add", args=[meeting.pk]),
        {
            "number": 1,
            "title": "Verksamhetsplan 2027",
            "kind": "decision",
            "case_number": "sf 2026/1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Decision.objects.get(meeting=meeting, number=1).case == case
