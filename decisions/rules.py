"""Pure rules of procedural dates (RULES.md 1–8): justering, anslag, the appeal window, laga
kraft and enforcement, counted in the calendar of lag (1930:173).

Nothing here touches the ORM or a request: callers pass plain values. Dates are calendar dates
in Europe/Stockholm. The rules of chains of decisions (links, force, citations) are in
``decisions.chains.rules`` and ``decisions.chains.citation_rules``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# --------------------------------------------------------------------------------------------
# Error and warning messages (Swedish: users read them; tests assert them)
# --------------------------------------------------------------------------------------------

JUSTERING_LATE = "Protokollet justerades {approved_on}, efter sista dag för justering {deadline}."
POSTING_LATE = (
    "Tillkännagivandet anslogs {posted_on}, efter sista dag för anslag {deadline} "
    "(två dagar efter justering)."
)
POSTING_REMOVED_TOO_EARLY = (
    "Anslaget får inte tas ned förrän överklagandetiden har gått ut: sista dag för "
    "överklagande är {last_appeal_day}."
)
NO_POSTINGS = "Beslutet har inte anslagits på någon anslagstavla."

# --------------------------------------------------------------------------------------------
# Calendar: lag (1930:173) om beräkning av lagstadgad tid
# --------------------------------------------------------------------------------------------


def today() -> dt.date:
    """Today's date in Europe/Stockholm (the calendar all rules count in)."""
    return dt.datetime.now(tz=STOCKHOLM).date()


def add_weeks(d: dt.date, n: int) -> dt.date:
    """The date with the same weekday ``n`` weeks after ``d`` (lag 1930:173 1 §: a time in
    weeks ends on the day with the same name as the starting day). RULES.md helper."""
    return d + dt.timedelta(weeks=n)


def _midsummer_eve(year: int) -> dt.date:
    """Midsommarafton: the Friday between 19 and 25 June."""
    june_19 = dt.date(year, 6, 19)
    return june_19 + dt.timedelta(days=(4 - june_19.weekday()) % 7)


@lru_cache(maxsize=64)
def non_working_days(year: int) -> frozenset[dt.date]:
    """Days of ``year`` other than Saturdays and Sundays that are not vardagar under
    lag 1930:173 2 §: the allmänna helgdagar of lag 1989:253 and midsommarafton, julafton
    and nyårsafton, which 2 § names.

    The ``holidays`` package gives the helgdagar in its ``public`` category (without
    Sundays unless ``include_sundays`` is passed, which older versions did by default);
    it puts the three aftnar in a separate ``de_facto`` category in some versions and not at
    all in others, so they are added here explicitly rather than relying on either.
    """
    try:
        calendar = holidays.country_holidays(
            "SE", years=year, categories=("public",), include_sundays=False
        )
    except TypeError:  # a version without the include_sundays option
        calendar = holidays.country_holidays("SE", years=year, categories=("public",))
    days = {day for day in calendar if day.weekday() < 5}
    days |= {_midsummer_eve(year), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    return frozenset(days)


def is_vardag(d: dt.date) -> bool:
    """Whether ``d`` is a vardag (lag 1930:173 2 §): not a Saturday, Sunday, allmän
    helgdag, midsommarafton, julafton or nyårsafton. RULES.md helper for rule 3."""
    return d.weekday() < 5 and d not in non_working_days(d.year)


def next_vardag(d: dt.date) -> dt.date:
    """``d`` itself if it is a vardag, else the next vardag (lag 1930:173 2 §: a time that
    ends on a non-vardag may be used until the next vardag). RULES.md helper for rule 3."""
    while not is_vardag(d):
        d += dt.timedelta(days=1)
    return d


# --------------------------------------------------------------------------------------------
# Rules 1–8: justering, anslag, överklagande, laga kraft, verkställighet
# --------------------------------------------------------------------------------------------


def justering_deadline(*, held_on: dt.date) -> dt.date:
    """Rule 1: the protocol of a meeting held on ``held_on`` is to be justerat within
    14 days (KL 5 kap. 69 §). The day is not moved off a weekend: the rule states the
    deadline as M + 14 days and flags late justering, it does not forbid it."""
    return held_on + dt.timedelta(days=14)


def is_justering_late(*, held_on: dt.date, approved_on: dt.date) -> bool:
    """Rule 1: whether a justering on ``approved_on`` came after the deadline."""
    return approved_on > justering_deadline(held_on=held_on)


def posting_deadline(*, approved_on: dt.date) -> dt.date:
    """Rule 2: the tillkännagivande of a protocol justerat on ``approved_on`` is to be
    posted on the anslagstavla at the latest two days later (KL 8 kap. 12 §)."""
    return approved_on + dt.timedelta(days=2)


def is_posting_late(*, approved_on: dt.date, posted_on: dt.date) -> bool:
    """Rule 2: whether a posting on ``posted_on`` came after the deadline (a warning)."""
    return posted_on > posting_deadline(approved_on=approved_on)


def last_appeal_day(*, posted_on: dt.date) -> dt.date:
    """Rule 3: the last day to lodge a laglighetsprövning of a decision whose
    tillkännagivande was posted on ``posted_on`` (KL 13 kap. 5 §): three weeks from the
    posting, moved to the next vardag per lag 1930:173 2 §.

    >>> last_appeal_day(posted_on=dt.date(2024, 2, 7))
    datetime.date(2024, 2, 28)
    """
    return next_vardag(add_weeks(posted_on, 3))


def legal_force_on(
    *,
    posted_on: dt.date | None,
    appealed: bool = False,
    final_judgment_on: dt.date | None = None,
    annulled: bool = False,
) -> dt.date | None:
    """Rule 4: the day the decision vinner laga kraft, or None while that is not known.

    Unappealed, it is ``last_appeal_day + 1``. While an appeal is pending
    (``appealed`` and no ``final_judgment_on``) the status is "överklagat" and there is no
    date. When the court's judgment rejecting the appeal has itself become final on
    ``final_judgment_on``, the decision has laga kraft from then (never before the day after
    the appeal window). An annulled decision never gains laga kraft.
    """
    if posted_on is None or annulled:
        return None
    unappealed = last_appeal_day(posted_on=posted_on) + dt.timedelta(days=1)
    if not appealed:
        return unappealed
    if final_judgment_on is None:
        return None
    return max(unappealed, final_judgment_on)


STATUS_NOT_POSTED = "ej anslaget"
STATUS_APPEAL_WINDOW_OPEN = "ej laga kraft"
STATUS_APPEALED = "överklagat"
STATUS_ANNULLED_BY_COURT = "upphävt av domstol"
STATUS_LEGAL_FORCE = "laga kraft"
# Justerat, but neither the justering nor the anslag date is known (a protocol from the
# sources that does not give them): laga kraft cannot be counted, and "ej anslaget" would be
# a claim the sources do not make.
STATUS_DATES_UNKNOWN = "justerat, datum okänt"
# RULES.md 45: taken, known from other documents; the protocol (and so its anslag) is not in
# the register.
STATUS_KNOWN_FROM_SOURCES = "känt ur andra handlingar"


def legal_force_status(
    *,
    posted_on: dt.date | None,
    on: dt.date,
    appealed: bool = False,
    final_judgment_on: dt.date | None = None,
    annulled: bool = False,
) -> str:
    """Rule 4 as a label for a date ``on``: not posted, appeal window open ("ej laga
    kraft"), "överklagat" until a final judgment, annulled, or "laga kraft"."""
    if annulled:
        return STATUS_ANNULLED_BY_COURT
    if posted_on is None:
        return STATUS_NOT_POSTED
    force_on = legal_force_on(
        posted_on=posted_on, appealed=appealed, final_judgment_on=final_judgment_on
    )
    if force_on is not None and on >= force_on:
        return STATUS_LEGAL_FORCE
    if appealed:
        return STATUS_APPEALED
    return STATUS_APPEAL_WINDOW_OPEN


def may_remove_posting(*, posted_on: dt.date, removal_on: dt.date) -> bool:
    """Rule 5: an anslag may come down only once the last day for appeal has passed,
    that is on ``last_appeal_day + 1`` or later (KL 8 kap. 12 §)."""
    return removal_on > last_appeal_day(posted_on=posted_on)


def check_posting_removal(*, posted_on: dt.date, removal_on: dt.date) -> str | None:
    """Rule 5 as a message: None when the removal is allowed, else why it is refused."""
    if may_remove_posting(posted_on=posted_on, removal_on=removal_on):
        return None
    return POSTING_REMOVED_TOO_EARLY.format(
        last_appeal_day=last_appeal_day(posted_on=posted_on).isoformat()
    )


def last_posting_date(*, postings: Iterable[dt.date]) -> dt.date:
    """Rule 6: when a decision (of a gemensam nämnd, say) is posted on several
    anslagstavlor, the appeal window runs from the **last** posting."""
    dates = list(postings)
    if not dates:
        raise ValueError(NO_POSTINGS)
    return max(dates)


def effective_approval_date(
    *, held_on: dt.date, approved_on: dt.date | None, approved_immediately: bool
) -> dt.date | None:
    """Rule 7: a § marked omedelbart justerad (OJ) is justerat on the meeting date;
    any other § on its protocol's justering date (None while not justerat)."""
    return held_on if approved_immediately else approved_on


def immediate_posting_deadline(*, held_on: dt.date) -> dt.date:
    """Rule 7: the tillkännagivande of an OJ § is due on the meeting date, at the latest
    two days later (rule 2 counted from the meeting date)."""
    return posting_deadline(approved_on=held_on)


def is_enforceable(
    *, approved_on: dt.date | None, on: dt.date, enforcement_stayed: bool = False
) -> bool:
    """Rule 8: a decision may be verkställt from its justering date unless särskilda skäl
    mot verkställighet are recorded (KL 13 kap. 14 §). Being verkställbar says nothing of
    laga kraft (rule 4): a decision can be both verkställbar and "ej laga kraft"."""
    return approved_on is not None and on >= approved_on and not enforcement_stayed


def requires_correction(*, annulled: bool, enforced: bool) -> bool:
    """Rule 8: an annulled decision that has been verkställt needs a rättelse."""
    return annulled and enforced
