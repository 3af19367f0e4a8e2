"""A chain with its records, for the case history page, the decision page and the API: which
decisions the caller may see, the links in words, the legal dates (rules 1–8) and what applies
today, in a constant number of queries (``load_history``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from cases.models import Case, CaseLink, Document
from decisions import rules as date_rules
from decisions.chains import rules as chain_rules
from decisions.chains.graph import ChainGraph, LinkRow, load_graph
from decisions.models import Appeal, Decision, DecisionLink
from decisions.publishing import snapshot

# --------------------------------------------------------------------------------------------
# The chain with its records, for pages and the API (a constant number of queries)
# --------------------------------------------------------------------------------------------

# A decision "is" upphävt/återkallat/…: the passive forms (beslut is neuter) for incoming links.
PASSIVE = {
    chain_rules.PROPOSES: "föreslaget av",
    chain_rules.REVOKES: "upphävt av",
    chain_rules.WITHDRAWS: "återkallat av",
    chain_rules.AMENDS: "ändrat av",
    chain_rules.REFERS_BACK: "återremitterat av",
}
ACTIVE = dict(DecisionLink.Kind.choices)

HIDDEN_DECISION = "ett beslut som ännu inte är justerat"
NOT_IN_REGISTER = "finns inte i registret"


@dataclass(frozen=True)
class LegalDates:
    """The procedural dates of a decision (rules 1–8), from its meeting and appeals."""

    held_on: dt.date | None
    justering_deadline: dt.date | None
    approved_on: dt.date | None
    # Justerat, but the date is unknown ("justerat, datum okänt"): every date counted from
    # the justering is unknown too, never guessed.
    approval_date_unknown: bool
    # Not in the register, known from another document (RULES.md 45): the document named.
    known_from_sources: str
    posting_deadline: dt.date | None
    posted_on: dt.date | None
    last_appeal_day: dt.date | None
    legal_force_on: dt.date | None
    legal_force_status: str
    enforceable: bool


def legal_dates(decision: Decision, appeals: Iterable = (), *, on: dt.date | None = None):
    """Rules 1–8 applied to ``decision`` (its meeting loaded) and its laglighetsprövningar."""
    on = on or date_rules.today()
    meeting = decision.meeting
    held_on = meeting.held_on
    approved_on = meeting.approved_on
    if decision.approved_immediately and held_on:
        approved_on = date_rules.effective_approval_date(
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
        justering_deadline=date_rules.justering_deadline(held_on=held_on) if held_on else None,
        approved_on=approved_on,
        approval_date_unknown=approval_date_unknown,
        known_from_sources=meeting.known_from_sources,
        posting_deadline=date_rules.posting_deadline(approved_on=approved_on)
        if approved_on
        else None,
        posted_on=posted_on,
        last_appeal_day=date_rules.last_appeal_day(posted_on=posted_on) if posted_on else None,
        legal_force_on=date_rules.legal_force_on(
            posted_on=posted_on,
            appealed=appealed,
            final_judgment_on=final_judgment_on,
            annulled=annulled,
        ),
        legal_force_status=(
            date_rules.STATUS_KNOWN_FROM_SOURCES
            if meeting.is_known_from_sources and not annulled
            else date_rules.STATUS_DATES_UNKNOWN
            if approval_date_unknown and posted_on is None and not annulled
            else date_rules.legal_force_status(
                posted_on=posted_on,
                on=on,
                appealed=appealed,
                final_judgment_on=final_judgment_on,
                annulled=annulled,
            )
        ),
        enforceable=date_rules.is_enforceable(
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
    force: dict[int, chain_rules.ForceStatus] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    errors: tuple[str, ...] = ()

    def visible(self, decision_id: int | None) -> bool:
        decision = self.decisions.get(decision_id)
        return decision is not None and (self.may_see_drafts or decision.is_taken)

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
        if status.status == chain_rules.STATUS_PROPOSAL:
            return "Förslag till beslut: gäller inte i sig."
        if status.status == chain_rules.STATUS_WITHOUT_EFFECT:
            return "Har ingen egen rättsverkan."
        if status.status == chain_rules.STATUS_NOT_YET_TAKEN:
            return "Ännu inte fattat."
        return self.ended_text(status)

    def ended_text(self, status: chain_rules.ForceStatus) -> str:
        """ "Återkallat genom KF … från 2024-01-01." and the like."""
        when = f"från {status.ended_on.isoformat()}" if status.ended_on else "vid en okänd tidpunkt"
        by = status.ended_by
        if isinstance(by, chain_rules.Annulment):
            return (
                f"Upphävt av {by.court} i mål {by.court_case_number} {when}."
                if by.court
                else f"Upphävt av domstol {when}."
            )
        if status.how == chain_rules.ENDED_WITH_AMENDED:
            return f"Upphört med det ändrade beslutet {self.label(by)} {when}."
        verb = {chain_rules.REVOKES: "Upphävt", chain_rules.WITHDRAWS: "Återkallat"}.get(
            status.how, "Upphört"
        )
        return f"{verb} genom {self.label(by)} {when}."

    def today_answer(self) -> dict:
        """A plain answer to "what applies today?": the decisions in force, those that no
        longer are, and proposals that have not (yet) led to a decision."""
        in_force, ended, waiting = [], [], []
        leads_to: dict[int, list[int]] = {}
        for row in self.graph.link_rows:
            if row.kind == chain_rules.PROPOSES and row.target_id is not None:
                leads_to.setdefault(row.source_id, []).append(row.target_id)

        def reaches_decision(start: int) -> bool:
            seen, stack = {start}, [start]
            while stack:
                for nxt in leads_to.get(stack.pop(), []):
                    node = self.graph.nodes.get(nxt)
                    if node and node.kind != chain_rules.KIND_PROPOSAL:
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
            elif node.kind == chain_rules.KIND_PROPOSAL and not reaches_decision(decision.pk):
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

    from insjoriket.access import can_see_unapproved_decisions

    on = on or date_rules.today()
    graph = load_graph(case_ids=case_ids, decision_ids=decision_ids)
    decisions = {
        d.pk: d
        for d in Decision.objects.filter(pk__in=graph.decision_ids).select_related(
            "meeting", "meeting__snapshot", "organ", "organ__organisation", "case", "case__register"
        )
    }
    for d in decisions.values():
        frozen = snapshot.frozen_data(d.meeting)
        if frozen is not None:  # a justerat §: its organ as named at justering (rule 38)
            snapshot.apply_snapshot_to_decision(d, frozen)
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
