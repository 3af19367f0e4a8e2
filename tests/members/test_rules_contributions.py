"""The yearly contributions to a samordningsförbund (RULES.md 33), without the database.

The 2019 annual report (seed 004, Not 1) gives: total 14 400 000 kr; state 7 200 000;
region 3 600 000; Mölndal 1 054 800; Partille 612 000; Härryda 608 400; Lerum 666 000;
Alingsås 658 800. The municipal amounts are whole multiples of 1 200 kr (100 kr a month):
879, 510, 507, 555 and 549 units, 3 000 units = 3 600 000 kr in all.
"""

from decimal import Decimal

import pytest

from members import rules
from members.rules import largest_remainder, split_contributions

SEED_TOTAL = 14_400_000
SEED_STATE = Decimal(7_200_000)
SEED_REGION = Decimal(3_600_000)
SEED_MUNICIPALITIES = {
    "Mölndal": Decimal(1_054_800),
    "Partille": Decimal(612_000),
    "Härryda": Decimal(608_400),
    "Lerum": Decimal(666_000),
    "Alingsås": Decimal(658_800),
}


def test_the_seeded_municipal_amounts_are_whole_hundreds_of_kronor_a_month_summing_exactly():
    assert all(amount % 1200 == 0 for amount in SEED_MUNICIPALITIES.values())
    assert sum(SEED_MUNICIPALITIES.values()) == SEED_REGION == Decimal(3000 * 1200)


def test_state_pays_half_and_region_and_municipalities_a_quarter_each():
    split = split_contributions(total=SEED_TOTAL, populations={"A": 1, "B": 1}, unit=1200)

    assert split.state == SEED_STATE
    assert split.region == SEED_REGION
    assert split.municipalities_total == Decimal(3_600_000)
    assert split.state + split.region + split.municipalities_total == SEED_TOTAL


def test_populations_proportional_to_the_seed_figures_give_exactly_the_seed_figures():
    populations = {name: int(amount / 120) for name, amount in SEED_MUNICIPALITIES.items()}

    split = split_contributions(total=SEED_TOTAL, populations=populations, unit=1200)

    assert split.state == SEED_STATE
    assert split.region == SEED_REGION
    assert split.municipalities == SEED_MUNICIPALITIES
    assert split.municipalities_total == SEED_REGION


@pytest.mark.parametrize(
    "offsets",
    [
        pytest.param((0, 0, 0, 0, 0), id="exactly-proportional"),
        pytest.param((30, -25, 20, -30, 10), id="slightly-off"),
        pytest.param((-35, 35, -35, 35, 0), id="near-half-unit"),
    ],
)
def test_a_population_key_rounded_to_whole_1200_kronor_reproduces_the_seed_figures(offsets):
    # 76 inhabitants per 1 200 kr unit (about the real ratio: ~228 000 inhabitants), with
    # offsets under half a unit: the rounding to whole units must land on the seeds.
    units = {name: int(amount / 1200) for name, amount in SEED_MUNICIPALITIES.items()}
    populations = {
        name: count * 76 + offset
        for (name, count), offset in zip(units.items(), offsets, strict=True)
    }

    split = split_contributions(total=SEED_TOTAL, populations=populations, unit=1200)

    assert split.municipalities == SEED_MUNICIPALITIES


def test_largest_remainder_keeps_the_total_where_rounding_each_share_would_not():
    weights = {f"kommun {i}": 1000 for i in range(7)}

    parts = largest_remainder(units=3000, weights=weights)

    assert sum(round(3000 / 7) for _ in weights) == 3003
    assert sum(parts.values()) == 3000
    assert sorted(parts.values()) == [428, 428, 428, 429, 429, 429, 429]


def test_ties_in_the_remainders_go_to_the_larger_population_then_the_name():
    by_population = largest_remainder(units=2, weights={"A": 1, "B": 3})
    by_name = largest_remainder(units=2, weights={"B": 1, "A": 1, "C": 2})

    assert by_population == {"A": 0, "B": 2}
    assert by_name == {"A": 1, "B": 0, "C": 1}


def test_whole_kronor_is_the_default_unit():
    split = split_contributions(total=400, populations={"A": 2, "B": 1})

    assert split.municipalities == {"A": Decimal(67), "B": Decimal(33)}
    assert split.municipalities_total == Decimal(100)


def test_a_quarter_that_cannot_be_cut_in_whole_units_is_refused():
    with pytest.raises(ValueError) as error:
        split_contributions(total=14_400_400, populations={"A": 1}, unit=1200)

    assert str(error.value) == rules.CONTRIBUTION_NOT_DIVISIBLE.format(
        pool=Decimal("3600100"), unit=Decimal(1200)
    )


def test_a_total_that_cannot_be_halved_and_quartered_in_ore_is_refused():
    with pytest.raises(ValueError, match=rules.CONTRIBUTION_NOT_IN_ORE):
        split_contributions(total=Decimal("0.01"), populations={"A": 1})


@pytest.mark.parametrize(
    "populations, message",
    [
        pytest.param({}, rules.CONTRIBUTION_NO_MUNICIPALITIES, id="none"),
        pytest.param({"A": -1}, rules.CONTRIBUTION_BAD_POPULATION, id="negative"),
        pytest.param({"A": 0}, rules.CONTRIBUTION_BAD_POPULATION, id="all-zero"),
    ],
)
def test_populations_must_be_given_and_sane(populations, message):
    with pytest.raises(ValueError) as error:
        split_contributions(total=SEED_TOTAL, populations=populations)

    assert str(error.value) == message
