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

from decisions import rules
from decisions.models import Decision, DecisionLink

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
    """What the rules need of a chain: its decisions as ``rules.DecisionNode``, its links,
    the court annulments, and the ids of its cases."""

    case_ids: tuple[int, ...] = ()
    nodes: dict[int, rules.DecisionNode] = field(default_factory=dict)
    link_rows: tuple[LinkRow, ...] = ()
    annulments: tuple[rules.Annulment, ...] = ()
    case_of: dict[int, int | None] = field(default_factory=dict)

    @property
    def decision_ids(self) -> list[int]:
        return list(self.nodes)

    @property
    def links(self) -> list[rules.Link]:
        """The resolved links, for the rules."""
        return [
            rules.Link(row.source_id, row.target_id, row.kind)
            for row in self.link_rows
            if row.target_id is not None
        ]

    @property
    def references(self) -> list[LinkRow]:
        """Links to decisions that are not in the register."""
        return [row for row in self.link_rows if row.target_id is None]

    def force(self, on: dt.date | None = None) -> dict[int, rules.ForceStatus]:
        """The force of every decision of the chain on ``on`` (today by default)."""
        return rules.in_force(
            decisions=self.nodes.values(),
            links=self.links,
            annulments=self.annulments,
            on=on or rules.today(),
        )

    def resolve(self) -> rules.ResolvedChain:
        """The chain in date order (and any cycle in its links)."""
        return rules.resolve_chain(nodes=self.nodes.values(), links=self.links)


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
    nodes: dict[int, rules.DecisionNode] = {}
    case_of: dict[int, int | None] = {}
    for row in payload.get("decisions", []):
        held_on = _date(row["held_on"])
        nodes[row["id"]] = rules.DecisionNode(
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
        rules.Annulment(
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
) -> dict[int, rules.ForceStatus]:
    """Whether each of ``decision_ids`` is in force on ``on`` (today by default), computed
    over the whole chains they belong to (one query, however many decisions). For callers
    such as membership status, which depends on the decisions behind its events.

    Amendments forming a cycle cannot be resolved: ``rules.in_force`` raises ValueError. With
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
        statuses = rules.in_force(
            decisions=graph.nodes.values(), links=[], annulments=[], on=on or rules.today()
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
    citations = rules.parse_citations(reference)
    if not citations:
        return False
    citation = citations[0]
    if citation.date != held_on or citation.number != number:
        return False
    organ = citation.organ or _leading_word(reference)
    if not organ:
        return True
    stems = {rules.organ_stem(name) for name in organ_names if name}
    return rules.organ_stem(organ) in stems


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
        errors = rules.check_link(
            source=source, target=target, kind=link.kind, links=graph.links, nodes=graph.nodes
        )
        exists = DecisionLink.objects.filter(
            source_id=link.source_id, target_id=decision.pk, kind=link.kind
        ).exists()
        if errors or exists:
            continue
        link.target = decision
        link._change_reason = "Hänvisningen kopplad till beslutet när det registrerades"
        link.save(update_fields=["target"])
        graph.link_rows = (
            *graph.link_rows,
            LinkRow(link.pk, link.source_id, decision.pk, link.kind),
        )
        resolved.append(link)
    return resolved


# --------------------------------------------------------------------------------------------
# The chain with its records, for pages and the API (a constant number of queries)
# --------------------------------------------------------------------------------------------

# A decision "is" upphävt/återkallat/…: the passive forms (beslut is neuter) for incoming links.
PASSIVE = {
    rules.PROPOSES: "föreslaget av",
    rules.REVOKES: "upphävt av",
    rules.WITHDRAWS: "återkallat av",
    rules.AMENDS: "ändrat av",
    rules.REFERS_BACK: "återremitterat av",
}
ACTIVE = dict(DecisionLink.Kind.choices)

HIDDEN_DECISION = "ett beslut som ännu inte är justerat"
NOT_IN_REGISTER = "finns inte i registret"


def is_justerad(decision: Decision) -> bool:
    """Justerad: the protocol is (with a known date or "justerat, datum okänt"), or the §
    was justerad omedelbart (rule 7)."""
    return bool(decision.approved_immediately or decision.meeting.is_approved)


@dataclass(frozen=True)
class LegalDates:
    """The procedural dates of a decision (rules 1–8), from its meeting and appeals."""

    held_on: dt.date | None
    justering_deadline: dt.date | None
    approved_on: dt.date | None
    # Justerat, but the date is unknown ("justerat, datum okänt"): every date counted from
    # the justering is unknown too, never guessed.
    approval_date_unknown: bool
    posting_deadline: dt.date | None
    posted_on: dt.date | None
    last_appeal_day: dt.date | None
    legal_force_on: dt.date | None
    legal_force_status: str
    enforceable: bool


def legal_dates(decision: Decision, appeals: Iterable = (), *, on: dt.date | None = None):
    """Rules 1–8 applied to ``decision`` (its meeting loaded) and its laglighetsprövningar."""
    on = on or rules.today()
    meeting = decision.meeting
    held_on = meeting.held_on
    approved_on = meeting.approved_on
    if decision.approved_immediately and held_on:
        approved_on = rules.effective_approval_date(
            held_on=held_on, approved_on=approved_on, approved_immediately=True
        )
    approval_date_unknown = approved_on is None and meeting.approved_date_unknown
    posted_on = meeting.posted_on
    appeals = list(appeals)
    annulled = any(a.outcome == "annulled" for a in appeals)
    rejected = [a for a in appeals if a.outcome == "rejected" and a.final and a.decided_on]
    pending = [
        a for a in appeals if a.outcome == "pending" or (a.outcome == "rejected" and not a.final)
    ]
    appealed = bool(pending or rejected)
    final_judgment_on = max((a.decided_on for a in rejected), default=None) if not pending else None
    return LegalDates(
        held_on=held_on,
        justering_deadline=rules.justering_deadline(held_on=held_on) if held_on else None,
        approved_on=approved_on,
        approval_date_unknown=approval_date_unknown,
        posting_deadline=rules.posting_deadline(approved_on=approved_on) if approved_on else None,
        posted_on=posted_on,
        last_appeal_day=rules.last_appeal_day(posted_on=posted_on) if posted_on else None,
        legal_force_on=rules.legal_force_on(
            posted_on=posted_on,
            appealed=appealed,
            final_judgment_on=final_judgment_on,
            annulled=annulled,
        ),
        legal_force_status=(
            rules.STATUS_DATES_UNKNOWN
            if approval_date_unknown and posted_on is None and not annulled
            else rules.legal_force_status(
                posted_on=posted_on,
                on=on,
                appealed=appealed,
                final_judgment_on=final_judgment_on,
                annulled=annulled,
            )
        ),
        enforceable=rules.is_enforceable(
            approved_on=approved_on, on=on, enforcement_stayed=decision.enforcement_stayed
        ),
    )


@dataclass
class LinkWords:
    """A link as read from one decision: "föreslår KS 2022 § 440", "upphävt av KF … § ?"."""

    direction: str  # "out" or "in"
    kind: str
    verb: str
    other_id: int | None
    other_label: str
    other_title: str = ""
    note: str = ""
    in_register: bool = True

    @property
    def text(self) -> str:
        return f"{self.verb} {self.other_label}"


@dataclass
class History:
    """A chain with its records: what the case history page, the decision page and the API
    show. Build with ``load_history``."""

    graph: ChainGraph
    decisions: dict[int, Decision]
    cases: dict
    appeals: dict[int, list]
    case_links: list
    on: dt.date
    may_see_drafts: bool
    force: dict[int, rules.ForceStatus] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    errors: tuple[str, ...] = ()

    def visible(self, decision_id: int | None) -> bool:
        decision = self.decisions.get(decision_id)
        return decision is not None and (self.may_see_drafts or is_justerad(decision))

    def label(self, decision_id: int) -> str:
        if not self.visible(decision_id):
            return HIDDEN_DECISION
        return self.graph.nodes[decision_id].label

    def visible_order(self) -> list[Decision]:
        return [self.decisions[i] for i in self.order if self.visible(i)]

    def hidden_count(self) -> int:
        return sum(1 for i in self.order if not self.visible(i))

    def links_of(self, decision_id: int) -> list[LinkWords]:
        """The links from and to a decision, in words, as the caller may see them."""
        words: list[LinkWords] = []
        for row in self.graph.link_rows:
            if row.source_id == decision_id:
                if row.target_id is None:
                    words.append(
                        LinkWords(
                            "out",
                            row.kind,
                            ACTIVE.get(row.kind, row.kind),
                            None,
                            row.target_reference,
                            note=row.note,
                            in_register=False,
                        )
                    )
                    continue
                other = row.target_id
                words.append(self._words("out", row, other, ACTIVE.get(row.kind, row.kind)))
            elif row.target_id == decision_id:
                words.append(self._words("in", row, row.source_id, PASSIVE.get(row.kind, row.kind)))
        return words

    def _words(self, direction: str, row: LinkRow, other: int, verb: str) -> LinkWords:
        shown = self.visible(other)
        return LinkWords(
            direction,
            row.kind,
            verb,
            other if shown else None,
            self.label(other),
            self.decisions[other].title if shown else "",
            note=row.note if shown else "",
        )

    def status_text(self, decision_id: int) -> str:
        """The force of a decision today, in a sentence."""
        status = self.force.get(decision_id)
        if status is None:
            return ""
        if status.in_force:
            text = "Gäller"
            if status.amended_by:
                amenders = ", ".join(self.label(i) for i in status.amended_by)
                text += f", ändrat genom {amenders}"
            return text + "."
        if status.status == rules.STATUS_PROPOSAL:
            return "Förslag till beslut: gäller inte i sig."
        if status.status == rules.STATUS_WITHOUT_EFFECT:
            return "Har ingen egen rättsverkan."
        if status.status == rules.STATUS_NOT_YET_TAKEN:
            return "Ännu inte fattat."
        return self.ended_text(status)

    def ended_text(self, status: rules.ForceStatus) -> str:
        """ "Återkallat genom KF … från 2024-01-01." and the like."""
        when = f"från {status.ended_on.isoformat()}" if status.ended_on else "(när är okänt)"
        by = status.ended_by
        if isinstance(by, rules.Annulment):
            return (
                f"Upphävt av {by.court} i mål {by.court_case_number} {when}."
                if by.court
                else f"Upphävt av domstol {when}."
            )
        if status.how == rules.ENDED_WITH_AMENDED:
            return f"Upphört med det ändrade beslutet {self.label(by)} {when}."
        verb = {rules.REVOKES: "Upphävt", rules.WITHDRAWS: "Återkallat"}.get(status.how, "Upphört")
        return f"{verb} genom {self.label(by)} {when}."

    def today_answer(self) -> dict:
        """A plain answer to "what applies today?": the decisions in force, those that no
        longer are, and proposals that have not (yet) led to a decision."""
        in_force, ended, waiting = [], [], []
        leads_to: dict[int, list[int]] = {}
        for row in self.graph.link_rows:
            if row.kind == rules.PROPOSES and row.target_id is not None:
                leads_to.setdefault(row.source_id, []).append(row.target_id)

        def reaches_decision(start: int) -> bool:
            seen, stack = {start}, [start]
            while stack:
                for nxt in leads_to.get(stack.pop(), []):
                    node = self.graph.nodes.get(nxt)
                    if node and node.kind != rules.KIND_PROPOSAL:
                        return True
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            return False

        for decision in self.visible_order():
            status = self.force.get(decision.pk)
            node = self.graph.nodes[decision.pk]
            if status is None:
                continue
            if status.in_force:
                in_force.append(decision)
            elif status.ended_by is not None:
                ended.append(decision)
            elif node.kind == rules.KIND_PROPOSAL and not reaches_decision(decision.pk):
                outgoing = [r for r in self.graph.link_rows if r.source_id == decision.pk]
                if not any(r.target_id is None for r in outgoing):
                    waiting.append(decision)
        return {"in_force": in_force, "ended": ended, "waiting": waiting}


def load_history(
    *,
    user,
    case_ids: Iterable[int] = (),
    decision_ids: Iterable[int] = (),
    documents: bool = False,
    on: dt.date | None = None,
) -> History:
    """The chain around cases or decisions with everything shown of it: 4 queries (5 with
    ``documents``) after the chain query, whatever its length."""
    from django.db.models import Prefetch

    from cases.access import can_see_unapproved_decisions
    from cases.models import Case, CaseLink, Document
    from decisions.models import Appeal

    on = on or rules.today()
    graph = load_graph(case_ids=case_ids, decision_ids=decision_ids)
    decisions = {
        d.pk: d
        for d in Decision.objects.filter(pk__in=graph.decision_ids).select_related(
            "meeting", "organ", "organ__organisation", "case", "case__register"
        )
    }
    case_query = Case.objects.filter(pk__in=graph.case_ids).select_related(
        "register", "register__organisation", "register__organ"
    )
    if documents:
        case_query = case_query.prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("serial"))
        )
    cases = {c.pk: c for c in case_query.order_by("year", "register__code", "serial")}
    appeals: dict[int, list] = {}
    for appeal in Appeal.objects.filter(decision_id__in=graph.decision_ids).order_by("lodged_on"):
        appeals.setdefault(appeal.decision_id, []).append(appeal)
    case_links = list(CaseLink.objects.filter(from_case_id__in=graph.case_ids).order_by("id"))
    history = History(
        graph=graph,
        decisions=decisions,
        cases=cases,
        appeals=appeals,
        case_links=case_links,
        on=on,
        may_see_drafts=can_see_unapproved_decisions(user),
    )
    resolved = graph.resolve()
    history.order = [node.id for node in resolved.decisions]
    for decision in decisions.values():
        decision.chain_label = graph.nodes[decision.pk].label
    errors = list(resolved.errors)
    try:
        history.force = graph.force(on)
    except ValueError as error:  # amendments in a cycle: show the chain, say so
        errors.append(str(error))
    history.errors = tuple(errors)
    return history
