"""Bad input to the decision services (the writes behind every page and the admin) and to the
admin's decision links, the only page that writes them (tests/bad_input.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from decisions.meetings import services as meetings
from decisions.models import Decision
from tests.bad_input import (
    World,
    client_for,
    counts,
    page_text,
)

pytestmark = pytest.mark.django_db


@dataclass
class ServiceCase:
    id: str
    call: Callable[[World], object]
    message: str


def _ballots(w: World, extra=()):
    return [(p, "yes") for p in w.participants[:3]] + [(w.participants[3], "no"), *extra]


SERVICES = [
    ServiceCase(
        "vote-counts-do-not-add-up",
        lambda w: meetings.record_vote(
            decision=w.decision, question="Bifall?", ballots=_ballots(w), counts=(4, 0, 0)
        ),
        "Rösterna stämmer inte med resultatet: voteringslistan ger 3 ja, 1 nej, 0 avstår",
    ),
    ServiceCase(
        "vote-by-non-participant",
        lambda w: meetings.record_vote(
            decision=w.decision,
            question="Bifall?",
            ballots=_ballots(w, [(w.outsider, "yes")]),
        ),
        "deltar inte i paragrafen och kan inte rösta",
    ),
    ServiceCase(
        "vote-twice",
        lambda w: meetings.record_vote(
            decision=w.decision,
            question="Bifall?",
            ballots=_ballots(w, [(w.participants[0], "no")]),
        ),
        "har redan röstat i voteringen",
    ),
    ServiceCase(
        "vote-invalid-choice",
        lambda w: meetings.record_vote(
            decision=w.decision, question="Bifall?", ballots=[(w.participants[0], "kanske")]
        ),
        "Ogiltig röst: kanske",
    ),
    ServiceCase(
        "reservation-by-non-participant",
        lambda w: meetings.add_reservation(decision=w.decision, person=w.outsider),
        "deltog inte i beslutet och kan inte reservera sig",
    ),
    ServiceCase(
        "paragraph-out-of-series",
        lambda w: meetings.add_decision(meeting=w.meeting, title="Budget", number=40),
        "§ 40 följer inte på föregående paragraf",
    ),
    ServiceCase(
        "paragraph-number-taken",
        lambda w: meetings.add_decision(
            meeting=w.meeting, title="Budget", number=w.decision.number
        ),
        "finns redan för Kommunstyrelsen 2026",
    ),
    ServiceCase(
        "paragraph-in-justerat-protocol",
        lambda w: meetings.add_decision(meeting=w.approved_meeting, title="Sent tillägg"),
        "Protokollet är justerat och kan inte ändras.",
    ),
    ServiceCase(
        "posting-before-justering",
        lambda w: meetings.post_minutes(meeting=w.meeting, posted_on=dt.date(2026, 10, 6)),
        "Protokollet kan inte anslås innan det är justerat.",
    ),
    ServiceCase(
        "removal-before-last-appeal-day",
        lambda w: meetings.remove_posting(
            meeting=w.approved_meeting, removed_on=dt.date(2026, 9, 25)
        ),
        "Anslaget får inte tas ned före den 2026-10-03",
    ),
    ServiceCase(
        "minority-referral-in-a-board",
        lambda w: meetings.check_minority_referral(decision=w.decision, supporters=5, present=9),
        "Minoritetsåterremiss är bara möjlig i fullmäktige",
    ),
]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in SERVICES],
)
def test_a_decision_service_refuses_bad_input(case: ServiceCase, world):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        case.call(world)
    assert counts() == before
    assert any(case.message in m for m in refused.value.messages), refused.value.messages


# --- decision links through the admin (the only page that writes them) -------------------------


@dataclass
class LinkCase:
    id: str
    source: str
    kind: str
    target: str
    message: str


def _decision(label: str) -> Decision:
    org, code, year, number = label.split()
    return Decision.objects.get(
        organ__organisation__short_name=org, organ__code=code, year=int(year), number=int(number)
    )


LINKS = [
    LinkCase("cycle", "Härryda KS 2020 242", "refers_back", "Härryda VFN 2020 114", "cirkel"),
    LinkCase(
        "points-forward", "Härryda VFN 2019 256", "amends", "Härryda VFN 2022 222", "senare beslut"
    ),
    LinkCase(
        "revocation-without-competence",
        "Härryda VFN 2022 222",
        "revokes",
        "Härryda KF 2020 128",
        "behörighet",
    ),
    LinkCase(
        "across-organisations",
        "Alingsås SN 2023 56",
        "revokes",
        "Härryda VFN 2019 256",
        "annan organisation",
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in LINKS])
def test_a_decision_link_that_breaks_the_chain_rules_is_refused(case: LinkCase, world):
    client = client_for(world, "admin")
    source, target = _decision(case.source), _decision(case.target)
    before = counts()
    response = client.post(
        "/admin/decisions/decisionlink/add/",
        {"source": source.pk, "kind": case.kind, "target": target.pk, "note": "prov"},
    )
    assert response.status_code in (200, 400), response.status_code
    assert counts() == before
    assert case.message in page_text(response)
