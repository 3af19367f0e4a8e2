"""A synthetic register for measuring Insjöriket at a region's scale.

``generate(decisions=..., cases=..., seed=...)`` fills the database with ~50 organisations
(kommuner, regions, two state agencies and samordningsförbund), their organs (KF, KS, KSAU,
nämnder), registers, people and assignments per term of office, twenty years of meetings
with their §§, attendance, yrkanden, voteringar with röster, reservationer and jäv, ärenden
with handlingar, decision chains (nämnd → KSAU → KS → KF proposals, amendments, revocations,
a few long-running matters of 20 §§) and the förbund memberships with notices, some withdrawn.

Everything comes from one ``random.Random(seed)``, so a seed gives the same register every time
(ids aside, which follow the tables' sequences). Rows are written with PostgreSQL ``COPY``
(psycopg 3 ``cursor.copy``), one organisation at a time, history rows (simple-history, ``+``)
next to the rows they record. Nothing is saved one row at a time.

The database's rules hold on the way in: every constraint is checked by PostgreSQL as the rows
arrive, and the rule-9 triggers (decisions migration 0004) are respected by writing a meeting
before its justering, then its §§ and their parts, and only then setting ``approved_on`` and
the anslag in one UPDATE per organisation (``approved_immediately`` likewise). The register
counters are set to the highest serial generated per register and year.

The package: ``words`` (word lists), ``copy`` (one COPY buffer per model, its columns read
from the model's ``_meta``), ``plan`` (what is planned before it is written), ``organisations``,
``cases`` and ``meetings`` (the steps of a run), and ``Generator`` here.

Deliberate simplifications, for size: per-§ participants (``Participation``) are written for
the §§ that have a votering, a reservation or jäv — elsewhere the meeting's attendance lists who
took part; attendance, participation and ballot rows get no history rows of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, transaction

from .cases import Cases
from .copy import HISTORY_COLUMNS, copy, tables
from .meetings import Meetings
from .organisations import Organisations
from .plan import Stats
from .words import DEFAULT_UNTIL, FIRST_NAMES, PLACE_HEADS, PLACE_TAILS, SENTENCES, SURNAMES, YEARS

__all__ = ["HISTORY_COLUMNS", "Generator", "Stats", "generate", "register_digest", "tables"]


class Generator(Organisations, Cases, Meetings):
    """One run: ``setup`` (Organisations), then per organisation its ärenden (Cases) and
    meetings (Meetings), then the memberships."""

    def __init__(
        self,
        *,
        decisions: int,
        cases: int,
        seed: int = 1,
        organisations: int = 50,
        until: dt.date = DEFAULT_UNTIL,
        progress: Callable[[str], None] | None = None,
    ):
        self.target_decisions = decisions
        self.target_cases = cases
        self.seed = seed
        self.n_orgs = organisations
        self.until = until
        self.first_year = until.year - YEARS + 1
        self.rng = random.Random(seed)
        self.progress = progress or (lambda message: None)
        self.t = tables()
        self.made_decisions = 0
        self.made_cases = 0
        self.counters: dict[tuple[int, int], int] = {}
        self.writer = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    # -- text ---------------------------------------------------------------------------------

    def place(self) -> str:
        return self.rng.choice(PLACE_HEADS) + self.rng.choice(PLACE_TAILS)

    def person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def paragraph(self, n: int, *, topic: str, place: str, organ: str, year: int) -> str:
        rng = self.rng
        out = []
        for template in rng.sample(SENTENCES, n):
            out.append(
                template.format(
                    topic=topic.lower(),
                    place=place,
                    organ=organ,
                    year=year,
                    amount=f"{rng.randrange(50, 9000) * 1000:,}".replace(",", " "),
                )
            )
        return " ".join(out)

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> Stats:
        started = time.monotonic()
        t = self.t
        with transaction.atomic(), connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # the psycopg cursor, for COPY
            for table in t.values():
                table.start_ids(cursor)
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gen_approval "
                "(id bigint, approved_on date, posted_on date, removed_on date)"
            )
            self.setup(cursor)
            self.progress(
                f"Organisationer, organ, diarier och personer klara ({len(self.orgs)} st)."
            )
            active = [o for o in self.orgs if len(o["organs"]) > 1 or o["kind"] == "federation"]
            weights = [3 if len(o["organs"]) > 3 else 1 for o in active]
            total = sum(weights)
            for n, org in enumerate(active, 1):
                share = weights[n - 1] / total
                n_cases = (
                    round(self.target_cases * share)
                    if n < len(active)
                    else self.target_cases - self.made_cases
                )
                n_decisions = (
                    round(self.target_decisions * share)
                    if n < len(active)
                    else self.target_decisions - self.made_decisions
                )
                self.organisation(cursor, org, max(n_cases, 0), max(n_decisions, 0))
                for key in ("notice", "withdraw"):
                    if key in org:
                        org[key] = (org[key].id, org[key].meeting.held_on)
                for o in org["organs"]:
                    o.meetings = []
                elapsed = time.monotonic() - started
                self.progress(
                    f"[{n}/{len(active)}] {org['name']}: {self.made_cases} ärenden, "
                    f"{self.made_decisions} paragrafer, {elapsed:.0f} s"
                )
            if self.pending is not None:
                self.pending.result()
            self.writer.shutdown()
            self.memberships(cursor)
            counters = [
                f"{reg}\t{year}\t{last}" for (reg, year), last in sorted(self.counters.items())
            ]
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS gen_counter "
                "(register_id bigint, year smallint, last_serial int)"
            )
            cursor.execute("TRUNCATE gen_counter")
            copy(cursor, "COPY gen_counter FROM STDIN", counters)
            cursor.execute(
                "INSERT INTO cases_registercounter (register_id, year, last_serial) "
                "SELECT register_id, year, last_serial FROM gen_counter "
                "ON CONFLICT (register_id, year) DO UPDATE "
                "SET last_serial = "
                "GREATEST(cases_registercounter.last_serial, EXCLUDED.last_serial)"
            )
            for table in t.values():
                table.finish(cursor)
        # Fresh planner statistics, so the first page views after a load use the indexes.
        with connection.cursor() as cursor:
            for table in t.values():
                cursor.execute(f"ANALYZE {table.name}")
        stats = Stats(seconds=time.monotonic() - started)
        for table in t.values():
            stats.rows[table.name] = table.count
            if table.history:
                stats.history_rows[table.history] = table.history_count
        return stats


def generate(
    *,
    decisions: int,
    cases: int,
    seed: int = 1,
    organisations: int = 50,
    until: dt.date = DEFAULT_UNTIL,
    progress: Callable[[str], None] | None = None,
) -> Stats:
    return Generator(
        decisions=decisions,
        cases=cases,
        seed=seed,
        organisations=organisations,
        until=until,
        progress=progress,
    ).run()


def register_digest(cursor) -> str:
    """A fingerprint of what the generator wrote, independent of ids: diarienummer and
    ärendemeningar, §§ with their organ, year, number and title, and the decision links."""
    parts = []
    for sql in (
        "SELECT number, title, status, opened_on FROM cases_case ORDER BY number, register_id",
        "SELECT o.code, d.year, d.number, d.kind, d.title, md5(d.description) "
        "FROM decisions_decision d JOIN members_organ o ON o.id = d.organ_id "
        "JOIN members_organisation g ON g.id = o.organisation_id "
        "ORDER BY g.name, o.code, d.year, d.number",
        "SELECT s.year, s.number, l.kind, t.year, t.number FROM decisions_decisionlink l "
        "JOIN decisions_decision s ON s.id = l.source_id "
        "JOIN decisions_decision t ON t.id = l.target_id "
        "JOIN members_organ o ON o.id = s.organ_id JOIN members_organisation g "
        "ON g.id = o.organisation_id ORDER BY g.name, o.code, s.year, s.number, l.kind, t.number",
    ):
        cursor.execute(sql)
        digest = hashlib.sha256()
        for row in cursor.fetchall():
            digest.update(repr(row).encode())
        parts.append(digest.hexdigest()[:16])
    return "-".join(parts)
