"""Rules 34 and 36 hold at entry by every path: the data-file import, the admin and the
membership services refuse an event the law makes impossible — a notice (or exit) from
Försäkringskassan or Arbetsförmedlingen (rule 34), a withdrawal of a notice dated after the
exit took effect (rule 36) — naming the record and the law, and save nothing. A field the
data file leaves out leaves the stored value alone."""

import datetime as dt
import textwrap

import pytest
from django.core.exceptions import ValidationError

from decisions.importer import ImportFailed, import_text
from members import rules, services
from members.models import Membership, MembershipEvent, Organisation

pytestmark = pytest.mark.django_db

LAW = "lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser"

BASE = """
organisations:
  - {name: Samordningsförbundet Prov, short_name: Prov, kind: federation}
  - {name: Försäkringskassan, kind: agency}
  - {name: Provkommun, kind: municipality}
"""


def _import(body: str):
    return import_text(textwrap.dedent(BASE) + textwrap.dedent(body), source_name="prov.yaml")


def _rows() -> tuple[int, int, int]:
    return (
        Membership.objects.count(),
        MembershipEvent.objects.count(),
        Membership.history.count() + MembershipEvent.history.count(),
    )


# --- the pure rule --------------------------------------------------------------------------


def test_rule_34_a_notice_from_a_member_that_may_not_leave_is_impossible_at_entry():
    notice = rules.Event(rules.NOTICE, dt.date(2024, 5, 1), label="n")
    refused = rules.impossible_at_entry(events=[notice], may_leave=False)
    assert [(r.event.label, r.message) for r in refused] == [("n", rules.NOTICE_NOT_ALLOWED)]
    assert rules.impossible_at_entry(events=[notice], may_leave=True) == []


def test_rule_36_a_withdrawal_after_the_exit_is_impossible_but_one_before_or_undated_is_not():
    notice = rules.Event(rules.NOTICE, dt.date(2020, 5, 1), label="n")
    late = rules.Event(rules.NOTICE_WITHDRAWN, dt.date(2024, 1, 2), label="late")
    in_time = rules.Event(rules.NOTICE_WITHDRAWN, dt.date(2023, 12, 31), label="ok")
    undated = rules.Event(rules.NOTICE_WITHDRAWN, None, dt.date(2024, 6, 1), label="?")
    assert [r.event.label for r in rules.impossible_at_entry(events=[notice, late])] == ["late"]
    assert rules.impossible_at_entry(events=[notice, in_time]) == []
    assert rules.impossible_at_entry(events=[notice, undated]) == []


def test_rules_34_36_entry_message_names_the_record_and_the_law():
    notice = rules.Event(rules.NOTICE, dt.date(2024, 5, 1))
    (refusal,) = rules.impossible_at_entry(events=[notice], may_leave=False)
    message = rules.entry_message(refusal, record="memberships[0].events[0]")
    assert message.startswith("memberships[0].events[0]: Medlemmen kan inte säga upp")
    assert LAW in message
    assert "regel" not in message


# --- the import -----------------------------------------------------------------------------


def test_rule_34_import_refuses_a_notice_from_forsakringskassan_and_saves_nothing():
    before = _rows()
    with pytest.raises(ImportFailed) as exc:
        _import(
            """
            memberships:
              - federation: Prov
                member: Försäkringskassan
                may_leave: false
                events:
                  - {kind: notice, occurred_on: 2024-05-01}
            """
        )
    (error,) = exc.value.errors
    assert error.startswith("memberships[0] (Försäkringskassan).events[0] (notice)")
    assert rules.NOTICE_NOT_ALLOWED.rstrip(".") in error
    assert LAW in error
    assert _rows() == before
    assert not Organisation.objects.filter(name="Försäkringskassan").exists()


def test_rule_34_import_refuses_a_notice_when_the_stored_membership_may_not_leave():
    # The file leaves may_leave out: the stored false holds, and the notice is impossible —
    # refused by the reader (against the stored value) before anything is written.
    _import("memberships:\n  - {federation: Prov, member: Försäkringskassan, may_leave: false}\n")
    before = _rows()
    with pytest.raises(ImportFailed) as exc:
        _import(
            """
            memberships:
              - federation: Prov
                member: Försäkringskassan
                events:
                  - {kind: utträtt, occurred_on: 2024-12-31}
            """
        )
    assert LAW in exc.value.errors[0]
    assert _rows() == before


def test_rule_36_import_refuses_a_withdrawal_after_the_exit_and_saves_nothing():
    before = _rows()
    with pytest.raises(ImportFailed) as exc:
        _import(
            """
            memberships:
              - federation: Prov
                member: Provkommun
                events:
                  - {kind: notice, occurred_on: 2020-05-01}
                  - {kind: notice_withdrawn, occurred_on: 2024-02-01}
            """
        )
    (error,) = exc.value.errors
    assert error.startswith("memberships[0] (Provkommun).events[1] (notice_withdrawn)")
    assert "2024-02-01" in error and "2023-12-31" in error
    assert LAW in error
    assert _rows() == before


def test_rule_36_import_refuses_a_late_withdrawal_against_a_notice_already_stored():
    # The notice is stored; a later file brings only the withdrawal: the reader cannot see the
    # notice, the writer's check with the stored events refuses it and the transaction rolls
    # back.
    _import(
        """
        memberships:
          - federation: Prov
            member: Provkommun
            events:
              - {kind: notice, occurred_on: 2020-05-01, note: a}
        """
    )
    before = _rows()
    with pytest.raises(ImportFailed) as exc:
        _import(
            """
            memberships:
              - federation: Prov
                member: Provkommun
                events:
                  - {kind: notice_withdrawn, occurred_on: 2024-02-01}
            """
        )
    (error,) = exc.value.errors
    assert error.startswith("memberships[0] (Provkommun).events[0] (notice_withdrawn)")
    assert LAW in error
    assert _rows() == before


def test_a_field_left_out_of_the_data_file_leaves_the_stored_value_alone():
    _import(
        "memberships:\n"
        "  - {federation: Prov, member: Försäkringskassan, may_leave: false, notice_years: 2}\n"
    )
    membership = Membership.objects.get(member__name="Försäkringskassan")
    assert (membership.may_leave, membership.notice_years) == (False, 2)

    result = _import("memberships:\n  - {federation: Prov, member: Försäkringskassan}\n")

    membership.refresh_from_db()
    assert (membership.may_leave, membership.notice_years) == (False, 2)
    assert not result.changed_anything


def test_a_new_membership_without_may_leave_gets_the_default():
    _import("memberships:\n  - {federation: Prov, member: Provkommun}\n")
    membership = Membership.objects.get(member__name="Provkommun")
    assert (membership.may_leave, membership.notice_years) == (True, 3)


# --- the services ---------------------------------------------------------------------------


@pytest.fixture
def prov():
    federation = Organisation.objects.create(name="Förbundet Prov", kind="federation")
    fk = Organisation.objects.create(name="Försäkringskassan", kind="agency")
    town = Organisation.objects.create(name="Provkommun", kind="municipality")
    return (
        Membership.objects.create(federation=federation, member=fk, may_leave=False),
        Membership.objects.create(federation=federation, member=town),
    )


def test_rule_34_service_refuses_a_notice_from_forsakringskassan(prov):
    fk, _town = prov
    with pytest.raises(ValidationError) as exc:
        services.record_membership_event(
            membership=fk, kind="notice", occurred_on=dt.date(2024, 5, 1), reason="prov"
        )
    assert "Försäkringskassan" in exc.value.messages[0]
    assert LAW in exc.value.messages[0]
    assert not MembershipEvent.objects.exists()
    assert not MembershipEvent.history.exists()


def test_rule_36_service_refuses_a_withdrawal_after_the_exit(prov):
    _fk, town = prov
    services.record_membership_event(
        membership=town, kind="notice", occurred_on=dt.date(2020, 5, 1), reason="prov"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_membership_event(
            membership=town, kind="notice_withdrawn", occurred_on=dt.date(2024, 1, 1), reason="p"
        )
    assert "Provkommun" in exc.value.messages[0] and LAW in exc.value.messages[0]
    assert list(MembershipEvent.objects.values_list("kind", flat=True)) == ["notice"]

    withdrawal = services.record_membership_event(
        membership=town, kind="notice_withdrawn", occurred_on=dt.date(2023, 12, 31), reason="p"
    )
    with pytest.raises(ValidationError):
        services.change_membership_event(withdrawal, occurred_on=dt.date(2024, 3, 1), reason="p")
    withdrawal.refresh_from_db()
    assert withdrawal.occurred_on == dt.date(2023, 12, 31)


# --- the admin ------------------------------------------------------------------------------


def _inline_post(membership, events, *, may_leave):
    data = {
        "federation": membership.federation_id,
        "member": membership.member_id,
        "notice_years": membership.notice_years,
        "events-TOTAL_FORMS": str(len(events)),
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    if may_leave:
        data["may_leave"] = "on"
    for i, (kind, on) in enumerate(events):
        data |= {f"events-{i}-kind": kind, f"events-{i}-occurred_on": on, f"events-{i}-note": ""}
    return data


def test_rule_34_admin_refuses_a_notice_from_forsakringskassan(admin_client, prov):
    fk, _town = prov
    url = f"/admin/members/membership/{fk.pk}/change/"
    response = admin_client.post(url, _inline_post(fk, [("notice", "2024-05-01")], may_leave=False))
    assert response.status_code == 200
    assert LAW in response.content.decode()
    assert not MembershipEvent.objects.exists()

    response = admin_client.post(
        "/admin/members/membershipevent/add/",
        {"membership": fk.pk, "kind": "notice", "occurred_on": "2024-05-01", "note": ""},
    )
    assert response.status_code == 200
    assert LAW in response.content.decode()
    assert not MembershipEvent.objects.exists()


def test_rule_34_admin_refuses_may_leave_off_for_a_member_with_a_notice(admin_client, prov):
    _fk, town = prov
    services.record_membership_event(
        membership=town, kind="notice", occurred_on=dt.date(2024, 5, 1), reason="prov"
    )
    event = town.events.get()
    data = _inline_post(town, [], may_leave=False) | {
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": event.pk,
        "events-0-membership": town.pk,
        "events-0-kind": "notice",
        "events-0-occurred_on": "2024-05-01",
        "events-0-note": "",
    }
    response = admin_client.post(f"/admin/members/membership/{town.pk}/change/", data)
    assert response.status_code == 200
    assert LAW in response.content.decode()
    town.refresh_from_db()
    assert town.may_leave is True


def test_rule_36_admin_refuses_a_withdrawal_after_the_exit(admin_client, prov):
    _fk, town = prov
    url = f"/admin/members/membership/{town.pk}/change/"
    late = [("notice", "2020-05-01"), ("notice_withdrawn", "2024-01-01")]
    response = admin_client.post(url, _inline_post(town, late, may_leave=True))
    assert response.status_code == 200
    assert LAW in response.content.decode()
    assert not MembershipEvent.objects.exists()

    in_time = [("notice", "2020-05-01"), ("notice_withdrawn", "2023-12-31")]
    response = admin_client.post(url, _inline_post(town, in_time, may_leave=True))
    assert response.status_code == 302
    assert MembershipEvent.objects.count() == 2
