"""Yearly contributions to a förbund and the check of their split (rule 33: FK pays the state's
half, the region a quarter, the municipalities a quarter by population)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from members import rules
from members.models import Contribution, Organisation

# --------------------------------------------------------------------------------------------
# Contributions (rule 33)
# --------------------------------------------------------------------------------------------

STATE = "state"
REGION = "region"
MUNICIPALITY = "municipality"
# The units the förbund may round a municipality's yearly share to, largest first: whole
# hundreds of kronor a month (1 200 kr a year; Insjöriket 2019), hundreds, kronor, ören.
ROUNDING_UNITS = (Decimal(1200), Decimal(100), Decimal(1), Decimal("0.01"))


def payer_group(contribution: Contribution) -> str:
    """State (the Försäkringskassan line for both agencies), region or municipality."""
    payer = contribution.payer
    if payer is None or payer.kind == Organisation.Kind.AGENCY:
        return STATE
    if payer.kind == Organisation.Kind.REGION:
        return REGION
    return MUNICIPALITY


def format_kr(value: Decimal | None) -> str:
    """Swedish number formatting of an amount in kronor: "1 054 800", "7 492,50", with a
    no-break space between the thousands and a real minus sign."""
    if value is None:
        return "–"
    places = 0 if value == value.to_integral_value() else 2
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return text.replace("-", "\u2212")


@dataclass
class ShareCheck:
    """One line of the split check: what was paid against the rule's share."""

    label: str
    paid: Decimal
    expected: Decimal
    fraction: str = ""

    @property
    def difference(self) -> Decimal:
        return self.paid - self.expected

    @property
    def ok(self) -> bool:
        return self.difference == 0

    @property
    def paid_kr(self) -> str:
        return format_kr(self.paid)

    @property
    def expected_kr(self) -> str:
        return format_kr(self.expected)

    @property
    def difference_kr(self) -> str:
        if self.difference > 0:
            return "+" + format_kr(self.difference)
        return format_kr(self.difference)


@dataclass
class YearCheck:
    """Rule 33 for one year: the state's half, the region's quarter and the
    municipalities' quarter, each municipality's share by the key."""

    year: int
    total: Decimal
    groups: list[ShareCheck]
    municipalities: list[ShareCheck]
    unit: Decimal | None
    key_from_population: bool
    error: str = ""

    @property
    def total_kr(self) -> str:
        return format_kr(self.total)

    @property
    def unit_kr(self) -> str:
        return format_kr(self.unit)

    @property
    def ok(self) -> bool:
        return not self.error and all(c.ok for c in [*self.groups, *self.municipalities])


@dataclass
class ContributionRow:
    label: str
    payer: Organisation | None
    amounts: list[Decimal | None]

    @property
    def amounts_kr(self) -> list[str]:
        return [format_kr(a) for a in self.amounts]


@dataclass
class ContributionTable:
    years: list[int]
    rows: list[ContributionRow]
    totals: list[Decimal]
    checks: list[YearCheck]

    @property
    def totals_kr(self) -> list[str]:
        return [format_kr(t) for t in self.totals]


def contribution_table(contributions: Iterable[Contribution]) -> ContributionTable:
    """Contributions per payer (rows) and year (columns), with rule 33's check per year."""
    by_year: dict[int, list[Contribution]] = defaultdict(list)
    labels: dict[str, Organisation | None] = {}
    order: dict[str, tuple[int, str]] = {}
    group_order = {STATE: 0, REGION: 1, MUNICIPALITY: 2}
    for c in contributions:
        by_year[c.year].append(c)
        labels.setdefault(c.payer_label, c.payer)
        order.setdefault(c.payer_label, (group_order[payer_group(c)], c.payer_label))
    years = sorted(by_year)
    amounts = {(c.year, c.payer_label): c.amount for y in years for c in by_year[y]}
    rows = [
        ContributionRow(label, labels[label], [amounts.get((y, label)) for y in years])
        for label in sorted(labels, key=lambda name: order[name])
    ]
    totals = [sum((c.amount for c in by_year[y]), Decimal(0)) for y in years]
    checks = [check_year(y, by_year[y]) for y in years]
    return ContributionTable(years, rows, totals, checks)


def check_year(year: int, contributions: list[Contribution]) -> YearCheck:
    """Rule 33 for one year with ``rules.split_contributions``. The key is the
    municipalities' population when every municipal line has it; otherwise (the seeds:
    the annual report does not give the populations) the municipalities' own paid shares,
    so that the check still tests the ½ / ¼ / ¼ split and the rounding. The rounding unit
    is the largest of ``ROUNDING_UNITS`` that divides the municipalities' quarter."""
    total = sum((c.amount for c in contributions), Decimal(0))
    paid = {STATE: Decimal(0), REGION: Decimal(0), MUNICIPALITY: Decimal(0)}
    municipal = [c for c in contributions if payer_group(c) == MUNICIPALITY]
    for c in contributions:
        paid[payer_group(c)] += c.amount
    from_population = bool(municipal) and all(c.population is not None for c in municipal)
    weights = {
        c.payer_label: int(c.population) if from_population else int(c.amount * 100)  # type: ignore[arg-type]
        for c in municipal
    }
    error = ""
    split = None
    unit = None
    for candidate in ROUNDING_UNITS:
        try:
            split = rules.split_contributions(total=total, populations=weights, unit=candidate)
        except ValueError as exc:
            error = str(exc)
            continue
        unit, error = candidate, ""
        break
    groups = [
        ShareCheck(_("Staten"), paid[STATE], split.state if split else total / 2, "½"),
        ShareCheck(_("Regionen"), paid[REGION], split.region if split else total / 4, "¼"),
        ShareCheck(
            _("Kommunerna"),
            paid[MUNICIPALITY],
            split.municipalities_total if split else total / 4,
            "¼",
        ),
    ]
    municipalities = [
        ShareCheck(c.payer_label, c.amount, split.municipalities[c.payer_label])
        for c in municipal
        if split is not None
    ]
    return YearCheck(year, total, groups, municipalities, unit, from_population, error)


def contributions_of(federation: Organisation) -> QuerySet[Contribution]:
    """The förbund's contributions with their payers (one query)."""
    return Contribution.objects.filter(federation=federation).select_related("payer")
