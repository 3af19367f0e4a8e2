"""Chains of decisions, loaded from the database and handed to the pure rules.

A *chain* is everything connected to a case or a decision: the cases linked to it (CaseLink,
across registers), the decisions taken in those cases, and the decisions linked to those
(DecisionLink, across registers and organisations), followed in both directions until nothing
new is found. ``load_graph`` finds the chain and reads what the rules need in **one** query
(a recursive CTE); ``decisions.rules`` then orders it (``resolve_chain``) and says what is in
force on a date (``in_force``). Nothing is stored: the force of a decision is computed from
the links every time, so adding or removing a link changes it at once.

A link whose target is not (yet) in the register keeps the citation in ``target_reference``
(organ, date, §). ``resolve_references`` points such links at a decision when it is
registered (called by ``decisions.services.add_decision``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

from decisions import rules as date_rules
from decisions.chains import citation_rules
from decisions.chains import rules as chain_rules
from decisions.models import Decision, DecisionLink
from insjoriket.history import record_change

# One query: walk cases and decisions through every kind of edge (the case a decision was
# taken in, links between cases, links between decisions, both directions) with UNION so that
# a node is visited once and the walk ends even if the links form a cycle. Each step looks up
# only the neighbours of the rows found in the step before, through the foreign-key indexes
# (decision.case_id, caselink from/to, decisionlink source/target). Then read the
# chain's decisions, links, court annulments and the organs of the organisations involved as
# one JSON object.
CHAIN_SQL = """
WITH RECURSIVE
seed(kind, id) AS (
    SELECT 'c', x FROM unnest(%(cases)s::bigint[]) AS x
    UNION
    SELECT 'd', x FROM unnest(%(decisions)s::bigint[]) AS x
),
walk(kind, id) AS (
    SELECT kind, id FROM seed
    UNION
    SELECT n.kind, n.id
      FROM walk w
     CROSS JOIN LATERAL (
        SELECT 'd', p.id FROM decisions_decision p WHERE w.kind = 'c' AND p.case_id = w.id
        UNION ALL
        SELECT 'c', p.case_id FROM decisions_decision p
         WHERE w.kind = 'd' AND p.id = w.id AND p.case_id IS NOT NULL
        UNION ALL
        SELECT 'c', l.to_case_id FROM cases_caselink l
         WHERE w.kind = 'c' AND l.from_case_id = w.id
        UNION ALL
        SELECT 'c', l.from_case_id FROM cases_caselink l
         WHERE w.kind = 'c' AND l.to_case_id = w.id
        UNION ALL
        SELECT 'd', l.target_id FROM decisions_decisionlink l
         WHERE w.kind = 'd' AND l.source_id = w.id AND l.target_id IS NOT NULL
        UNION ALL
        SELECT 'd', l.source_id FROM decisions_decisionlink l
         WHERE w.kind = 'd' AND l.target_id = w.id
     ) AS n(kind, id)
),
dec AS (
    SELECT p.id FROM decisions_decision p WHERE p.id IN (SELECT id FROM walk WHERE kind = 'd')
)
SELECT json_build_object(
    'cases', COALESCE((
        SELECT json_agg(c.id ORDER BY c.id) FROM cases_case c
         WHERE c.id IN (SELECT id FROM walk WHERE kind = 'c')
    ), '[]'::json),
    'decisions', COALESCE((
        SELECT json_agg(json_build_object(
            'id', p.id, 'organ_id', p.organ_id, 'organisation_id', o.organisation_id,
            'code', o.code, 'held_on', m.held_on, 'year', p.year, 'number', p.number,
            'kind', p.kind, 'case_id', p.case_id
        ) ORDER BY p.id)
          FROM decisions_decision p
          JOIN dec ON dec.id = p.id
          JOIN decisions_meeting m ON m.id = p.meeting_id
          JOIN members_organ o ON o.id = p.organ_id
    ), '[]'::json),
    'links', COALESCE((
        SELECT json_agg(json_build_object(
            'id', l.id, 'source_id', l.source_id, 'target_id', l.target_id, 'kind', l.kind,
            'target_reference', l.target_reference, 'note', l.note
        ) ORDER BY l.id)
          FROM decisions_decisionlink l WHERE l.source_id IN (SELECT id FROM dec)
    ), '[]'::json),
    'annulments', COALESCE((
        SELECT json_agg(json_build_object(
            'decision_id', a.decision_id, 'decided_on', a.decided_on, 'court', a.court,
            'court_case_number', a.court_case_number
        ) ORDER BY a.id)
          FROM decisions_appeal a
         WHERE a.outcome = 'annulled' AND a.decided_on IS NOT NULL
           AND a.decision_id IN (SELECT id FROM dec)
    ), '[]'::json),
    'organs', COALESCE((
        SELECT json_agg(json_build_object('id', o.id, 'parent_id', o.parent_id) ORDER BY o.id)
          FROM members_organ o
         WHERE o.organisation_id IN (
                SELECT o2.organisation_id FROM members_organ o2
                  JOIN decisions_decision p ON p.organ_id = o2.id
                  JOIN dec ON dec.id = p.id)
    ), '[]'::json)
)
"""


MAX_ID = 2**63 - 1  # bigint: a larger id in a URL cannot exist


@dataclass(frozen=True)
class LinkRow:
    """A DecisionLink as loaded with the chain. ``target_id`` is None for a reference to a
    decision not in the register; ``target_reference`` then says which."""

    id: int
    source_id: int
    target_id: int | None
    kind: str
    target_reference: str = ""
    note: str = ""

    @property
    def resolved(self) -> bool:
        return self.target_id is not None


@dataclass
class ChainGraph:
    """What the rules need of a chain: its decisions as ``chain_rules.DecisionNode``, its links,
    the court annulments, and the ids of its cases."""

    case_ids: tuple[int, ...] = ()
    nodes: dict[int, chain_rules.DecisionNode] = field(default_factory=dict)
    link_rows: tuple[LinkRow, ...] = ()
    annulments: tuple[chain_rules.Annulment, ...] = ()
    case_of: dict[int, int | None] = field(default_factory=dict)

    @property
    def decision_ids(self) -> list[int]:
        return list(self.nodes)

    @property
    def links(self) -> list[chain_rules.Link]:
        """The resolved links, for the rules."""
        return [
            chain_rules.Link(row.source_id, row.target_id, row.kind)
            for row in self.link_rows
            if row.target_id is not None
        ]

    @property
    def references(self) -> list[LinkRow]:
        """Links to decisions that are not in the register."""
        return [row for row in self.link_rows if row.target_id is None]

    def force(self, on: dt.date | None = None) -> dict[int, chain_rules.ForceStatus]:
        """The force of every decision of the chain on ``on`` (today by default)."""
        return chain_rules.in_force(
            decisions=self.nodes.values(),
            links=self.links,
            annulments=self.annulments,
            on=on or date_rules.today(),
        )

    def resolve(self) -> chain_rules.ResolvedChain:
        """The chain in date order (and any cycle in its links)."""
        return chain_rules.resolve_chain(nodes=self.nodes.values(), links=self.links)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def node_label(*, code: str, held_on: dt.date | None, year: int | None, number: int | None) -> str:
    """``KF 2020-06-15 § 128``; ``KS 2022 § 440`` when only the year is known;
    ``KF (datum okänt) § ?`` when nothing is."""
    when = held_on.isoformat() if held_on else (str(year) if year else "(datum okänt)")
    return f"{code} {when} § {number if number else '?'}"


def ancestors_of(parents: dict[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Each organ's organs above it, nearest first (a cycle in the data stops the walk)."""
    result: dict[int, tuple[int, ...]] = {}
    for organ_id in parents:
        chain: list[int] = []
        current = parents.get(organ_id)
        while current is not None and current not in chain and current != organ_id:
            chain.append(current)
            current = parents.get(current)
        result[organ_id] = tuple(chain)
    return result


def graph_from_payload(payload: dict) -> ChainGraph:
    """Turn the JSON the chain query returns into rule objects (pure; tested without SQL)."""
    ancestors = ancestors_of({o["id"]: o["parent_id"] for o in payload.get("organs", [])})
    nodes: dict[int, chain_rules.DecisionNode] = {}
    case_of: dict[int, int | None] = {}
    for row in payload.get("decisions", []):
        held_on = _date(row["held_on"])
        nodes[row["id"]] = chain_rules.DecisionNode(
            id=row["id"],
            organ_id=row["organ_id"],
            organisation_id=row["organisation_id"],
            organ_ancestors=ancestors.get(row["organ_id"], ()),
            date=held_on,
            kind=row["kind"],
            label=node_label(
                code=row["code"], held_on=held_on, year=row["year"], number=row["number"]
            ),
        )
        case_of[row["id"]] = row["case_id"]
    link_rows = tuple(
        LinkRow(
            id=row["id"],
            source_id=row["source_id"],
            target_id=row["target_id"],
            kind=row["kind"],
            target_reference=row["target_reference"] or "",
            note=row["note"] or "",
        )
        for row in payload.get("links", [])
    )
    annulments = tuple(
        chain_rules.Annulment(
            decision_id=row["decision_id"],
            decided_on=_date(row["decided_on"]),
            court=row["court"],
            court_case_number=row["court_case_number"],
        )
        for row in payload.get("annulments", [])
    )
    return ChainGraph(
        case_ids=tuple(payload.get("cases", [])),
        nodes=nodes,
        link_rows=link_rows,
        annulments=annulments,
        case_of=case_of,
    )


def load_graph(*, case_ids: Iterable[int] = (), decision_ids: Iterable[int] = ()) -> ChainGraph:
    """The chain(s) around the given cases and decisions, in one query."""
    params = {
        "cases": [int(i) for i in case_ids if 0 < int(i) <= MAX_ID],
        "decisions": [int(i) for i in decision_ids if 0 < int(i) <= MAX_ID],
    }
    if not params["cases"] and not params["decisions"]:
        return ChainGraph()
    with connection.cursor() as cursor:
        cursor.execute(CHAIN_SQL, params)
        (payload,) = cursor.fetchone()
    if isinstance(payload, str):  # a driver that does not decode json
        import json

        payload = json.loads(payload)
    return graph_from_payload(payload)


def force_of(
    decision_ids: Iterable[int], *, on: dt.date | None = None, cycle_as_unlinked: bool = False
) -> dict[int, chain_rules.ForceStatus]:
    """Whether each of ``decision_ids`` is in force on ``on`` (today by default), computed
    over the whole chains they belong to (one query, however many decisions). For callers
    such as membership status, which depends on the decisions behind its events.

    Amendments forming a cycle cannot be resolved: ``chain_rules.in_force`` raises ValueError. With
    ``cycle_as_unlinked`` every decision is then taken as it stands (no links, no
    annulments) instead, for pages that show the force beside other things and leave
    reporting the cycle to the decision pages."""
    ids = list(dict.fromkeys(decision_ids))
    if not ids:
        return {}
    graph = load_graph(decision_ids=ids)
    try:
        statuses = graph.force(on)
    except ValueError:
        if not cycle_as_unlinked:
            raise
        statuses = chain_rules.in_force(
            decisions=graph.nodes.values(), links=[], annulments=[], on=on or date_rules.today()
        )
    return {i: statuses[i] for i in ids if i in statuses}


# --------------------------------------------------------------------------------------------
# References to decisions not yet in the register
# --------------------------------------------------------------------------------------------


def reference_matches(reference: str, *, organ_names: Iterable[str], held_on, number) -> bool:
    """Whether a link's ``target_reference`` ("KF 2020-06-15 § 128", "Kommunfullmäktige
    15 juni 2020, § 128") names the decision with these organ names, date and §: the date and
    § must agree, and the organ too when the reference names one."""
    if held_on is None or number is None:
        return False
    citations = citation_rules.parse_citations(reference)
    if not citations:
        return False
    citation = citations[0]
    if citation.date != held_on or citation.number != number:
        return False
    organ = citation.organ or _leading_word(reference)
    if not organ:
        return True
    stems = {citation_rules.organ_stem(name) for name in organ_names if name}
    return citation_rules.organ_stem(organ) in stems


def _leading_word(reference: str) -> str:
    """The organ code a short reference starts with ("KF 2020-06-15 § 128" → "KF")."""
    words = reference.split()
    if words and words[0].isalpha():
        return words[0]
    return ""


@transaction.atomic
def resolve_references(decision: Decision) -> list[DecisionLink]:
    """Point the links that cite ``decision`` only by reference text at it, now that it is
    in the register. Only links from decisions of the same organisation are considered; a
    link the chain rules would refuse (a cycle, time running the wrong way, no competence)
    stays a reference. Returns the links resolved. The reference text is kept."""
    decision = Decision.objects.select_related("meeting", "organ").get(pk=decision.pk)
    held_on, number = decision.meeting.held_on, decision.number
    if held_on is None or number is None:
        return []
    pending = list(
        DecisionLink.objects.select_for_update()
        .filter(target__isnull=True, source__organ__organisation_id=decision.organ.organisation_id)
        .exclude(source_id=decision.pk)
    )
    names = (decision.organ.code, decision.organ.name)
    matching = [
        link
        for link in pending
        if reference_matches(
            link.target_reference, organ_names=names, held_on=held_on, number=number
        )
    ]
    if not matching:
        return []
    graph = load_graph(decision_ids=[decision.pk, *(link.source_id for link in matching)])
    resolved = []
    for link in matching:
        source, target = graph.nodes.get(link.source_id), graph.nodes.get(decision.pk)
        if source is None or target is None:
            continue
        errors = chain_rules.check_link(
            source=source, target=target, kind=link.kind, links=graph.links, nodes=graph.nodes
        )
        exists = DecisionLink.objects.filter(
            source_id=link.source_id, target_id=decision.pk, kind=link.kind
        ).exists()
        if errors or exists:
            continue
        link.target = decision
        record_change(link, reason="Hänvisningen kopplad till beslutet när det registrerades")
        link.save(update_fields=["target"])
        graph.link_rows = (
            *graph.link_rows,
            LinkRow(link.pk, link.source_id, decision.pk, link.kind),
        )
        resolved.append(link)
    return resolved
