"""Rule 35 (RULES.md): the förbund continues after a member leaves only on a decision dated
before the leaving member's effective date, with at least one kommun, one region,
Försäkringskassan and Arbetsförmedlingen remaining; otherwise likvidation. No database."""

import datetime as dt

import pytest

from members.rules import (
    CONTINUATION_NO_AF,
    CONTINUATION_NO_DECISION,
    CONTINUATION_NO_FK,
    CONTINUATION_NO_MUNICIPALITY,
    CONTINUATION_NO_REGION,
    FEDERATION_ACTIVE,
    FEDERATION_LIQUIDATION,
    federation_continuation,
)

D = dt.date
# Insjöriket if Härryda's notice of 2020 had stood: effective 2023-12-31 (rule 34).
EFFECTIVE = D(2023, 12, 31)
FK = ("agency", "Försäkringskassan")
AF = ("agency", "Arbetsförmedlingen")
VGR = ("region", "Västra Götalandsregionen")
MUNICIPALITIES = [("municipality", n) for n in ("Alingsås", "Lerum", "Mölndal", "Partille")]
ALL_REMAINING = [FK, AF, VGR, *MUNICIPALITIES]


@pytest.mark.parametrize(
    "decided_on",
    [D(2020, 9, 1), D(2023, 12, 30)],
    ids=["long-before", "the-day-before-the-effective-date"],
)
def test_rule_35_a_timely_decision_with_every_kind_of_member_remaining_continues(decided_on):
    result = federation_continuation(
        decided_on=decided_on, leaving_effective_on=EFFECTIVE, remaining=ALL_REMAINING
    )
    assert result.valid
    assert result.status == FEDERATION_ACTIVE
    assert result.reasons == ()


@pytest.mark.parametrize(
    "decided_on",
    [D(2023, 12, 31), D(2024, 1, 15)],
    ids=["on-the-effective-date", "after-the-effective-date"],
)
def test_rule_35_a_decision_not_before_the_effective_date_means_likvidation(decided_on):
    result = federation_continuation(
        decided_on=decided_on, leaving_effective_on=EFFECTIVE, remaining=ALL_REMAINING
    )
    assert not result.valid
    assert result.status == FEDERATION_LIQUIDATION
    assert result.reasons == (
        f"Beslutet om fortsatt verksamhet ({decided_on.isoformat()}) är inte fattat före den "
        "dag utträdet träder i kraft (2023-12-31).",
    )


def test_rule_35_no_decision_at_all_means_likvidation():
    result = federation_continuation(
        decided_on=None, leaving_effective_on=EFFECTIVE, remaining=ALL_REMAINING
    )
    assert result.status == FEDERATION_LIQUIDATION
    assert result.reasons == (CONTINUATION_NO_DECISION,)


@pytest.mark.parametrize(
    ("remaining", "reason"),
    [
        ([FK, AF, VGR], CONTINUATION_NO_MUNICIPALITY),
        ([FK, AF, *MUNICIPALITIES], CONTINUATION_NO_REGION),
        ([AF, VGR, *MUNICIPALITIES], CONTINUATION_NO_FK),
        ([FK, VGR, *MUNICIPALITIES], CONTINUATION_NO_AF),
    ],
    ids=["no-kommun", "no-region", "no-forsakringskassan", "no-arbetsformedlingen"],
)
def test_rule_35_a_missing_kind_of_member_means_likvidation(remaining, reason):
    result = federation_continuation(
        decided_on=D(2021, 3, 1), leaving_effective_on=EFFECTIVE, remaining=remaining
    )
    assert result.status == FEDERATION_LIQUIDATION
    assert result.reasons == (reason,)


def test_rule_35_one_kommun_is_enough():
    result = federation_continuation(
        decided_on=D(2021, 3, 1),
        leaving_effective_on=EFFECTIVE,
        remaining=[FK, AF, VGR, ("municipality", "Lerum")],
    )
    assert result.valid


def test_rule_35_every_reason_is_listed_when_several_apply():
    result = federation_continuation(
        decided_on=D(2024, 2, 1), leaving_effective_on=EFFECTIVE, remaining=[FK]
    )
    assert result.status == FEDERATION_LIQUIDATION
    assert len(result.reasons) == 4
    assert CONTINUATION_NO_AF in result.reasons
    assert CONTINUATION_NO_REGION in result.reasons
    assert CONTINUATION_NO_MUNICIPALITY in result.reasons
