"""The chain diagram: organs as lanes, decisions in date order, links as arrows, as SVG
coordinates for the template (no JavaScript; ``templates/decisions/history/_diagram.html``)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from decisions.chains import history as chain_history
from decisions.chains import rules as chain_rules

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

    @property
    def sublabel_rows(self) -> list[tuple[float, str]]:
        """The organ's full name on up to three lines under the code (never cut short)."""
        lines = textwrap.wrap(self.sublabel, 22) or [""]
        return [(self.y + 58 + 14 * i, line) for i, line in enumerate(lines[:3])]


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
    chain_rules.STATUS_LAPSED_WITH_AMENDED: "upphört",
    chain_rules.STATUS_ANNULLED: "upphävt (domstol)",
    chain_rules.STATUS_WITHOUT_EFFECT: "utan verkan",
    chain_rules.STATUS_NOT_YET_TAKEN: "ej fattat",
}


def _short_status(status: chain_rules.ForceStatus | None) -> str:
    """The status in a word or two, to fit a box of the diagram."""
    if status is None:
        return ""
    return SHORT_STATUS.get(status.status, status.status)


def build_diagram(history: chain_history.History) -> dict | None:
    """Coordinates for the SVG of a chain (visible decisions only), or None if empty."""
    shown = history.visible_order()
    if not shown:
        return None
    organs = {}
    for decision in shown:
        organs.setdefault(decision.organ_id, decision.organ)
    multi_org = len({o.organisation_id for o in organs.values()}) > 1

    def lane_key(organ):
        """The organs' hierarchy, level by level and the same for every organisation:
        fullmäktige, then the organs under it (styrelse and nämnder, by code), then theirs
        (an arbetsutskott)."""
        node = history.graph.nodes[next(d.pk for d in shown if d.organ_id == organ.pk)]
        return (organ.organisation.name, len(node.organ_ancestors), organ.code)

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
        css = "box-proposal" if node.kind == chain_rules.KIND_PROPOSAL else "box-decision"
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
            Arrow(
                path,
                row.kind,
                chain_history.ACTIVE.get(row.kind, row.kind),
                mx + 4,
                my,
                dashed=True,
            )
        )
    for row in history.graph.link_rows:
        if row.target_id is None or row.source_id not in boxes or row.target_id not in boxes:
            continue
        path, mx, my = _curve(boxes[row.source_id], boxes[row.target_id])
        arrows.append(
            Arrow(path, row.kind, chain_history.ACTIVE.get(row.kind, row.kind), mx, my - 4)
        )
    width = LANE_LABEL_WIDTH + max(len(shown), 1) * COLUMN_WIDTH + 10
    height = TOP + len(lanes) * LANE_HEIGHT + 10
    return {
        "width": width,
        "height": height,
        "lanes": lanes,
        "lane_width": width,
        "boxes": list(boxes.values()),
        "arrows": arrows,
        "kinds": [k for k, _label in chain_history.ACTIVE.items()],
    }
