"""The förbund page and the member pages: membership over time (RULES.md 34–36) and
contributions (rule 33). Read-only and public: membership of a samordningsförbund is public;
titles of §§ whose protocol is not yet justerat are shown only to staff (insjoriket.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from decisions import rules as date_rules
from decisions.chains import membership
from insjoriket.access import can_see_unapproved_decisions
from members import contributions
from members.models import Organisation

# --------------------------------------------------------------------------------------------
# The timeline chart (SVG drawn by the server; the page carries the same facts as a table)
# --------------------------------------------------------------------------------------------

CHART_WIDTH = 900
LABEL_WIDTH = 150
CHART_RIGHT = 885
AXIS_HEIGHT = 28
ROW_HEIGHT = 34
BAR_HEIGHT = 20


@dataclass
class Bar:
    x: float
    width: float
    kind: str
    title: str
    text: str = ""

    @property
    def text_x(self) -> str:
        return str(round(self.x + 5, 1))


@dataclass
class Marker:
    x: float
    title: str


@dataclass
class ChartRow:
    y: float
    label: str
    bars: list[Bar] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW_HEIGHT / 2 + 4

    @property
    def marker_y1(self) -> float:
        return self.y + 2

    @property
    def marker_y2(self) -> float:
        return self.y + ROW_HEIGHT - 2


@dataclass
class Tick:
    x: float
    year: int
    label: bool
    mid: float = 0.0


@dataclass
class Chart:
    width: int
    height: int
    rows: list[ChartRow]
    ticks: list[Tick]
    today_x: float
    start_year: int
    end_year: int
    label_x: int = LABEL_WIDTH - 8
    left: int = LABEL_WIDTH
    right: int = CHART_RIGHT
    axis_y: int = AXIS_HEIGHT


def _fmt(d: dt.date | None) -> str:
    return d.isoformat() if d else _("okänt")


def period_text(period: membership.PeriodRow) -> str:
    """A period in words, as the chart's <title> and the table give it."""
    start = _fmt(period.start) if period.start else _("början av tidslinjen")
    if period.start_is_latest:
        start = _("senast %(date)s") % {"date": start}
    end = _fmt(period.end) if period.end else _("tills vidare")
    if period.end_is_latest:
        end = _("senast %(date)s") % {"date": end}
    kind = period.kind
    if kind == "notice":
        what = _("Uppsägningstid, utträde %(exit)s") % {"exit": _fmt(period.exit_on)}
    elif kind == "notice-ended":
        what = _("Uppsägningstid – uppsägningen %(how)s, utträdet %(exit)s blev inte av") % {
            "how": how_text(period.ended_how),
            "exit": _fmt(period.would_have_left_on),
        }
    elif kind == "left":
        what = _("Utträtt")
    elif kind == "none":
        what = _("Inte medlem")
    else:
        what = _("Medlem")
    return f"{what}: {start} – {end}"


def how_text(how: str) -> str:
    return {
        membership.ENDED_REVOKED: _("upphävd"),
        membership.ENDED_WITHDRAWN: _("återkallad"),
        membership.ENDED_ANNULLED: _("upphävd av domstol"),
    }.get(how, _("återkallad"))


def chart_years(states: list[membership.MemberState], *, federation: Organisation | None, today):
    years = [today.year]
    if federation is not None and federation.formed_on:
        years.append(federation.formed_on.year)
    for state in states:
        for p in state.periods:
            for d in (p.start, p.end, p.exit_on, p.would_have_left_on):
                if d is not None:
                    years.append(d.year)
    start = min(years)
    end = max(years) + 1
    return start, end


def build_chart(
    states: list[membership.MemberState],
    *,
    today: dt.date,
    federation: Organisation | None = None,
    label_of=None,
) -> Chart:
    """Geometry of the timeline: one row per membership, one bar per period."""
    start_year, end_year = chart_years(states, federation=federation, today=today)
    first = dt.date(start_year, 1, 1)
    last = dt.date(end_year + 1, 1, 1)
    span = (last - first).days
    scale = (CHART_RIGHT - LABEL_WIDTH) / span

    def x(d: dt.date) -> float:
        return round(LABEL_WIDTH + (d - first).days * scale, 1)

    rows = []
    for i, state in enumerate(states):
        label = label_of(state) if label_of else (state.member.short_name or state.member.name)
        row = ChartRow(y=AXIS_HEIGHT + i * ROW_HEIGHT, label=label)
        for p in state.periods:
            if p.kind == "none":
                continue
            x1 = x(max(p.start, first)) if p.start else float(LABEL_WIDTH)
            x2 = x(min(p.end + dt.timedelta(days=1), last)) if p.end else float(CHART_RIGHT)
            if x2 <= x1:
                continue
            text = {
                "member": _("medlem"),
                "notice": _("uppsägningstid"),
                "notice-ended": _("uppsägning %(how)s") % {"how": how_text(p.ended_how)},
                "left": _("utträtt"),
            }[p.kind]
            if len(text) * 7.2 > x2 - x1 - 8:
                text = ""
            row.bars.append(Bar(x1, round(x2 - x1, 1), p.kind, period_text(p), text))
            if p.would_have_left_on:
                row.markers.append(
                    Marker(
                        x(p.would_have_left_on + dt.timedelta(days=1)),
                        _("Utträdet hade trätt i kraft vid utgången av %(date)s")
                        % {"date": p.would_have_left_on.isoformat()},
                    )
                )
        rows.append(row)
    ticks = [
        Tick(
            x(dt.date(y, 1, 1)),
            y,
            (y - start_year) % 2 == 0 or end_year - start_year < 12,
            x(dt.date(y, 7, 2)),
        )
        for y in range(start_year, end_year + 1)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 6,
        rows=rows,
        ticks=ticks,
        today_x=x(today),
        start_year=start_year,
        end_year=end_year,
    )


def chart_description(states: list[membership.MemberState]) -> str:
    """The chart's <desc>: every membership's periods in one paragraph."""
    parts = []
    for state in states:
        name = state.member.short_name or state.member.name
        periods = "; ".join(period_text(p) for p in state.periods if p.kind != "none")
        parts.append(f"{name}: {periods}.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def _states(memberships, *, today, request) -> list[membership.MemberState]:
    return membership.member_states(
        list(memberships),
        on=today,
        may_see_unapproved=can_see_unapproved_decisions(request.user),
    )


@require_GET
def federation_list(request):
    """Every förbund with its number of members."""
    federations = Organisation.objects.filter(kind=Organisation.Kind.FEDERATION).order_by("name")
    return render(request, "members/federation_list.html", {"federations": federations})


@require_GET
def federation_detail(request, org_id: int):
    """A förbund: each member's timeline and status today, and the contributions per year
    with rule 33's check."""
    federation = get_object_or_404(Organisation, pk=org_id, kind=Organisation.Kind.FEDERATION)
    today = date_rules.today()
    memberships = membership.memberships_for_pages().filter(federation=federation)
    states = _states(memberships, today=today, request=request)
    states.sort(key=lambda s: (_kind_order(s.member), s.member.name))
    chart = build_chart(states, today=today, federation=federation)
    table = contributions.contribution_table(contributions.contributions_of(federation))
    return render(
        request,
        "members/federation_detail.html",
        {
            "federation": federation,
            "today": today,
            "states": states,
            "chart": chart,
            "chart_desc": chart_description(states),
            "contributions": table,
        },
    )


def _kind_order(org: Organisation) -> int:
    return [
        Organisation.Kind.AGENCY,
        Organisation.Kind.REGION,
        Organisation.Kind.MUNICIPALITY,
        Organisation.Kind.FEDERATION,
    ].index(org.kind)


@require_GET
def member_list(request):
    """Every organisation that is or was a member of a förbund, with its status today."""
    today = date_rules.today()
    memberships = membership.memberships_for_pages().order_by("member__name", "federation__name")
    states = _states(memberships, today=today, request=request)
    return render(request, "members/member_list.html", {"states": states, "today": today})


@require_GET
def member_detail(request, org_id: int):
    """One organisation's memberships: timeline, events with the decisions behind them,
    the notice's exit date, and its contributions."""
    organisation = get_object_or_404(Organisation, pk=org_id)
    today = date_rules.today()
    memberships = membership.memberships_for_pages().filter(member=organisation)
    states = _states(memberships, today=today, request=request)
    if not states:
        raise Http404(_("Organisationen är inte medlem i något förbund."))
    chart = build_chart(
        states,
        today=today,
        federation=states[0].membership.federation,
        label_of=lambda s: s.membership.federation.short_name or s.membership.federation.name,
    )
    paid = list(
        organisation.contributions.select_related("federation").order_by("federation", "year")
    )
    for contribution in paid:
        contribution.amount_kr = contributions.format_kr(contribution.amount)
    return render(
        request,
        "members/member_detail.html",
        {
            "organisation": organisation,
            "today": today,
            "states": states,
            "chart": chart,
            "chart_desc": chart_description(states),
            "contributions": paid,
        },
    )
