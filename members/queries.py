"""Reads for the member pages, the förbund page and the members API.

Each membership's status is derived from its events and the force of the decisions behind
them (RULES.md 34–36; ``members.rules`` on top of ``decisions.rules.in_force``). That force
is computed by the project's one chain loader, ``decisions.chains.force_of``, for all
memberships of a page at once: one recursive query over the event decisions' whole chains,
however long, so a page costs the same number of queries for 1 and for 20 members
(STYLE.md: never one query per hop).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from decisions import chains
from decisions import rules as decision_rules
from decisions.models import Decision
from members import rules
from members.models import Contribution, Membership, MembershipEvent, Organisation

# --------------------------------------------------------------------------------------------
# Decisions behind the events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRef:
    """A decision as the member pages show it. ``title`` is None when the caller may not
    read it yet (a § of a protocol not justerat, for visitors: cases.access)."""

    id: int
    organ_code: str
    organ_name: str
    organisation: str
    held_on: dt.date | None
    year: int | None
    number: int | None
    kind: str
    title: str | None
    approved: bool

    @property
    def label(self) -> str:
        return f"§ {self.number}" if self.number else "§ ?"

    @property
    def url(self) -> str | None:
        """The decision page, when the caller may open it (the history app shows visitors
        only §§ of justerade protocols)."""
        return decision_url(self.id) if self.title is not None else None


def decision_url(decision_id: int) -> str:
    """The decision page (history app); a plain path if that URL is not named."""
    for name in ("history:decision-detail", "history:decision"):
        try:
            return reverse(name, args=[decision_id])
        except NoReverseMatch:
            continue
    return f"/beslut/{decision_id}/"


@dataclass
class DecisionForces:
    """The decisions of a page, each with its force (``decisions.rules.ForceStatus``)."""

    refs: dict[int, DecisionRef]
    force: dict[int, decision_rules.ForceStatus]


def load_decision_forces(
    decision_ids: Iterable[int], *, on: dt.date, may_see_unapproved: bool
) -> DecisionForces:
    """The force on ``on`` of ``decision_ids`` (``decisions.chains.force_of``: one query over
    their whole chains) and the decisions the pages show, those and the decisions that
    ended them (one more query), whatever their number."""
    ids = set(decision_ids)
    if not ids:
        return DecisionForces({}, {})
    force = chains.force_of(sorted(ids), on=on, cycle_as_unlinked=True)
    ids.update(f.ended_by for f in force.values() if isinstance(f.ended_by, int))
    rows = Decision.objects.filter(id__in=ids).values(
        "id",
        "organ__code",
        "organ__name",
        "organ__organisation__name",
        "organ__organisation__short_name",
        "meeting__held_on",
        "meeting__approved_on",
        "meeting__approved_date_unknown",
        "year",
        "number",
        "kind",
        "title",
    )
    refs: dict[int, DecisionRef] = {}
    for row in rows:
        approved = row["meeting__approved_on"] is not None or row["meeting__approved_date_unknown"]
        refs[row["id"]] = DecisionRef(
            id=row["id"],
            organ_code=row["organ__code"],
            organ_name=row["organ__name"],
            organisation=row["organ__organisation__short_name"] or row["organ__organisation__name"],
            held_on=row["meeting__held_on"],
            year=row["year"],
            number=row["number"],
            kind=row["kind"],
            title=row["title"] if (approved or may_see_unapproved) else None,
            approved=approved,
        )
    return DecisionForces(refs, force)


# --------------------------------------------------------------------------------------------
# Memberships with status and timeline
# --------------------------------------------------------------------------------------------

ENDED_REVOKED = "revoked"
ENDED_WITHDRAWN = "withdrawn"
ENDED_ANNULLED = "annulled"


@dataclass
class EventRow:
    """A membership event on the member page: the event, the decision behind it and that
    decision's force, and the rules' reason if the event does not count."""

    event: MembershipEvent
    decision: DecisionRef | None
    force: decision_rules.ForceStatus | None
    ended_by: DecisionRef | None = None
    refused: str = ""
    notice_effective_on: dt.date | None = None


@dataclass
class PeriodRow:
    """A stretch of a membership timeline. For a notice period that did not lead to an
    exit, ``ended_how`` says why (revoked / withdrawn / annulled) and ``would_have_left_on``
    the exit date the notice set."""

    status: str
    start: dt.date | None
    end: dt.date | None
    start_is_latest: bool = False
    ended_how: str = ""
    would_have_left_on: dt.date | None = None
    exit_on: dt.date | None = None
    end_is_latest: bool = False

    @property
    def kind(self) -> str:
        if self.status == rules.STATUS_NOTICE_GIVEN:
            return "notice-ended" if self.ended_how else "notice"
        if self.status == rules.STATUS_LEFT:
            return "left"
        if self.status == rules.STATUS_NOT_MEMBER:
            return "none"
        return "member"


@dataclass
class MemberState:
    """One membership as the pages and the API show it on the date ``on``."""

    membership: Membership
    on: dt.date
    status: rules.MembershipStatus
    periods: list[PeriodRow]
    events: list[EventRow]
    behind: list[DecisionRef] = field(default_factory=list)
    withdrawn_notice_how: str = ""
    withdrawn_notice_effective_on: dt.date | None = None

    @property
    def member(self) -> Organisation:
        return self.membership.member

    @property
    def since(self) -> dt.date | None:
        if self.status.since is None and self.status.status == rules.STATUS_MEMBER:
            return self.membership.joined_on
        return self.status.since

    @property
    def status_key(self) -> str:
        return {
            rules.STATUS_MEMBER: "member",
            rules.STATUS_NOTICE_GIVEN: "notice",
            rules.STATUS_LEFT: "left",
            rules.STATUS_NOT_MEMBER: "none",
        }.get(self.status.status, "member")


def memberships_for_pages() -> QuerySet[Membership]:
    """Memberships with their member, förbund and events (two queries)."""
    return Membership.objects.select_related("member", "federation").prefetch_related(
        Prefetch(
            "events",
            queryset=MembershipEvent.objects.order_by("occurred_on", "occurred_not_after", "id"),
        )
    )


def _ended_how(force: decision_rules.ForceStatus | None) -> str:
    if force is None or force.in_force:
        return ""
    return {
        decision_rules.REVOKES: ENDED_REVOKED,
        decision_rules.WITHDRAWS: ENDED_WITHDRAWN,
        decision_rules.ENDED_BY_ANNULMENT: ENDED_ANNULLED,
    }.get(force.how or "", "")


def member_states(
    memberships: Sequence[Membership], *, on: dt.date, may_see_unapproved: bool = False
) -> list[MemberState]:
    """Status on ``on``, timeline and events of each membership (prefetched with
    ``memberships_for_pages``), with the decisions behind them: two more queries.

    The force of each decision is taken as the register knows it (on ``on`` or today,
    whichever is later); the rules then place each change on its own date, so that a
    notice later revoked still shows its notice period before the revocation.

    A notice ended by a decision of unknown date behind a withdrawal event ends where that
    withdrawal is placed (``rules.with_ending_dates_from_withdrawals``).
    """
    force_on = max(on, decision_rules.today())
    decision_ids = {e.decision_id for m in memberships for e in m.events.all() if e.decision_id}
    forces = load_decision_forces(decision_ids, on=force_on, may_see_unapproved=may_see_unapproved)
    return [_member_state(m, on=on, forces=forces) for m in memberships]


def _member_state(membership: Membership, *, on: dt.date, forces: DecisionForces) -> MemberState:
    events = list(membership.events.all())
    rule_events: list[rules.Event] = []
    rows: list[EventRow] = []
    for e in events:
        force = forces.force.get(e.decision_id) if e.decision_id else None
        ended_by = force.ended_by if force else None
        rule_events.append(
            rules.Event(
                kind=e.kind,
                occurred_on=e.occurred_on,
                occurred_not_after=e.occurred_not_after,
                decision_id=e.decision_id,
                decision_in_force=True if force is None else force.in_force,
                decision_ended_on=force.ended_on if force else None,
                decision_ended_by=ended_by if isinstance(ended_by, int) else None,
                label=str(e.pk),
            )
        )
        rows.append(
            EventRow(
                event=e,
                decision=forces.refs.get(e.decision_id) if e.decision_id else None,
                force=force,
                ended_by=forces.refs.get(ended_by) if isinstance(ended_by, int) else None,
                notice_effective_on=(
                    rules.notice_effective_on(
                        notice_on=e.occurred_on or e.occurred_not_after,
                        notice_years=membership.notice_years,
                    )
                    if e.kind == MembershipEvent.Kind.NOTICE
                    and membership.may_leave
                    and (e.occurred_on or e.occurred_not_after)
                    else None
                ),
            )
        )

    kwargs = {"may_leave": membership.may_leave, "notice_years": membership.notice_years}
    status = rules.membership_status(events=rule_events, on=on, **kwargs)
    refused = {r.event.label: r.message for r in status.refused}
    for row in rows:
        row.refused = refused.get(str(row.event.pk), "")

    by_label = {str(row.event.pk): row for row in rows}
    periods = _periods(
        rules.membership_timeline(events=rule_events, **kwargs),
        notice_years=membership.notice_years,
        rows=rows,
    )

    behind: list[DecisionRef] = []
    for ev in status.events:
        row = by_label.get(ev.label)
        ref = row.decision if row else forces.refs.get(ev.decision_id or 0)
        if ref is not None and ref not in behind:
            behind.append(ref)

    state = MemberState(
        membership=membership,
        on=on,
        status=status,
        periods=periods,
        events=rows,
        behind=behind,
    )
    if status.withdrawn_notice is not None and status.withdrawn_notice.placed_on:
        notice_row = by_label.get(status.withdrawn_notice.label)
        state.withdrawn_notice_how = _how_notice_ended(notice_row, rows)
        state.withdrawn_notice_effective_on = rules.notice_effective_on(
            notice_on=status.withdrawn_notice.placed_on, notice_years=membership.notice_years
        )
    return state


def _how_notice_ended(notice_row: EventRow | None, rows: list[EventRow]) -> str:
    """Revoked (upphävd), withdrawn (återkallad) or annulled: from the notice decision's
    force if it ended, else from the link kind of a withdrawal event's decision."""
    how = _ended_how(notice_row.force if notice_row else None)
    return how or ENDED_WITHDRAWN


def _periods(
    periods: list[rules.Period], *, notice_years: int, rows: list[EventRow]
) -> list[PeriodRow]:
    notices = [r for r in rows if r.event.kind == MembershipEvent.Kind.NOTICE]
    result: list[PeriodRow] = []
    for i, p in enumerate(periods):
        row = PeriodRow(p.status, p.start, p.end, p.start_is_latest)
        if i + 1 < len(periods) and periods[i + 1].start_is_latest:
            row.end_is_latest = True
        if p.status == rules.STATUS_NOTICE_GIVEN and p.start is not None:
            effective = rules.notice_effective_on(notice_on=p.start, notice_years=notice_years)
            following = periods[i + 1] if i + 1 < len(periods) else None
            if following is not None and following.status == rules.STATUS_MEMBER:
                notice_row = next(
                    (
                        r
                        for r in notices
                        if (r.event.occurred_on or r.event.occurred_not_after) == p.start
                    ),
                    None,
                )
                row.ended_how = _how_notice_ended(notice_row, rows)
                row.would_have_left_on = effective
            else:
                row.exit_on = effective
        result.append(row)
    return result


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
