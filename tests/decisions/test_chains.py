"""Chains loaded from the database (decisions.chains): one query across registers and
organisations, force computed from the links every time, references resolved on registration.
DESIGN.md "The chains the seeds describe"; RULES.md 36 (status derived from decisions)."""

import datetime as dt

import pytest
from django.core.management import call_command

from cases.models import Case, CaseLink
from decisions.chains import graph as chain_graph
from decisions.chains import rules as chain_rules
from decisions.meetings import services
from decisions.models import Appeal, Decision, DecisionLink
from tests.factories import make_case, make_decision, make_meeting, make_organ

pytestmark = pytest.mark.django_db


class _Sink:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def seeds():
    call_command("load_insjoriket", stdout=_Sink())


def _decision(org: str, code: str, number: int | None = None, **kw) -> Decision:
    return Decision.objects.get(
        organ__organisation__short_name=org, organ__code=code, number=number, **kw
    )


def _harryda_kf_withdrawal() -> Decision:
    return Decision.objects.get(
        organ__organisation__short_name="Härryda", organ__code="KF", number__isnull=True
    )


def test_the_harryda_chain_runs_from_vfn_through_ks_to_kf_and_back_to_2019ks742(
    seeds, django_assert_num_queries
):
    start = Case.objects.get(number="2022VFN360")
    with django_assert_num_queries(1):
        graph = chain_graph.load_graph(case_ids=[start.pk])

    numbers = set(Case.objects.filter(pk__in=graph.case_ids).values_list("number", flat=True))
    assert numbers == {"2022VFN360", "2022KS554", "2019KS742"}
    labels = [node.label for node in graph.resolve().decisions]
    assert labels == [
        "VFN 2020-04-28 § 114",
        "KS 2020-05-29 § 242",
        "KF 2020-06-15 § 128",
        "VFN 2022-11-23 § 222",
        "KS 2022 § 440",
        "KF (datum okänt) § ?",
    ]
    # the 2019 VFN verksamhetsplan is cited in a text but not linked: not in the chain
    assert _decision("Härryda", "VFN", 256).pk not in graph.nodes


def test_today_the_harryda_notice_is_withdrawn_and_the_withdrawal_is_in_force(seeds):
    graph = chain_graph.load_graph(case_ids=[Case.objects.get(number="2022KS554").pk])
    force = graph.force(dt.date(2026, 1, 1))
    notice = _decision("Härryda", "KF", 128)
    withdrawal = _harryda_kf_withdrawal()

    assert force[notice.pk].status == chain_rules.STATUS_WITHDRAWN
    assert force[notice.pk].ended_by == withdrawal.pk
    assert force[notice.pk].date_unknown  # the withdrawal's date is not in the sources
    assert force[withdrawal.pk].in_force
    assert force[_decision("Härryda", "KS", 440).pk].status == chain_rules.STATUS_PROPOSAL


def test_alingsas_kf_94_is_revoked_and_the_chain_crosses_sn_ksau_and_kf(seeds):
    graph = chain_graph.load_graph(case_ids=[Case.objects.get(number="2023.076 SN").pk])
    kf94 = _decision("Alingsås", "KF", 94)
    labels = [node.label for node in graph.resolve().decisions]

    assert labels == [
        "KF 2021-05-26 § 94",
        "SN 2023-11-14 § 56",
        "KSAU 2024-01-24 § 9",
        "KF (datum okänt) § ?",
    ]
    assert graph.force(dt.date(2026, 1, 1))[kf94.pk].status == chain_rules.STATUS_REVOKED


def test_removing_and_adding_a_link_changes_force_at_once(seeds):
    """Status is computed from the links, never stored (issue 3)."""
    notice = _decision("Härryda", "KF", 128)
    link = DecisionLink.objects.get(target=notice, kind="withdraws")
    assert not chain_graph.force_of([notice.pk])[notice.pk].in_force

    link.delete()
    assert chain_graph.force_of([notice.pk])[notice.pk].in_force

    DecisionLink.objects.create(source=_harryda_kf_withdrawal(), target=notice, kind="revokes")
    status = chain_graph.force_of([notice.pk])[notice.pk]
    assert status.status == chain_rules.STATUS_REVOKED


def test_a_court_annulment_ends_force_from_the_ruling(seeds):
    kf94 = _decision("Alingsås", "KF", 94)
    DecisionLink.objects.filter(target=kf94).delete()
    Appeal.objects.create(
        decision=kf94,
        court="Förvaltningsrätten i Göteborg",
        court_case_number="1234-21",
        lodged_on=dt.date(2021, 6, 10),
        decided_on=dt.date(2021, 11, 2),
        outcome="annulled",
        final=True,
    )
    before = chain_graph.force_of([kf94.pk], on=dt.date(2021, 11, 1))[kf94.pk]
    after = chain_graph.force_of([kf94.pk], on=dt.date(2021, 11, 2))[kf94.pk]

    assert before.in_force
    assert after.status == chain_rules.STATUS_ANNULLED
    assert after.ended_by.court_case_number == "1234-21"


def test_revoking_a_revocation_does_not_reinstate_the_original():
    """Decided in chain_rules.in_force: an upphävande takes effect when made."""
    organ = make_organ(code="KF", name="Kommunfullmäktige")
    original = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2020, 1, 10)))
    revocation = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2021, 1, 10)))
    undo = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2022, 1, 10)))
    DecisionLink.objects.create(source=revocation, target=original, kind="revokes")
    DecisionLink.objects.create(source=undo, target=revocation, kind="revokes")

    force = chain_graph.force_of([original.pk, revocation.pk, undo.pk], on=dt.date(2023, 1, 1))

    assert force[original.pk].status == chain_rules.STATUS_REVOKED
    assert force[revocation.pk].status == chain_rules.STATUS_REVOKED
    assert force[undo.pk].in_force


def test_the_chain_query_crosses_organisations_and_ends_on_a_cycle(django_assert_num_queries):
    a = make_decision(meeting=make_meeting(held_on=dt.date(2024, 1, 10)))
    b = make_decision(meeting=make_meeting(held_on=dt.date(2024, 2, 10)))  # other organisation
    c = make_decision(meeting=make_meeting(held_on=dt.date(2024, 3, 10)))
    DecisionLink.objects.create(source=a, target=b, kind="proposes")
    DecisionLink.objects.create(source=b, target=c, kind="proposes")
    DecisionLink.objects.create(source=c, target=a, kind="proposes")  # a bad link in the data

    with django_assert_num_queries(1):
        graph = chain_graph.load_graph(decision_ids=[a.pk])

    assert set(graph.nodes) == {a.pk, b.pk, c.pk}
    assert graph.resolve().errors  # reported, not raised


def test_force_of_many_decisions_is_one_query_and_amendments_in_a_cycle_can_be_set_aside(
    django_assert_num_queries,
):
    organ = make_organ(code="KF", name="Kommunfullmäktige")
    a = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2024, 1, 10)))
    b = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2024, 2, 10)))
    c = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2024, 3, 10)))
    DecisionLink.objects.create(source=a, target=b, kind="amends")
    DecisionLink.objects.create(source=b, target=a, kind="amends")  # a bad link in the data
    DecisionLink.objects.create(source=c, target=a, kind="revokes")

    with pytest.raises(ValueError):
        chain_graph.force_of([a.pk, b.pk], on=dt.date(2025, 1, 1))
    with django_assert_num_queries(1):
        force = chain_graph.force_of([a.pk, b.pk], on=dt.date(2025, 1, 1), cycle_as_unlinked=True)

    # The members pages' fallback: every decision as it stands, the revocation set aside too.
    assert set(force) == {a.pk, b.pk}
    assert force[a.pk].in_force and force[b.pk].in_force


def test_linked_cases_without_decisions_are_part_of_the_chain():
    first = make_case()
    second = make_case()
    third = make_case()
    CaseLink.objects.create(from_case=first, to_case=second)
    CaseLink.objects.create(from_case=third, to_case=second)

    graph = chain_graph.load_graph(case_ids=[first.pk])

    assert set(graph.case_ids) == {first.pk, second.pk, third.pk}


@pytest.mark.parametrize("length", [1, 20])
def test_one_query_whatever_the_chain_length(length, django_assert_num_queries):
    organ = make_organ()
    case = make_case()
    previous = None
    for i in range(length):
        meeting = make_meeting(organ=organ, held_on=dt.date(2000 + i, 3, 1))
        decision = make_decision(meeting=meeting, case=case if i == 0 else None)
        if previous:
            DecisionLink.objects.create(source=decision, target=previous, kind="amends")
        previous = decision

    with django_assert_num_queries(1):
        graph = chain_graph.load_graph(case_ids=[case.pk])
    assert len(graph.nodes) == length
    assert all(status.in_force for status in graph.force(dt.date(2030, 1, 1)).values())


def test_a_reference_is_resolved_when_the_decision_is_registered():
    organ = make_organ(code="KF", name="Kommunfullmäktige")
    later = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2025, 6, 1)))
    link = DecisionLink.objects.create(
        source=later, kind="revokes", target_reference="KF 2024-03-04 § 1"
    )
    graph = chain_graph.load_graph(decision_ids=[later.pk])
    assert [row.target_reference for row in graph.references] == ["KF 2024-03-04 § 1"]

    meeting = services.plan_meeting(organ=organ, held_on=dt.date(2024, 3, 4))
    cited = services.add_decision(meeting=meeting, title="Taxa", decision_text="Antas.")

    link.refresh_from_db()
    assert link.target_id == cited.pk
    assert link.target_reference == "KF 2024-03-04 § 1"  # the source's words are kept
    assert not chain_graph.force_of([cited.pk], on=dt.date(2025, 7, 1))[cited.pk].in_force


def test_a_reference_is_not_resolved_to_another_organ_or_date():
    organ = make_organ(code="KF", name="Kommunfullmäktige")
    other = make_organ(code="SN", name="Socialnämnden", organisation=organ.organisation)
    later = make_decision(meeting=make_meeting(organ=organ, held_on=dt.date(2025, 6, 1)))
    link = DecisionLink.objects.create(
        source=later, kind="revokes", target_reference="Kommunfullmäktige 4 mars 2024, § 1"
    )

    services.add_decision(
        meeting=services.plan_meeting(organ=other, held_on=dt.date(2024, 3, 4)), title="X"
    )
    services.add_decision(
        meeting=services.plan_meeting(organ=organ, held_on=dt.date(2024, 3, 5)), title="Y"
    )

    link.refresh_from_db()
    assert link.target_id is None


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("KF 2020-06-15 § 128", True),
        ("Kommunfullmäktiges beslut 15 juni 2020, § 128", True),
        ("KS 2020-06-15 § 128", False),
        ("KF 2020-06-16 § 128", False),
        ("KF 2020-06-15 § 129", False),
        ("2020-06-15 § 128", True),
        ("ett beslut i fullmäktige", False),
    ],
)
def test_reference_matching(reference, expected):
    assert (
        chain_graph.reference_matches(
            reference,
            organ_names=("KF", "Kommunfullmäktige"),
            held_on=dt.date(2020, 6, 15),
            number=128,
        )
        is expected
    )
