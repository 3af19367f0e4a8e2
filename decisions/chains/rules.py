"""Pure rules of chains of decisions: which links are allowed (no cycle, time in order,
competence), the order of a chain and the force of each decision on a date (RULES.md; KL 13
kap. for annulments).

Nothing here touches the ORM or a request: ``decisions.chains.graph`` loads a chain in one
query and passes the small frozen dataclasses below.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LINK_TO_ITSELF = "Ett beslut kan inte kopplas till sig självt."
LINK_CYCLE = "Kopplingen skulle bilda en cirkel av beslut: {path}."
LINK_PROPOSAL_AFTER_DECISION = (
    "Ett förslag ({source_date}) kan inte vara senare än beslutet det föreslår ({target_date})."
)
LINK_BEFORE_TARGET = "Ett beslut ({source_date}) kan inte {verb} ett senare beslut ({target_date})."
LINK_ACROSS_ORGANISATIONS = "Ett beslut kan inte {verb} ett beslut i en annan organisation."
LINK_NO_COMPETENCE = (
    "Organet saknar behörighet att {verb} beslutet: endast samma organ eller ett överordnat "
    "organ får göra det."
)
LINK_FROM_PROPOSAL = "Ett förslag till beslut kan inte {verb} ett beslut."
CHAIN_CYCLE = "Beslutskedjan innehåller en cirkel: {path}."

# --------------------------------------------------------------------------------------------
# Chains of decisions: links, force on a date
# --------------------------------------------------------------------------------------------

PROPOSES = "proposes"
REVOKES = "revokes"
WITHDRAWS = "withdraws"
AMENDS = "amends"
REFERS_BACK = "refers_back"
LINK_KINDS = (PROPOSES, REVOKES, WITHDRAWS, AMENDS, REFERS_BACK)

# Kinds by which the source takes away or changes the target's legal effect: they need the
# acting organ's competence over the target (DESIGN.md "Rules the product enforces").
ACTS_ON_TARGET = (REVOKES, WITHDRAWS, AMENDS)
ENDS_TARGET = (REVOKES, WITHDRAWS)

_VERBS = {
    PROPOSES: "föreslå",
    REVOKES: "upphäva",
    WITHDRAWS: "återkalla",
    AMENDS: "ändra",
    REFERS_BACK: "återremittera",
}

# Decision.Kind values
KIND_DECISION = "decision"
KIND_PROPOSAL = "proposal"
KIND_NOTIFICATION = "notification"
KIND_DELEGATION = "delegation"
KIND_TABLED = "tabled"

STATUS_IN_FORCE = "i kraft"
STATUS_NOT_YET_TAKEN = "ännu inte fattat"
STATUS_PROPOSAL = "förslag"
STATUS_WITHOUT_EFFECT = "utan rättsverkan"
STATUS_REVOKED = "upphävt"
STATUS_WITHDRAWN = "återkallat"
STATUS_ANNULLED = "upphävt av domstol"
STATUS_LAPSED_WITH_AMENDED = "upphört med det ändrade beslutet"

ENDED_BY_ANNULMENT = "annulment"
ENDED_WITH_AMENDED = "amended_ended"

_ENDED_STATUS = {
    REVOKES: STATUS_REVOKED,
    WITHDRAWS: STATUS_WITHDRAWN,
    ENDED_BY_ANNULMENT: STATUS_ANNULLED,
    ENDED_WITH_AMENDED: STATUS_LAPSED_WITH_AMENDED,
}


@dataclass(frozen=True)
class DecisionNode:
    """A decision as the chain rules see it.

    ``organ_ancestors`` lists the organs above ``organ_id``, nearest first (for KSAU: KS,
    KF); ``date`` is the decision's date (the meeting date), None when unknown. ``kind`` is
    a ``Decision.Kind`` value.
    """

    id: int
    organ_id: int
    organisation_id: int
    organ_ancestors: tuple[int, ...] = ()
    date: dt.date | None = None
    kind: str = KIND_DECISION
    label: str = ""

    def __str__(self) -> str:
        return self.label or f"#{self.id}"


@dataclass(frozen=True)
class Link:
    """``source <kind> target``, as ``DecisionLink``: for ``proposes`` the source is the
    earlier decision, for every other kind the later one."""

    source_id: int
    target_id: int
    kind: str


@dataclass(frozen=True)
class Annulment:
    """A court's ruling after laglighetsprövning that annulled (upphävde) a decision."""

    decision_id: int
    decided_on: dt.date
    court: str = ""
    court_case_number: str = ""

    def __str__(self) -> str:
        return f"{self.court} mål {self.court_case_number}".strip()


def has_competence(*, acting: DecisionNode, over: DecisionNode) -> bool:
    """Whether the organ of ``acting`` may revoke, withdraw or amend a decision of the
    organ of ``over``: the same organ or one above it in the parent chain (KF over KS over
    KSAU; KF over a nämnd), never across organisations. DESIGN.md, "Rules the product
    enforces"; KL 3 kap. 5 § and 6 kap. (verify)."""
    if acting.organisation_id != over.organisation_id:
        return False
    return acting.organ_id == over.organ_id or acting.organ_id in over.organ_ancestors


def _find_path(start: int, goal: int, edges: Mapping[int, Iterable[int]]) -> list[int] | None:
    """A path start → … → goal along ``edges`` (iterative DFS), or None."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen = {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def check_link_time(
    *, kind: str, source_date: dt.date | None, target_date: dt.date | None
) -> str | None:
    """Why the link ``source <kind> target`` runs against time, or None when it does not.
    DESIGN.md "Rules the product enforces"; the link semantics are DecisionLink's.

    Time runs with a ``proposes`` link (the proposal is not later than the decision) and
    against every other kind (a decision revokes, withdraws, amends or refers back only a
    decision not later than itself). An unknown date cannot be checked and is allowed.
    Used by ``check_link`` and by the importer, which checks the dates the file states.
    """
    if source_date is None or target_date is None:
        return None
    if kind == PROPOSES and source_date > target_date:
        return LINK_PROPOSAL_AFTER_DECISION.format(
            source_date=source_date.isoformat(), target_date=target_date.isoformat()
        )
    if kind != PROPOSES and source_date < target_date:
        return LINK_BEFORE_TARGET.format(
            verb=_VERBS.get(kind, kind),
            source_date=source_date.isoformat(),
            target_date=target_date.isoformat(),
        )
    return None


def check_link(
    *,
    source: DecisionNode,
    target: DecisionNode,
    kind: str,
    links: Iterable[Link] = (),
    nodes: Mapping[int, DecisionNode] | None = None,
) -> list[str]:
    """The reasons a new link ``source <kind> target`` is refused; empty when it is
    allowed. DESIGN.md "Rules the product enforces"; the link semantics are DecisionLink's.

    - no link to itself, and no cycle over links of every kind (``links`` are the existing
      links of the chain; the new one would close a cycle if ``target`` already reaches
      ``source``);
    - time runs with a ``proposes`` link and against every other kind
      (``check_link_time``);
    - revokes, withdraws and amends need competence (``has_competence``) and a source that
      is a decision, not a förslag till beslut.

    ``nodes`` (by id) only serves to name the decisions of a cycle in the message.
    """
    verb = _VERBS.get(kind, kind)
    if source.id == target.id:
        return [LINK_TO_ITSELF]
    errors: list[str] = []

    edges: dict[int, list[int]] = defaultdict(list)
    for link in links:
        edges[link.source_id].append(link.target_id)
    path = _find_path(target.id, source.id, edges)
    if path is not None:
        names = {source.id: source, target.id: target, **(nodes or {})}
        labels = [str(names.get(i, f"#{i}")) for i in [source.id, *path]]
        errors.append(LINK_CYCLE.format(path=" → ".join(labels)))

    against_time = check_link_time(kind=kind, source_date=source.date, target_date=target.date)
    if against_time:
        errors.append(against_time)

    if kind in ACTS_ON_TARGET:
        if source.kind == KIND_PROPOSAL:
            errors.append(LINK_FROM_PROPOSAL.format(verb=verb))
        if source.organisation_id != target.organisation_id:
            errors.append(LINK_ACROSS_ORGANISATIONS.format(verb=verb))
        elif not has_competence(acting=source, over=target):
            errors.append(LINK_NO_COMPETENCE.format(verb=verb))
    return errors


@dataclass(frozen=True)
class ForceStatus:
    """Whether a decision was in force on a date, and if not, why.

    ``ended_by`` is the id of the decision that revoked or withdrew it (or, for an
    amendment that lapsed, of the amended decision), or the court's ``Annulment``;
    ``how`` is the link kind (``revokes``/``withdraws``), ``annulment`` or
    ``amended_ended``. ``redundant`` lists the ids of later decisions that revoked or
    withdrew it once it had already ended (they had no effect of their own).
    ``date_unknown`` is true when the decision's own date or its end date is unknown.
    """

    decision_id: int
    status: str
    in_force: bool
    ended_by: int | Annulment | None = None
    how: str | None = None
    ended_on: dt.date | None = None
    redundant: tuple[int, ...] = ()
    amended_by: tuple[int, ...] = ()
    date_unknown: bool = False


@dataclass(frozen=True)
class _Ending:
    on: dt.date | None
    by: int | Annulment
    how: str


def _ending_key(ending: _Ending) -> tuple[int, dt.date, int]:
    # Known dates first in date order; unknown dates last (they are in the register, so
    # they have happened, but we cannot say they came first).
    if ending.on is None:
        return (1, dt.date.max, 0)
    return (0, ending.on, 0 if ending.how == ENDED_BY_ANNULMENT else 1)


def in_force(
    *,
    decisions: Iterable[DecisionNode],
    links: Iterable[Link],
    annulments: Iterable[Annulment] = (),
    on: dt.date,
) -> dict[int, ForceStatus]:
    """The force of each decision of a chain on the date ``on`` (computed, never stored:
    remove a link and compute again, and the decision is back in force).

    Decided here (DESIGN.md; KL 13 kap.; förvaltningsrättsliga principer):

    - A decision is in force from its date (the meeting date; a municipal decision is
      verkställbar before it gains laga kraft, rule 8, so force is not held back until
      rule 4 is met; laga kraft is shown separately by ``legal_force_status``).
    - A förslag till beslut (kind ``proposal``) is never in force: status "förslag". An
      anmälan or a bordläggning has no legal effect of its own: "utan rättsverkan".
    - ``revokes``/``withdraws`` end the target's force **from the revoking decision's
      date**. Only a decision can do so: links from a förslag are ignored. When several
      decisions revoke the same one, the earliest counts and the others are listed in
      ``redundant``.
    - Revoking a revocation does **not** reinstate the original: an upphävande takes
      effect when made, and the original stays upphävt; bringing it back takes a new
      decision. (The revoking decision itself is then shown as upphävt.)
    - A court's annulment after laglighetsprövning ends the decision's force from the
      ruling date, like a revocation. Unlike a revocation by a new decision, it also takes
      away the annulled decision's own revocations from that date (a decision found
      unlawful and upphävt by the court cannot go on revoking; KL 13 kap. 8 and 14 §§):
      the decision it revoked is in force again from the ruling date.
    - ``amends`` leaves the target in force (as amended, ``amended_by``); an amendment
      lapses with the decision it amends, from the date that one ended.
    - ``proposes`` and ``refers_back`` do not change force.
    - Unknown dates: a decision with an unknown date is taken to exist (it is in the
      register) — in force unless ended; an ending with an unknown date has happened but
      cannot be placed, so the decision counts as ended with ``ended_on`` None and
      ``date_unknown`` set.

    Raises ValueError (``CHAIN_CYCLE``) if amendments form a cycle.
    """
    nodes = {node.id: node for node in decisions}
    link_list = list(links)
    annulled: dict[int, Annulment] = {}
    for annulment in annulments:
        if annulment.decided_on > on:
            continue
        earlier = annulled.get(annulment.decision_id)
        if earlier is None or annulment.decided_on < earlier.decided_on:
            annulled[annulment.decision_id] = annulment

    def takes_effect(node: DecisionNode | None) -> bool:
        return node is not None and node.kind in (KIND_DECISION, KIND_DELEGATION)

    endings: dict[int, list[_Ending]] = defaultdict(list)
    amended_by: dict[int, list[int]] = defaultdict(list)
    amends_targets: dict[int, list[int]] = defaultdict(list)
    for link in link_list:
        source = nodes.get(link.source_id)
        if not takes_effect(source) or link.target_id not in nodes:
            continue
        assert source is not None
        if link.kind in ENDS_TARGET:
            if source.date is not None and source.date > on:
                continue
            if source.id in annulled:
                # The court took the revoking decision away: its revocation stops counting.
                continue
            endings[link.target_id].append(_Ending(source.date, source.id, link.kind))
        elif link.kind == AMENDS:
            if source.date is None or source.date <= on:
                amended_by[link.target_id].append(source.id)
            amends_targets[source.id].append(link.target_id)
    for decision_id, annulment in annulled.items():
        endings[decision_id].append(_Ending(annulment.decided_on, annulment, ENDED_BY_ANNULMENT))

    own_end: dict[int, tuple[_Ending | None, tuple[int, ...]]] = {}
    for decision_id in nodes:
        ordered = sorted(endings.get(decision_id, []), key=_ending_key)
        first = ordered[0] if ordered else None
        redundant = tuple(e.by for e in ordered[1:] if isinstance(e.by, int))
        own_end[decision_id] = (first, redundant)

    resolved: dict[int, _Ending | None] = {}
    visiting: set[int] = set()

    def end_of(decision_id: int) -> _Ending | None:
        """The ending that counts for a decision: its own, or the lapse of a decision it
        amends, whichever came first."""
        if decision_id in resolved:
            return resolved[decision_id]
        if decision_id in visiting:
            names = [str(nodes[i]) for i in visiting]
            raise ValueError(CHAIN_CYCLE.format(path=" → ".join(sorted(names))))
        visiting.add(decision_id)
        candidates = []
        first, _redundant = own_end[decision_id]
        if first is not None:
            candidates.append(first)
        for amended_id in amends_targets.get(decision_id, []):
            amended_end = end_of(amended_id)
            if amended_end is not None:
                candidates.append(_Ending(amended_end.on, amended_id, ENDED_WITH_AMENDED))
        visiting.discard(decision_id)
        result = min(candidates, key=_ending_key) if candidates else None
        resolved[decision_id] = result
        return result

    statuses: dict[int, ForceStatus] = {}
    for decision_id, node in nodes.items():
        ending = end_of(decision_id)
        _first, redundant = own_end[decision_id]
        amenders = tuple(amended_by.get(decision_id, ()))
        if node.kind == KIND_PROPOSAL:
            statuses[decision_id] = ForceStatus(decision_id, STATUS_PROPOSAL, False)
            continue
        if node.kind in (KIND_NOTIFICATION, KIND_TABLED):
            statuses[decision_id] = ForceStatus(decision_id, STATUS_WITHOUT_EFFECT, False)
            continue
        if node.date is not None and node.date > on:
            statuses[decision_id] = ForceStatus(decision_id, STATUS_NOT_YET_TAKEN, False)
            continue
        if ending is not None and (ending.on is None or ending.on <= on):
            statuses[decision_id] = ForceStatus(
                decision_id,
                _ENDED_STATUS[ending.how],
                False,
                ended_by=ending.by,
                how=ending.how,
                ended_on=ending.on,
                redundant=redundant,
                amended_by=amenders,
                date_unknown=node.date is None or ending.on is None,
            )
            continue
        statuses[decision_id] = ForceStatus(
            decision_id,
            STATUS_IN_FORCE,
            True,
            amended_by=amenders,
            date_unknown=node.date is None,
        )
    return statuses


@dataclass(frozen=True)
class ResolvedChain:
    """A chain of linked decisions in date order. ``cycle`` names the ids of a cycle
    found over the links (every kind), empty when there is none; ``errors`` says so in
    Swedish."""

    decisions: tuple[DecisionNode, ...]
    links: tuple[Link, ...]
    cycle: tuple[int, ...] = ()
    errors: tuple[str, ...] = ()


def _find_cycle(ids: Iterable[int], edges: Mapping[int, Iterable[int]]) -> list[int]:
    """One cycle of the directed graph, as a list of ids (first repeated at the end)."""
    white, grey, black = 0, 1, 2
    colour: dict[int, int] = dict.fromkeys(ids, white)
    for root in sorted(colour):
        if colour[root] != white:
            continue
        stack: list[tuple[int, list[int]]] = [(root, sorted(edges.get(root, ())))]
        path = [root]
        colour[root] = grey
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop(0)
                state = colour.get(nxt, black)
                if state == grey:
                    return [*path[path.index(nxt) :], nxt]
                if state == white:
                    colour[nxt] = grey
                    path.append(nxt)
                    stack.append((nxt, sorted(edges.get(nxt, ()))))
            else:
                colour[node] = black
                path.pop()
                stack.pop()
    return []


def resolve_chain(
    *, nodes: Iterable[DecisionNode], links: Iterable[Link], start_id: int | None = None
) -> ResolvedChain:
    """The decisions connected to ``start_id`` (all of them when None) through links of
    any kind, in date order, in one pass in memory — the caller loads the chain with one
    query (STYLE.md: never one query per hop). DESIGN.md: links may not form a cycle.

    The order respects time along the links (a proposal before the decision it proposes,
    a revoked decision before the one revoking it) and the dates where known; a decision
    with an unknown date is placed right after the latest decision that must precede it.
    A cycle is reported in ``cycle``/``errors``, not raised, so that a page can still show
    a register with a faulty link; its decisions are then ordered by date alone.
    """
    by_id = {node.id: node for node in nodes}
    all_links = [link for link in links if link.source_id in by_id and link.target_id in by_id]

    if start_id is not None:
        neighbours: dict[int, set[int]] = defaultdict(set)
        for link in all_links:
            neighbours[link.source_id].add(link.target_id)
            neighbours[link.target_id].add(link.source_id)
        component = {start_id}
        frontier = [start_id]
        while frontier:
            current = frontier.pop()
            for nxt in neighbours[current] - component:
                component.add(nxt)
                frontier.append(nxt)
        by_id = {i: n for i, n in by_id.items() if i in component}
        all_links = [link for link in all_links if link.source_id in component]

    raw_edges: dict[int, list[int]] = defaultdict(list)
    for link in all_links:
        raw_edges[link.source_id].append(link.target_id)
    cycle = _find_cycle(by_id, raw_edges)

    # earlier → later
    later: dict[int, set[int]] = defaultdict(set)
    for link in all_links:
        if link.kind == PROPOSES:
            later[link.source_id].add(link.target_id)
        else:
            later[link.target_id].add(link.source_id)
    indegree = dict.fromkeys(by_id, 0)
    for after in later.values():
        for i in after:
            indegree[i] += 1

    # The earliest date a decision can have: its own, or for an unknown date that of the
    # latest decision before it (computed in topological order).
    inferred: dict[int, dt.date | None] = {i: n.date for i, n in by_id.items()}

    def key(i: int) -> tuple[dt.date, int, str, int]:
        node = by_id[i]
        return (inferred[i] or dt.date.max, 0 if node.date else 1, node.label, i)

    order: list[int] = []
    remaining = dict(indegree)
    heap = [key(i) for i, d in remaining.items() if d == 0]
    heapq.heapify(heap)
    while heap:
        *_, current = heapq.heappop(heap)
        order.append(current)
        for nxt in sorted(later.get(current, ())):
            if by_id[nxt].date is None and inferred[current] is not None:
                known = inferred[nxt]
                inferred[nxt] = max(known, inferred[current]) if known else inferred[current]
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                heapq.heappush(heap, key(nxt))
    leftover = sorted((i for i in by_id if i not in set(order)), key=key)
    order.extend(leftover)

    errors: tuple[str, ...] = ()
    if cycle:
        errors = (CHAIN_CYCLE.format(path=" → ".join(str(by_id[i]) for i in cycle)),)
        order = sorted(by_id, key=key)
    return ResolvedChain(
        decisions=tuple(by_id[i] for i in order),
        links=tuple(all_links),
        cycle=tuple(cycle),
        errors=errors,
    )
