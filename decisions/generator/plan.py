"""What the generator plans before it writes: organs with their meetings and seats, and §§
before they get their numbers and ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Organ:
    id: int
    code: str
    name: str
    kind: str
    parent: Organ | None
    size: int  # ledamöter
    meetings: list = field(default_factory=list)  # Meeting, sorted by date
    dates: list = field(default_factory=list)  # their dates, for bisect
    members: dict = field(default_factory=dict)  # term start → [(person_id, party, role)]
    substitutes: dict = field(default_factory=dict)


@dataclass
class Meeting:
    id: int
    organ: Organ
    held_on: dt.date
    decisions: list = field(default_factory=list)


@dataclass
class Dec:
    """A § before it gets its number and id."""

    meeting: Meeting
    kind: str
    title: str
    case_id: int | None
    case_number: str = ""
    links: list = field(default_factory=list)  # (kind, target Dec)
    id: int = 0
    number: int = 0


@dataclass
class Stats:
    rows: dict = field(default_factory=dict)
    history_rows: dict = field(default_factory=dict)
    seconds: float = 0.0
