"""Pure domain rules for memberships of a samordningsförbund (lag 2003:1210): the notice
period, a member's status on a date, its timeline (RULES.md 34–36), whether the förbund may
continue when a member leaves (rule 35), and the split of the yearly contributions (rule 33).

No ORM: callers turn ``MembershipEvent`` rows into ``Event`` values, saying for each whether
the decision behind it is still in force (``decisions.rules.in_force``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

# --------------------------------------------------------------------------------------------
# Messages (Swedish: users read them; tests assert them)
# --------------------------------------------------------------------------------------------

NOTICE_NOT_ALLOWED = (
    "Medlemmen kan inte säga upp sitt medlemskap: Försäkringskassan och Arbetsförmedlingen "
    "kan inte utträda ur ett samordningsförbund."
)
NOTICE_ALREADY_GIVEN = "Medlemmen har redan sagt upp sitt medlemskap."
NOTICE_AFTER_LEAVING = "Medlemmen har redan utträtt ur förbundet."
WITHDRAWAL_WITHOUT_NOTICE = "Det finns ingen uppsägning att återkalla."
WITHDRAWAL_AFTER_EXIT = (
    "Uppsägningen kan inte återkallas {withdrawn_on}: utträdet trädde i kraft vid utgången av "
    "{effective_on}. Ett nytt inträde kräver en ny förbundsordning."
)
WITHDRAWAL_DATE_UNCERTAIN = (
    "Återkallelsens datum är okänt och kan ha infallit efter att utträdet trädde i kraft "
    "vid utgången av {effective_on}."
)
EVENT_DATE_UNKNOWN = "Händelsens datum är okänt och kan inte placeras i tiden."
EVENT_DECISION_NOT_IN_FORCE = "Beslutet bakom händelsen gäller inte längre."
DECISION_ENDED_LABEL = "Beslutet om uppsägning upphävdes."

CONTRIBUTION_NO_MUNICIPALITIES = "Det finns inga kommuner att fördela kommunernas andel på."
CONTRIBUTION_BAD_POPULATION = "Invånarantalet måste vara ett heltal större än eller lika med 0."
CONTRIBUTION_NOT_DIVISIBLE = (
    "Kommunernas andel ({pool} kr) går inte att dela i hela poster om {unit} kr."
)
CONTRIBUTION_NOT_IN_ORE = "Totalbeloppet går inte att dela i hälften och fjärdedelar i hela ören."

# --------------------------------------------------------------------------------------------
# Rules 34–36: notice, status, timeline
# --------------------------------------------------------------------------------------------

JOINED = "joined"
NOTICE = "notice"
NOTICE_WITHDRAWN = "notice_withdrawn"
LEFT = "left"
_KIND_ORDER = {JOINED: 0, NOTICE: 1, NOTICE_WITHDRAWN: 2, LEFT: 3}

STATUS_NOT_MEMBER = "ej medlem"
STATUS_MEMBER = "medlem"
STATUS_NOTICE_GIVEN = "uppsägning beslutad"
STATUS_LEFT = "utträtt"


def notice_effective_on(*, notice_on: dt.date, notice_years: int = 3) -> dt.date:
    """Rule 34: notice given on ``notice_on`` takes effect at the end of the year of
    notice plus ``notice_years`` (Insjöriket's förbundsordning § 15: three calendar years).
    Notice in 2020 → 2023-12-31; in 2021 → 2024-12-31."""
    return dt.date(notice_on.year + notice_years, 12, 31)


@dataclass(frozen=True)
class Event:
    """A ``MembershipEvent`` as the rules see it. ``occurred_on`` may be unknown; then
    ``occurred_not_after`` is the latest date the sources allow. A ``left`` event is dated
    the day the exit took effect (the last day of membership, e.g. 2023-12-31).
    ``decision_in_force`` is whether the decision behind the event is still in force
    (``decisions.rules.in_force``). An event whose decision is no longer in force does not
    count — except that a notice decision revoked (or annulled) on a known
    ``decision_ended_on`` counted until then: the revocation then works as a withdrawal of
    the notice from that date (rule 36), so the history keeps its notice period.
    ``decision_ended_by`` is the id of the decision that ended it, if any (see
    ``with_ending_dates_from_withdrawals`` for when its date is unknown).
    """

    kind: str
    occurred_on: dt.date | None
    occurred_not_after: dt.date | None = None
    decision_id: int | None = None
    decision_in_force: bool = True
    decision_ended_on: dt.date | None = None
    label: str = ""
    decision_ended_by: int | None = None

    @property
    def placed_on(self) -> dt.date | None:
        """The date the rules place the event on: its date, else the latest it can be."""
        return self.occurred_on or self.occurred_not_after


@dataclass(frozen=True)
class Refusal:
    """An event the rules did not count, and why (a Swedish message). ``impossible`` is
    true when the law makes the event impossible, not merely uncounted (rule 34: a member
    that may not leave gave notice or left; rule 36: a notice withdrawn after the exit took
    effect): such an event is refused at entry (``impossible_at_entry``)."""

    event: Event
    message: str
    impossible: bool = False


@dataclass(frozen=True)
class MembershipStatus:
    """A member's status on a date.

    ``since`` is the day the status began; when it was set by an event of unknown date,
    ``since_is_latest`` says it is the latest possible day. ``notice_effective_on`` is the
    exit date of a pending notice ("uppsägning beslutad") or of the exit ("utträtt").
    After a notice was withdrawn the status is plain "medlem" from the withdrawal, and
    ``withdrawn_notice`` holds the notice that no longer counts (the page shows both).
    ``events`` are the events behind the status; ``refused`` the events not counted, with
    why.
    """

    status: str
    since: dt.date | None
    notice_effective_on: dt.date | None = None
    events: tuple[Event, ...] = ()
    withdrawn_notice: Event | None = None
    since_is_latest: bool = False
    refused: tuple[Refusal, ...] = ()


def with_ending_dates_from_withdrawals(events: Iterable[Event]) -> list[Event]:
    """RULES.md 36: a notice whose decision was ended by a decision of unknown date that is
    itself behind a withdrawal event of the same membership ends where that withdrawal is
    placed (its date, or the latest date it can have), so the notice period is kept rather
    than the notice dropped. The seeds: Härryda's and Alingsås's KF decisions whose dates
    the sources do not give. Other events are returned as they are."""
    events = list(events)
    withdrawal_on = {
        e.decision_id: e.placed_on
        for e in events
        if e.kind == NOTICE_WITHDRAWN and e.decision_id is not None
    }
    return [
        replace(e, decision_ended_on=withdrawal_on[e.decision_ended_by])
        if e.kind == NOTICE
        and not e.decision_in_force
        and e.decision_ended_on is None
        and e.decision_ended_by in withdrawal_on
        else e
        for e in events
    ]


def _replay(
    events: Iterable[Event], *, may_leave: bool, notice_years: int
) -> tuple[list[MembershipStatus], list[Refusal]]:
    """Every change of status the events bring about, in order (RULES.md 34–36)."""
    events = with_ending_dates_from_withdrawals(events)
    refused: list[Refusal] = []
    placed: list[Event] = []
    implied: set[int] = set()  # ids of withdrawals implied by a revoked notice decision
    for event in events:
        if event.placed_on is None:
            refused.append(Refusal(event, EVENT_DATE_UNKNOWN))
        elif event.decision_in_force:
            placed.append(event)
        elif event.kind == NOTICE and event.decision_ended_on is not None:
            placed.append(replace(event, decision_in_force=True))
            withdrawal = Event(
                NOTICE_WITHDRAWN,
                event.decision_ended_on,
                decision_id=event.decision_id,
                label=DECISION_ENDED_LABEL,
            )
            implied.add(id(withdrawal))
            placed.append(withdrawal)
        else:
            refused.append(Refusal(event, EVENT_DECISION_NOT_IN_FORCE))
    placed.sort(key=lambda e: (e.placed_on, _KIND_ORDER.get(e.kind, 9), id(e) in implied))

    has_joined = any(e.kind == JOINED for e in placed)
    changes = [MembershipStatus(STATUS_NOT_MEMBER if has_joined else STATUS_MEMBER, None)]
    pending: Event | None = None
    pending_effective: dt.date | None = None
    exit_on: dt.date | None = None

    def leave(effective: dt.date, behind: tuple[Event, ...]) -> None:
        nonlocal pending, pending_effective, exit_on
        changes.append(
            MembershipStatus(STATUS_LEFT, effective + dt.timedelta(days=1), effective, behind)
        )
        pending, pending_effective, exit_on = None, None, effective

    for event in placed:
        when = event.placed_on
        assert when is not None
        if pending is not None and pending_effective is not None and pending_effective < when:
            leave(pending_effective, (pending,))

        if event.kind == JOINED:
            changes.append(MembershipStatus(STATUS_MEMBER, when, events=(event,)))
            exit_on = None
        elif event.kind == NOTICE:
            if not may_leave:
                refused.append(Refusal(event, NOTICE_NOT_ALLOWED, impossible=True))
            elif exit_on is not None:
                refused.append(Refusal(event, NOTICE_AFTER_LEAVING))
            elif pending is not None:
                refused.append(Refusal(event, NOTICE_ALREADY_GIVEN))
            else:
                pending = event
                pending_effective = notice_effective_on(notice_on=when, notice_years=notice_years)
                changes.append(
                    MembershipStatus(
                        STATUS_NOTICE_GIVEN,
                        when,
                        pending_effective,
                        (event,),
                        since_is_latest=event.occurred_on is None,
                    )
                )
        elif event.kind == NOTICE_WITHDRAWN:
            if id(event) in implied and pending is None and exit_on is None:
                continue  # a withdrawal was recorded in its own right
            if pending is not None:
                changes.append(
                    MembershipStatus(
                        STATUS_MEMBER,
                        when,
                        events=(pending, event),
                        withdrawn_notice=pending,
                        since_is_latest=event.occurred_on is None,
                    )
                )
                pending, pending_effective = None, None
            elif exit_on is not None:
                message = (
                    WITHDRAWAL_DATE_UNCERTAIN.format(effective_on=exit_on.isoformat())
                    if event.occurred_on is None
                    else WITHDRAWAL_AFTER_EXIT.format(
                        withdrawn_on=when.isoformat(), effective_on=exit_on.isoformat()
                    )
                )
                refused.append(Refusal(event, message, impossible=event.occurred_on is not None))
            else:
                refused.append(Refusal(event, WITHDRAWAL_WITHOUT_NOTICE))
        elif event.kind == LEFT:
            if not may_leave:
                refused.append(Refusal(event, NOTICE_NOT_ALLOWED, impossible=True))
            elif exit_on is None:
                behind = (pending, event) if pending is not None else (event,)
                leave(when, behind)

    if pending is not None and pending_effective is not None:
        leave(pending_effective, (pending,))
    return changes, refused


def membership_status(
    *,
    events: Iterable[Event],
    on: dt.date,
    may_leave: bool = True,
    notice_years: int = 3,
) -> MembershipStatus:
    """A member's status on ``on``, derived from the events and the decisions behind
    them (RULES.md 34–36):

    - "uppsägning beslutad" from the notice decision until its effective date
      (``notice_effective_on``), then "utträtt" from the day after;
    - a withdrawal (upphävande or tillbakadragande) before the effective date makes the
      member "medlem" again from the withdrawal's date, with the withdrawn notice kept in
      ``withdrawn_notice``; a withdrawal dated after the effective date is refused
      (re-entry needs a new förbundsordning);
    - a withdrawal of unknown date whose ``occurred_not_after`` is before the effective
      date means the member never left; until that latest date the status stays
      "uppsägning beslutad", since the day it happened is not known;
    - members that may not leave (Försäkringskassan, Arbetsförmedlingen: ``may_leave``
      false) cannot give notice: the notice is refused;
    - an event whose decision is no longer in force is ignored, so revoking the notice
      decision itself leaves a plain member; when the day the notice decision ended is
      known (``decision_ended_on``), the notice counts until then and the member is
      "medlem" again from that day, as after a withdrawal; when it is not known but the
      ending decision is behind a withdrawal event, it ends where that withdrawal is placed
      (``with_ending_dates_from_withdrawals``).

    Refused and ignored events are returned in ``refused`` with the reason.
    """
    changes, refused = _replay(events, may_leave=may_leave, notice_years=notice_years)
    current = changes[0]
    for change in changes[1:]:
        if change.since is not None and change.since <= on:
            current = change
    return MembershipStatus(
        status=current.status,
        since=current.since,
        notice_effective_on=current.notice_effective_on,
        events=current.events,
        withdrawn_notice=current.withdrawn_notice,
        since_is_latest=current.since_is_latest,
        refused=tuple(refused),
    )


FINSAM_LAW = "lag (2003:1210) om finansiell samordning av rehabiliteringsinsatser"
ENTRY_REFUSED = "{record}: {message} ({law}). Inget sparades."


def impossible_at_entry(
    *, events: Iterable[Event], may_leave: bool = True, notice_years: int = 3
) -> list[Refusal]:
    """The events of one membership that the law makes impossible, to be refused where they
    enter (the data-file import, the admin, ``members.services``) rather than stored and
    flagged when read:

    - rule 34: Försäkringskassan and Arbetsförmedlingen (``may_leave`` false) cannot give
      notice or leave;
    - rule 36: a withdrawal of a notice dated after the exit took effect (re-entry needs a
      new förbundsordning). A withdrawal of unknown date is not refused: it may have
      happened in time; the page says so when read.

    ``events`` are every event of the membership as it would be stored, the new or changed
    ones included. At entry the force of the decisions behind them is not weighed (every
    event counts as in force): what is refused here is impossible whatever the decisions'
    later fate. Each refusal's message is the rule's (``NOTICE_NOT_ALLOWED``,
    ``WITHDRAWAL_AFTER_EXIT``); ``entry_message`` names the record and the law.
    """
    in_force = [replace(e, decision_in_force=True) for e in events]
    _changes, refused = _replay(in_force, may_leave=may_leave, notice_years=notice_years)
    return [r for r in refused if r.impossible]


def entry_message(refusal: Refusal, *, record: str) -> str:
    """The message for a refusal at entry: the record, the rule's reason, its law."""
    message = refusal.message.rstrip(".")
    return ENTRY_REFUSED.format(record=record, message=message, law=FINSAM_LAW)


@dataclass(frozen=True)
class Period:
    """A stretch of one status for a bar chart: ``start`` (None: before the first
    recorded event) to ``end`` inclusive (None: still so)."""

    status: str
    start: dt.date | None
    end: dt.date | None
    start_is_latest: bool = False


def membership_timeline(
    *, events: Iterable[Event], may_leave: bool = True, notice_years: int = 3
) -> list[Period]:
    """The periods of a membership (member, notice period, left) as the same rules as
    ``membership_status`` give them (RULES.md 36), including an exit still to come."""
    changes, _refused = _replay(events, may_leave=may_leave, notice_years=notice_years)
    periods: list[Period] = []
    for change in changes:
        if periods and periods[-1].status == change.status:
            continue
        if periods and change.since is not None:
            last = periods[-1]
            periods[-1] = Period(
                last.status, last.start, change.since - dt.timedelta(days=1), last.start_is_latest
            )
        periods.append(Period(change.status, change.since, None, change.since_is_latest))
    return periods


# --------------------------------------------------------------------------------------------
# Rule 35: continuation of the förbund when a member leaves
# --------------------------------------------------------------------------------------------

FEDERATION_ACTIVE = "aktivt"
FEDERATION_LIQUIDATION = "likvidation"

CONTINUATION_NO_DECISION = "Det finns inget beslut om att förbundet ska fortsätta."
CONTINUATION_TOO_LATE = (
    "Beslutet om fortsatt verksamhet ({decided_on}) är inte fattat före den dag utträdet "
    "träder i kraft ({effective_on})."
)
CONTINUATION_NO_MUNICIPALITY = "Ingen kommun är kvar som medlem."
CONTINUATION_NO_REGION = "Ingen region är kvar som medlem."
CONTINUATION_NO_FK = "Försäkringskassan är inte kvar som medlem."
CONTINUATION_NO_AF = "Arbetsförmedlingen är inte kvar som medlem."

MUNICIPALITY = "municipality"
REGION = "region"
AGENCY = "agency"


@dataclass(frozen=True)
class Continuation:
    """Whether the remaining members' decision to continue holds (``valid``), the förbund's
    status after the leaving member's effective date, and the reasons when it does not."""

    valid: bool
    status: str
    reasons: tuple[str, ...]


def federation_continuation(
    *,
    decided_on: dt.date | None,
    leaving_effective_on: dt.date,
    remaining: Iterable[tuple[str, str]],
) -> Continuation:
    """Rule 35: a decision by the remaining members to continue the förbund is valid only if
    it is dated before the leaving member's effective date, and only if at least one kommun,
    at least one region, Försäkringskassan and Arbetsförmedlingen remain. Otherwise the
    förbund goes into likvidation.

    ``remaining`` holds ``(kind, name)`` of the members that stay: ``kind`` is the
    Organisation kind (``municipality``, ``region``, ``agency``); the two agencies are told
    apart by name. Every reason that applies is returned, so a page can list them all.
    """
    kinds: set[str] = set()
    agencies: set[str] = set()
    for kind, name in remaining:
        kinds.add(kind)
        if kind == AGENCY:
            agencies.add(name.casefold())
    reasons: list[str] = []
    if decided_on is None:
        reasons.append(CONTINUATION_NO_DECISION)
    elif decided_on >= leaving_effective_on:
        reasons.append(
            CONTINUATION_TOO_LATE.format(
                decided_on=decided_on.isoformat(), effective_on=leaving_effective_on.isoformat()
            )
        )
    if MUNICIPALITY not in kinds:
        reasons.append(CONTINUATION_NO_MUNICIPALITY)
    if REGION not in kinds:
        reasons.append(CONTINUATION_NO_REGION)
    if not any("försäkringskassan" in name for name in agencies):
        reasons.append(CONTINUATION_NO_FK)
    if not any("arbetsförmedlingen" in name for name in agencies):
        reasons.append(CONTINUATION_NO_AF)
    valid = not reasons
    return Continuation(
        valid=valid,
        status=FEDERATION_ACTIVE if valid else FEDERATION_LIQUIDATION,
        reasons=tuple(reasons),
    )


# --------------------------------------------------------------------------------------------
# Rule 33: contributions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributionSplit:
    """One year's contributions: the state's half (paid by Försäkringskassan for both
    agencies), the region's quarter, and the municipalities' quarter by name."""

    total: Decimal
    state: Decimal
    region: Decimal
    municipalities: Mapping[str, Decimal]

    @property
    def municipalities_total(self) -> Decimal:
        return sum(self.municipalities.values(), Decimal(0))


def split_contributions(
    *,
    total: Decimal | int,
    populations: Mapping[str, int],
    unit: Decimal | int = 1,
) -> ContributionSplit:
    """Rule 33 (lag 2003:1210 5 §): the state pays half of the total, the region a
    quarter and the municipalities a quarter, split between them by population.

    Each municipality's share is a whole number of ``unit`` kronor, found by the largest
    remainder method so the shares always sum exactly to the quarter: every municipality
    gets the whole units of its exact share, and the units left over go to the largest
    fractional parts (ties: larger population, then name).

    Insjöriket's 2019 figures are reproduced with ``unit=1200``: the five municipal amounts
    (1 054 800, 612 000, 608 400, 666 000, 658 800) are 879, 510, 507, 555 and 549 times
    1 200 kr, i.e. whole hundreds of kronor per month, and sum to 3 000 × 1 200 =
    3 600 000 exactly. We take that the förbund computes the monthly payment rounded to
    100 kr; the populations behind the key are not in the seeds.

    Raises ValueError when the quarter cannot be cut into whole units or there is no
    municipality.
    """
    total = Decimal(total)
    unit = Decimal(unit)
    state = total / 2
    region = total / 4
    if state != state.quantize(Decimal("0.01")) or region != region.quantize(Decimal("0.01")):
        raise ValueError(CONTRIBUTION_NOT_IN_ORE)
    pool = total - state - region
    if not populations:
        raise ValueError(CONTRIBUTION_NO_MUNICIPALITIES)
    if any(not isinstance(p, int) or p < 0 for p in populations.values()):
        raise ValueError(CONTRIBUTION_BAD_POPULATION)
    units, leftover = divmod(pool, unit)
    if leftover:
        raise ValueError(CONTRIBUTION_NOT_DIVISIBLE.format(pool=pool, unit=unit))
    shares = largest_remainder(units=int(units), weights=populations)
    return ContributionSplit(
        total=total,
        state=state,
        region=region,
        municipalities={name: shares[name] * unit for name in populations},
    )


def largest_remainder(*, units: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``units`` whole units by ``weights`` so that the parts sum to ``units``
    (Hamilton's method; exact arithmetic). Rule 33's rounding."""
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        raise ValueError(CONTRIBUTION_BAD_POPULATION)
    quotas = {name: Fraction(units * weight, weight_sum) for name, weight in weights.items()}
    parts = {name: int(quota) for name, quota in quotas.items()}
    remaining = units - sum(parts.values())
    by_remainder = sorted(
        weights, key=lambda name: (-(quotas[name] - parts[name]), -weights[name], name)
    )
    for name in by_remainder[:remaining]:
        parts[name] += 1
    return parts
