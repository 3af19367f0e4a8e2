"""Read pages for förtroendevalda and the public: a case's whole history across registers and
organs, a decision (§) with everything recorded about it, and the secretary's list of
citations that disagree with the register.

The views only ask ``decisions.chains`` (the chain, loaded in one query, and its records in a
fixed number more) and ``decisions.citations``; the diagram is drawn here as SVG coordinates
for the template (no JavaScript).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.access import can_see_secret, case_title_for, document_title_for
from decisions import chains, citations, rules
from decisions.models import Ballot, Decision, Motion, Vote

# --------------------------------------------------------------------------------------------
# The chain diagram: organs as lanes, decisions in date order, links as arrows
# --------------------------------------------------------------------------------------------

LANE_LABEL_WIDTH = 160
COLUMN_WIDTH = 148
LANE_HEIGHT = 96
BOX_WIDTH = 130
BOX_HEIGHT = 58
TOP = 34


@dataclass
class Box:
    id: int | str
    x: float
    y: float
    lines: tuple[str, ...]
    css: str
    url: str = ""
    title: str = ""

    @property
    def cx(self) -> float:
        return self.x + BOX_WIDTH / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_HEIGHT / 2

    @property
    def text_x(self) -> float:
        return self.x + 8

    @property
    def text_rows(self) -> list[tuple[float, str]]:
        return [(self.y + 18 + 16 * i, line) for i, line in enumerate(self.lines)]


@dataclass
class Arrow:
    path: str
    kind: str
    label: str
    label_x: float
    label_y: float
    dashed: bool = False


@dataclass
class Lane:
    y: float
    label: str
    sublabel: str


def _curve(source: Box, target: Box) -> tuple[str, float, float]:
    """A cubic Bézier from ``source`` to ``target`` and the point halfway along it."""
    if source.x == target.x:  # a reference drawn below its source
        x = source.cx
        start, end = (x, source.y + BOX_HEIGHT), (x, target.y)
        c1, c2 = (x, start[1] + 10), (x, end[1] - 10)
    elif source.y == target.y:  # same lane: bow over the boxes between
        start, end = (source.cx, source.y), (target.cx, target.y)
        lift = min(22 + 12 * (abs(target.x - source.x) / COLUMN_WIDTH - 1), 50)
        c1, c2 = (start[0], start[1] - lift), (end[0], end[1] - lift)
    else:
        right = target.x > source.x
        sx = source.x + BOX_WIDTH if right else source.x
        tx = target.x if right else target.x + BOX_WIDTH
        start, end = (sx, source.cy), (tx, target.cy)
        dx = (end[0] - start[0]) / 2
        c1, c2 = (start[0] + dx, start[1]), (end[0] - dx, end[1])
    mid_x = round((start[0] + 3 * c1[0] + 3 * c2[0] + end[0]) / 8, 1)
    mid_y = round((start[1] + 3 * c1[1] + 3 * c2[1] + end[1]) / 8, 1)
    path = (
        f"M {start[0]:.1f} {start[1]:.1f} C {c1[0]:.1f} {c1[1]:.1f}, "
        f"{c2[0]:.1f} {c2[1]:.1f}, {end[0]:.1f} {end[1]:.1f}"
    )
    return path, mid_x, mid_y


SHORT_STATUS = {
    rules.STATUS_LAPSED_WITH_AMENDED: "upphört",
    rules.STATUS_ANNULLED: "upphävt (domstol)",
    rules.STATUS_WITHOUT_EFFECT: "utan verkan",
    rules.STATUS_NOT_YET_TAKEN: "ej fattat",
}


def _short_status(status: rules.ForceStatus | None) -> str:
    """The status in a word or two, to fit a box of the diagram."""
    if status is None:
        return ""
    return SHORT_STATUS.get(status.status, status.status)


def build_diagram(history: chains.History) -> dict | None:
    """Coordinates for the SVG of a chain (visible decisions only), or None if empty."""
    shown = history.visible_order()
    if not shown:
        return None
    organs = {}
    for decision in shown:
        organs.setdefault(decision.organ_id, decision.organ)
    multi_org = len({o.organisation_id for o in organs.values()}) > 1

    def lane_key(organ):
        depth = len(
            history.graph.nodes[next(d.pk for d in shown if d.organ_id == organ.pk)].organ_ancestors
        )
        return (organ.organisation.name, depth, organ.code)

    lane_organs = sorted(organs.values(), key=lane_key)
    lane_index = {organ.pk: i for i, organ in enumerate(lane_organs)}
    lanes = [
        Lane(
            y=TOP + i * LANE_HEIGHT,
            label=f"{organ.code} · {organ.organisation.short_name or organ.organisation.name}"
            if multi_org
            else organ.code,
            sublabel=organ.name,
        )
        for i, organ in enumerate(lane_organs)
    ]
    boxes: dict[int | str, Box] = {}
    for column, decision in enumerate(shown):
        node = history.graph.nodes[decision.pk]
        meeting = decision.meeting
        when = (
            meeting.held_on.isoformat()
            if meeting.held_on
            else (str(decision.year) if decision.year else _("datum okänt"))
        )
        status = history.force.get(decision.pk)
        css = "box-proposal" if node.kind == rules.KIND_PROPOSAL else "box-decision"
        if status is not None and not status.in_force and status.ended_by is not None:
            css = "box-ended"
        boxes[decision.pk] = Box(
            id=decision.pk,
            x=LANE_LABEL_WIDTH + column * COLUMN_WIDTH,
            y=TOP + lane_index[decision.organ_id] * LANE_HEIGHT + (LANE_HEIGHT - BOX_HEIGHT) / 2,
            lines=(f"{decision.organ.code} {decision.label}", when, _short_status(status)),
            css=css,
            url=reverse("history:decision-detail", args=[decision.pk]),
            title=f"{node.label} {decision.title}",
        )
    arrows: list[Arrow] = []
    reference_lane = None
    references = [row for row in history.graph.references if history.visible(row.source_id)]
    if references:
        reference_lane = len(lanes)
        lanes.append(
            Lane(y=TOP + reference_lane * LANE_HEIGHT, label=_("Ej i registret"), sublabel="")
        )
    for row in references:
        source = boxes[row.source_id]
        key = f"ref-{row.id}"
        boxes[key] = Box(
            id=key,
            x=source.x,
            y=TOP + reference_lane * LANE_HEIGHT + (LANE_HEIGHT - BOX_HEIGHT) / 2,
            lines=tuple((textwrap.wrap(row.target_reference, 15) + ["", "", ""])[:3]),
            css="box-reference",
            title=row.target_reference,
        )
        path, mx, my = _curve(source, boxes[key])
        arrows.append(
            Arrow(path, row.kind, chains.ACTIVE.get(row.kind, row.kind), mx + 4, my, dashed=True)
        )
    for row in history.graph.link_rows:
        if row.target_id is None or row.source_id not in boxes or row.target_id not in boxes:
            continue
        path, mx, my = _curve(boxes[row.source_id], boxes[row.target_id])
        arrows.append(Arrow(path, row.kind, chains.ACTIVE.get(row.kind, row.kind), mx, my - 4))
    width = LANE_LABEL_WIDTH + max(len(shown), 1) * COLUMN_WIDTH + 10
    height = TOP + len(lanes) * LANE_HEIGHT + 10
    return {
        "width": width,
        "height": height,
        "lanes": lanes,
        "lane_width": width,
        "boxes": list(boxes.values()),
        "arrows": arrows,
        "kinds": [k for k, _label in chains.ACTIVE.items()],
    }


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def _decision_rows(
    history: chains.History, may_see_secret: bool, only: int | None = None
) -> list[dict]:
    rows = []
    for decision in history.visible_order():
        if only is not None and decision.pk != only:
            continue
        case = history.cases.get(decision.case_id) if decision.case_id else None
        rows.append(
            {
                "decision": decision,
                "label": history.graph.nodes[decision.pk].label,
                "case": case,
                "case_title": case_title_for(case, may_see_secret=may_see_secret) if case else "",
                "links": history.links_of(decision.pk),
                "status": history.force.get(decision.pk),
                "status_text": history.status_text(decision.pk),
                "dates": chains.legal_dates(
                    decision, history.appeals.get(decision.pk, ()), on=history.on
                ),
                "appeals": history.appeals.get(decision.pk, []),
                "justerad": chains.is_justerad(decision),
            }
        )
    return rows


@require_GET
def case_history(request, case_id: int):
    """A matter's whole history: linked cases across registers, every decision in date order,
    the links in words, the legal dates, the documents and what applies today."""
    history = chains.load_history(user=request.user, case_ids=[case_id], documents=True)
    case = history.cases.get(case_id)
    may_see_secret = can_see_secret(request.user)
    if case is None or (case.is_secret and not may_see_secret):
        raise Http404(_("Ärendet finns inte."))
    case_rows = []
    link_notes = {}
    for link in history.case_links:
        link_notes.setdefault(link.from_case_id, []).append(link)
        link_notes.setdefault(link.to_case_id, []).append(link)
    for other in history.cases.values():
        hidden = other.is_secret and not may_see_secret
        documents = []
        if not hidden:
            for document in other.documents.all():
                document.case = other
                document.shown_title = document_title_for(document, may_see_secret=may_see_secret)
                document.hidden = document.is_secret and not may_see_secret
                documents.append(document)
        case_rows.append(
            {
                "case": other,
                "title": case_title_for(other, may_see_secret=may_see_secret),
                "hidden": hidden,
                "is_start": other.pk == case.pk,
                "documents": documents,
                "notes": [link.note for link in link_notes.get(other.pk, []) if link.note],
            }
        )
    rows = _decision_rows(history, may_see_secret)
    return render(
        request,
        "decisions/history/case_history.html",
        {
            "case": case,
            "case_title": case_title_for(case, may_see_secret=may_see_secret),
            "case_rows": case_rows,
            "rows": rows,
            "hidden_count": history.hidden_count(),
            "answer": history.today_answer(),
            "history": history,
            "diagram": build_diagram(history),
            "errors": history.errors,
            "today": history.on,
        },
    )


@require_GET
def decision_detail(request, decision_id: int):
    """A § with its sections, votes, reservations, links, legal dates and citation checks."""
    history = chains.load_history(user=request.user, decision_ids=[decision_id])
    if not history.visible(decision_id):
        raise Http404(_("Beslutet finns inte."))
    decision = (
        Decision.objects.select_related(
            "meeting", "organ", "organ__organisation", "case", "case__register"
        )
        .prefetch_related(
            Prefetch(
                "motions",
                queryset=Motion.objects.select_related("mover").prefetch_related("supporters"),
            ),
            Prefetch(
                "votes",
                queryset=Vote.objects.prefetch_related(
                    Prefetch("ballots", queryset=Ballot.objects.select_related("person"))
                ),
            ),
            "reservations__person",
            "recusals__person",
            "corrections",
            "participations__person",
        )
        .get(pk=decision_id)
    )
    may_see_secret = can_see_secret(request.user)
    status = history.force.get(decision.pk)
    ended = status is not None and not status.in_force and status.ended_by is not None
    checks = citations.checks_for(decision)
    (row,) = _decision_rows(history, may_see_secret, only=decision.pk)
    return render(
        request,
        "decisions/history/decision_detail.html",
        {
            "decision": decision,
            "row": row,
            "label": history.graph.nodes[decision.pk].label,
            "case_title": case_title_for(decision.case, may_see_secret=may_see_secret)
            if decision.case
            else "",
            "status": status,
            "status_text": history.status_text(decision.pk),
            "ended": ended,
            "links_out": [w for w in row["links"] if w.direction == "out"],
            "links_in": [w for w in row["links"] if w.direction == "in"],
            "citation_checks": checks,
            "warnings": [c for c in checks if c.is_warning],
            "justerad": chains.is_justerad(decision),
            "today": history.on,
        },
    )


@require_GET
@login_required
def citation_list(request):
    """Every decision whose text cites a decision otherwise than the register holds it."""
    if not request.user.has_perm("decisions.change_decision"):
        raise PermissionDenied
    found = citations.all_warnings()
    return render(request, "decisions/history/citation_list.html", {"found": found})
