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

Deliberate simplifications, for size: per-§ participants (``Participation``) are written for
the §§ that have a votering, a reservation or jäv — elsewhere the meeting's attendance lists who
took part; attendance, participation and ballot rows get no history rows of their own.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction

GENERATED_NOTE = "Genererat testregister"
HISTORY_REASON = "Genererat testregister"
DEFAULT_UNTIL = dt.date(2026, 11, 20)
YEARS = 20
TERM_STARTS = (2007, 2011, 2015, 2019, 2023)  # mandatperioder (valår + 1)

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

PLACE_HEADS = (
    "Björk Sjö Lind Ek Gran Al Ask Häll Berg Ström Tall Rönn Sand Strand Mo Kvarn Löv Hag "
    "Bruk Ros Hassel Kärr Sälg Vass Dal Näs Fors Mal Sten Öster Väster Norr Söder Ny Gamla "
    "Ljung Myr Gull Silver"
).split()
PLACE_TAILS = (
    "vik hamn by sala torp köping åsen holm lunda dal berga fors sund näs ryd hult stad bo "
    "mark ö sjö heda"
).split()
FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Malin Sofia Johanna Linnéa Elin Ida "
    "Birgitta Marie Hanna Åsa Lisa Erik Lars Karl Anders Johan Per Nils Jan Mikael Hans Peter "
    "Olof Gunnar Sven Fredrik Daniel Magnus Björn Oskar Mats Ulf Göran Håkan Jörgen Ahmed "
    "Fatima Ali Leila Mehmet Aida"
).split()
SURNAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson "
    "Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren "
    "Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Engström "
    "Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Samuelsson Fransson Åberg "
    "Öberg Nyström Hedlund Ström Yilmaz Hassan Nordin Sundberg Ek Holmberg"
).split()
PARTIES = ("S", "M", "C", "L", "KD", "V", "MP", "SD")
PARTY_WEIGHTS = (30, 20, 9, 5, 5, 7, 4, 17)

COMMITTEES = (
    ("SN", "Socialnämnden"),
    ("BUN", "Barn- och utbildningsnämnden"),
    ("MBN", "Miljö- och byggnadsnämnden"),
    ("KFN", "Kultur- och fritidsnämnden"),
    ("TN", "Tekniska nämnden"),
    ("VFN", "Välfärdsnämnden"),
)
NUMBER_FORMATS = ("{year}.{seq:03d} {code}", "{year}{code}{seq}", "{code} {year}/{seq}")

# (classification code, title, topics that go with it)
CLASSES = (
    ("001", "Kommunfullmäktige, organisation", ("Arvodesreglemente", "Reglemente för nämnderna")),
    ("041", "Budget och verksamhetsplan", ("Budget", "Verksamhetsplan", "Delårsrapport")),
    ("042", "Årsredovisning", ("Årsredovisning", "Ansvarsfrihet för styrelsen")),
    ("105", "Motioner", ("Motion om", "Medborgarförslag om")),
    ("214", "Detaljplaner", ("Detaljplan för", "Planbesked för")),
    ("231", "Bygglov", ("Bygglov för", "Förhandsbesked för")),
    ("311", "Vägar och gator", ("Trafiksäkerhetsåtgärder i", "Gång- och cykelväg i")),
    ("346", "Vatten och avlopp", ("VA-taxa", "Utbyggnad av vatten och avlopp i")),
    ("610", "Förskola", ("Ny förskola i", "Förskoleplatser i")),
    ("611", "Grundskola", ("Skolorganisation i", "Upprustning av skolan i")),
    ("709", "Samordningsförbund", ("Utträde ur samordningsförbundet", "Medlemsbidrag till")),
    ("730", "Äldreomsorg", ("Särskilt boende i", "Hemtjänst i")),
    ("750", "Individ- och familjeomsorg", ("Ekonomiskt bistånd", "Placering enligt SoL")),
    ("820", "Kultur", ("Bibliotek i", "Kulturstipendium")),
    ("860", "Fritid", ("Idrottshall i", "Föreningsbidrag")),
)
SECRET_CLASSES = {"750"}

SENTENCES = (
    "Ärendet har beretts av förvaltningen i samråd med berörda verksamheter.",
    "Förvaltningen har tagit fram ett underlag som redovisar {topic} och dess konsekvenser "
    "för {place}.",
    "Kostnaden beräknas till {amount} kronor och ryms inom befintlig budgetram.",
    "Förslaget har remitterats till {organ}, som har lämnat synpunkter.",
    "Synpunkterna har i huvudsak beaktats i det reviderade förslaget.",
    "Enligt kommunallagen ska fullmäktige besluta i ärenden av principiell beskaffenhet eller "
    "annars av större vikt.",
    "Invånarna i {place} har under samrådet framfört synpunkter på tillgänglighet och "
    "trafiksäkerhet.",
    "Verksamheten bedöms kunna genomföras under {year} med nuvarande personalresurser.",
    "Barnkonventionen har beaktats och förslaget bedöms inte påverka barn negativt.",
    "Ekonomiavdelningen har granskat kalkylen och delar förvaltningens bedömning.",
    "Beslutet ska följas upp i samband med årsredovisningen för {year}.",
    "Ärendet återkommer till {organ} när utredningen är slutförd.",
    "Förvaltningen föreslår att förslaget antas med de ändringar som framgår av tjänsteskrivelsen.",
    "Samverkan har skett med fackliga organisationer enligt gällande samverkansavtal.",
    "Någon risk för ökade driftskostnader har inte identifierats.",
    "Planområdet omfattar cirka {amount} kvadratmeter och ligger i centrala {place}.",
    "Förslaget innebär att {topic} samordnas med angränsande kommuner.",
    "Miljökonsekvenserna bedöms som små och någon miljökonsekvensbeskrivning krävs inte.",
)
DECISION_PHRASES = (
    "att anta förvaltningens förslag",
    "att bevilja ansökan",
    "att avslå ansökan",
    "att godkänna rapporten och lägga den till handlingarna",
    "att uppdra åt förvaltningen att utreda frågan vidare",
    "att anslå {amount} kronor ur kommunstyrelsens förfogandemedel",
    "att anse motionen besvarad",
    "att lägga informationen till handlingarna",
    "att fastställa taxan att gälla från och med den 1 januari {year}",
    "att återremittera ärendet för komplettering",
)
PROPOSE_PHRASES = (
    "att föreslå {organ} besluta att anta förslaget",
    "att föreslå {organ} att godkänna förslaget",
    "att föreslå {organ} att bifalla förslaget med de ändringar som framgår av beredningen",
)
COUNTERPARTS = (
    "Länsstyrelsen",
    "Skatteverket",
    "Trafikverket",
    "Lantmäteriet",
    "Försäkringskassan",
    "Arbetsförmedlingen",
    "Region",
    "En privatperson",
    "Fastighetsägare",
    "Föreningen",
    "Boverket",
    "Skolinspektionen",
    "IVO",
)


# ---------------------------------------------------------------------------------------------
# COPY buffers
# ---------------------------------------------------------------------------------------------

HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _fmt(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    return str(value)  # int, date (isoformat)


class Table:
    """Rows of one table in COPY text format, written when the buffer is flushed. With
    ``history`` the historical model's table gets a ``+`` row for each row."""

    def __init__(self, name: str, columns: tuple[str, ...], *, history: str | None = None):
        self.name = name
        self.columns = columns
        self.history = history
        self.lines: list[str] = []
        self.history_lines: list[str] = []
        self.next_id = 0
        self.next_history_id = 0
        self.count = 0
        self.history_count = 0

    def start_ids(self, cursor) -> None:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.name}")
        self.next_id = cursor.fetchone()[0] + 1
        if self.history:
            cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {self.history}")
            self.next_history_id = cursor.fetchone()[0] + 1

    def add(self, *values, when: dt.date | None = None, reason: str = HISTORY_REASON) -> int:
        """Add a row (without its id) and return the id it gets."""
        row_id = self.next_id
        self.next_id += 1
        line = "\t".join([str(row_id), *map(_fmt, values)])
        self.lines.append(line)
        if self.history:
            self.add_history(line, when=when, reason=reason)
        return row_id

    def add_history(
        self, line: str, *, when: dt.date | None, reason: str = HISTORY_REASON, kind: str = "+"
    ) -> None:
        stamp = f"{(when or DEFAULT_UNTIL).isoformat()} 12:00:00+01"
        self.history_lines.append(f"{line}\t{self.next_history_id}\t{stamp}\t{reason}\t{kind}")
        self.next_history_id += 1

    def take(self) -> list[tuple[str, list[str]]]:
        """The COPY statements for the rows added since the last call, and an empty buffer."""
        cols = ", ".join(f'"{c}"' for c in ("id", *self.columns))
        batch = [(f"COPY {self.name} ({cols}) FROM STDIN", self.lines)]
        self.count += len(self.lines)
        self.lines = []
        if self.history:
            hcols = ", ".join(f'"{c}"' for c in ("id", *self.columns, *HISTORY_COLUMNS))
            batch.append((f"COPY {self.history} ({hcols}) FROM STDIN", self.history_lines))
            self.history_count += len(self.history_lines)
            self.history_lines = []
        return batch

    def flush(self, cursor) -> None:
        for sql, lines in self.take():
            _copy(cursor, sql, lines)

    def finish(self, cursor) -> None:
        """Move the sequences past the ids given out here."""
        for table, column in ((self.name, "id"), (self.history, "history_id")):
            if table:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"GREATEST((SELECT COALESCE(MAX({column}), 0) FROM {table}), 1))"
                )


COPY_SECONDS: dict[str, float] = {}


def _copy(cursor, sql: str, lines: list[str]) -> None:
    if not lines:
        return
    started = time.monotonic()
    with cursor.copy(sql) as copy:
        for start in range(0, len(lines), 20000):
            copy.write("\n".join(lines[start : start + 20000]) + "\n")
    table = sql.split()[1]
    COPY_SECONDS[table] = COPY_SECONDS.get(table, 0.0) + time.monotonic() - started


# Parents before children (foreign keys), §§ and their parts before the justering.
WRITE_ORDER = (
    "case",
    "document",
    "caselink",
    "meeting",
    "approver",
    "attendance",
    "decision",
    "participation",
    "motion",
    "vote",
    "ballot",
    "reservation",
    "recusal",
    "link",
)
SECRECY = ("is_secret", "secrecy_ground", "secrecy_marked_on", "secrecy_marked_by", "public_title")


def _tables() -> dict[str, Table]:
    t = {}

    def add(key, name, columns, history=True):
        history_name = None
        if history:
            app, model = name.split("_", 1)
            history_name = f"{app}_historical{model}"
        t[key] = Table(name, tuple(columns.split()), history=history_name)

    add("organisation", "members_organisation", "name short_name kind org_number formed_on seat")
    add("organ", "members_organ", "name code kind parent_id organisation_id")
    add("person", "members_person", "key name party")
    add(
        "assignment",
        "members_assignment",
        "role party start_on end_on note organ_id represents_id person_id",
    )
    add(
        "membership",
        "members_membership",
        "joined_on notice_years may_leave federation_id member_id",
    )
    add(
        "event",
        "members_membershipevent",
        "kind occurred_on occurred_not_after note decision_id membership_id",
    )
    add("scheme", "cases_classificationscheme", "name version")
    add("classification", "cases_classification", "code title scheme_id")
    add("register", "cases_register", "code name number_format organ_id organisation_id")
    add(
        "case",
        "cases_case",
        " ".join(SECRECY) + " year serial number number_key title officer status opened_on "
        "closed_on classification_id register_id",
    )
    add(
        "document",
        "cases_document",
        " ".join(SECRECY) + " serial date direction counterpart description author text file "
        "case_id",
    )
    add("caselink", "cases_caselink", "note from_case_id to_case_id")
    add(
        "meeting",
        "decisions_meeting",
        "held_on year date_note place secretary approval_place approved_on posted_on removed_on "
        "minutes_kept_at chair_id organ_id",
    )
    add("approver", "decisions_meeting_approvers", "meeting_id person_id", history=False)
    add(
        "attendance",
        "decisions_attendance",
        "role function party person_id meeting_id",
        history=False,
    )
    add(
        "decision",
        "decisions_decision",
        "year number kind title description preparation procedure decision_text basis sent_to "
        "approved_immediately enforcement_stayed case_id organ_id meeting_id",
    )
    add(
        "participation",
        "decisions_participation",
        "role function party decision_id person_id",
        history=False,
    )
    add("motion", "decisions_motion", "order text decision_id mover_id")
    add(
        "vote",
        "decisions_vote",
        "order question yes_means no_means yes_count no_count abstain_count appendix result "
        "decision_id",
    )
    add("ballot", "decisions_ballot", "choice role party order person_id vote_id", history=False)
    add("reservation", "decisions_reservation", "motivation order decision_id person_id")
    add("recusal", "decisions_recusal", "ground decision_id person_id")
    add("link", "decisions_decisionlink", "target_reference kind note source_id target_id")
    return t


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


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


class Generator:
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
        self.t = _tables()
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

    # -- setup: organisations, organs, registers, people --------------------------------------

    def setup(self, cursor) -> None:
        t, rng = self.t, self.rng
        cursor.execute("SELECT name FROM members_organisation")
        taken = {row[0] for row in cursor.fetchall()}
        self.orgs = []
        names: set[str] = set()
        n = self.n_orgs
        agencies = 2 if n >= 8 else 0
        kinds = ["agency"] * agencies + ["region"] * max(1, n // 25)
        kinds += ["federation"] * max(1, n // 12)
        kinds += ["municipality"] * (n - len(kinds))
        agency_names = ["Statens försäkringsverk (gen)", "Statens arbetsverk (gen)"]
        for index, kind in enumerate(kinds):
            while True:
                place = self.place()
                name = {
                    "municipality": f"{place} kommun",
                    "region": f"Region {place}",
                    "federation": f"Samordningsförbundet {place}",
                    "agency": agency_names[index % 2],
                }[kind]
                if name not in names and name not in taken:
                    break
                if kind == "agency":
                    raise RuntimeError(f"{name} finns redan: registret är redan genererat.")
            names.add(name)
            org_id = t["organisation"].add(
                name,
                place if kind != "agency" else name.split()[1],
                kind,
                f"212000-{rng.randrange(1000, 9999)}",
                dt.date(1971, 1, 1) if kind != "federation" else dt.date(2008, 1, 1),
                place,
                when=dt.date(self.first_year, 1, 1),
            )
            self.orgs.append({"id": org_id, "name": name, "kind": kind, "place": place})

        federations = [o for o in self.orgs if o["kind"] == "federation"]
        for index, org in enumerate(o for o in self.orgs if o["kind"] != "federation"):
            if federations:
                org["federation"] = federations[index % len(federations)]
        scheme = t["scheme"].add(
            "Kommunförbundets diarieplan", f"gen-{self.seed}", when=dt.date(self.first_year, 1, 1)
        )
        self.classes = []
        for code, title, topics in CLASSES:
            cid = t["classification"].add(code, title, scheme, when=dt.date(self.first_year, 1, 1))
            self.classes.append((cid, code, topics))

        person_no = 0
        for org in self.orgs:
            organs: list[Organ] = []

            def organ(code, name, kind, parent, size, org=org, organs=organs):
                oid = t["organ"].add(
                    name,
                    code,
                    kind,
                    parent.id if parent else None,
                    org["id"],
                    when=dt.date(self.first_year, 1, 1),
                )
                o = Organ(oid, code, name, kind, parent, size)
                organs.append(o)
                return o

            if org["kind"] in ("municipality", "region"):
                kf = organ(
                    "KF",
                    "Kommunfullmäktige",
                    "assembly",
                    None,
                    rng.choice((31, 41, 51, 61)),
                )
                if org["kind"] == "region":
                    kf.name = "Regionfullmäktige"
                ks = organ("KS", "Kommunstyrelsen", "executive", kf, rng.choice((11, 13, 15)))
                organ("KSAU", "Kommunstyrelsens arbetsutskott", "working_committee", ks, 5)
                for code, name in rng.sample(COMMITTEES, rng.randint(3, 5)):
                    organ(code, name, "committee", kf, rng.choice((7, 9, 11)))
            elif org["kind"] == "federation":
                organ("FS", "Förbundsstyrelsen", "board", None, 9)
            else:
                organ("GD", "Generaldirektören", "executive", None, 1)
            org["organs"] = organs
            org["registers"] = {}
            fmt = rng.choice(NUMBER_FORMATS)
            for o in organs:
                if o.kind in ("executive", "committee", "board"):
                    rid = t["register"].add(
                        o.code,
                        f"{o.name}s diarium",
                        fmt,
                        o.id,
                        org["id"],
                        when=dt.date(self.first_year, 1, 1),
                    )
                    org["registers"][o.code] = (rid, o.code, fmt)
            # People: one pool per organisation, refreshed at each term of office.
            for o in organs:
                seats = o.size
                current: list[tuple[int, str]] = []
                for term in TERM_STARTS:
                    if term + 3 < self.first_year or term > self.until.year:
                        continue
                    keep = [p for p in current if rng.random() < 0.7]
                    while len(keep) < seats + seats // 2:
                        person_no += 1
                        party = rng.choices(PARTIES, PARTY_WEIGHTS)[0]
                        pid = t["person"].add(
                            f"gen-{self.seed}-{person_no}",
                            self.person_name(),
                            party,
                            when=dt.date(term, 1, 1),
                        )
                        keep.append((pid, party))
                    current = keep
                    start, end = dt.date(term, 1, 1), dt.date(term + 3, 12, 31)
                    members, subs = [], []
                    for n, (pid, party) in enumerate(current):
                        role = "chair" if n == 0 else "vice_chair" if n == 1 else "member"
                        if n >= seats:
                            role = "substitute"
                        t["assignment"].add(
                            role, party, start, end, "", o.id, None, pid, when=start
                        )
                        (members if n < seats else subs).append((pid, party, role))
                    o.members[term] = members
                    o.substitutes[term] = subs
        for key in ("organisation", "organ", "scheme", "classification", "register", "person"):
            t[key].flush(cursor)
        t["assignment"].flush(cursor)

    # -- meetings -----------------------------------------------------------------------------

    def plan_meetings(self, org: dict, per_year: int) -> None:
        rng = self.rng
        for o in org["organs"]:
            factor = {"assembly": 0.8, "working_committee": 1.5}.get(o.kind, 1.0)
            n = max(1, round(per_year * factor))
            for year in range(self.first_year, self.until.year + 1):
                months = sorted(rng.sample(range(1, 13), min(n, 11)) if n <= 11 else [])
                days = []
                if months:
                    days = [dt.date(year, m, rng.randint(1, 27)) for m in months if m != 7]
                else:
                    start = dt.date(year, 1, 10)
                    days = sorted(
                        {start + dt.timedelta(days=rng.randrange(0, 340)) for _ in range(n)}
                    )
                for day in sorted(set(days)):
                    if day > self.until:
                        continue
                    o.meetings.append(Meeting(0, o, day))
            o.dates = [m.held_on for m in o.meetings]

    def meeting_after(self, o: Organ, day: dt.date) -> Meeting | None:
        index = bisect.bisect_right(o.dates, day)
        return o.meetings[index] if index < len(o.meetings) else None

    # -- cases and chains ---------------------------------------------------------------------

    def term_of(self, day: dt.date) -> int:
        return max(term for term in TERM_STARTS if term <= max(day.year, TERM_STARTS[0]))

    def make_case(self, org: dict, budget: int) -> list[Dec]:
        """One ärende, its handlingar, and the §§ that handle it (at most ``budget``)."""
        rng, t = self.rng, self.t
        organs = {o.code: o for o in org["organs"]}
        code = rng.choice(list(org["registers"]))
        register_id, reg_code, fmt = org["registers"][code]
        year = rng.randint(self.first_year, self.until.year)
        last_day = self.until if year == self.until.year else dt.date(year, 12, 31)
        opened = dt.date(year, 1, 2) + dt.timedelta(
            days=rng.randrange(0, max(1, (last_day - dt.date(year, 1, 2)).days))
        )
        serial = self.counters.get((register_id, year), 0) + 1
        self.counters[(register_id, year)] = serial
        number = fmt.format(year=year, seq=serial, code=reg_code)
        class_id, class_code, topics = rng.choice(self.classes)
        place = self.place()
        topic = rng.choice(topics)
        title = (
            f"{topic} {place}"
            if topic.endswith((" i", " för", " om", " till"))
            else (f"{topic} {year}" if rng.random() < 0.5 else f"{topic}, {place}")
        )
        secret = class_code in SECRET_CLASSES and rng.random() < 0.6
        officer = self.person_name()
        closed = None
        if opened < self.until - dt.timedelta(days=400) or rng.random() < 0.3:
            closed = opened + dt.timedelta(days=rng.randrange(20, 400))
            if closed > self.until:
                closed = None
        marked = (True, "OSL 26 kap. 1 §", opened, organs[code].name, "Ärende inom socialtjänsten")
        secrecy = marked if secret else (False, "", None, "", "")
        case_id = t["case"].add(
            *secrecy,
            year,
            serial,
            number,
            "".join(ch for ch in number.lower() if ch.isalnum()),
            title,
            officer,
            "closed" if closed else "open",
            opened,
            closed,
            class_id,
            register_id,
            when=opened,
        )
        self.made_cases += 1
        # The same matter in another register (e.g. 2022VFN360 and 2022KS554).
        other = org.setdefault("last_case", {})
        linked = [cid for reg, cid in other.items() if reg != register_id]
        if linked and rng.random() < 0.04:
            t["caselink"].add("Samma ärende i annat diarium", linked[-1], case_id, when=opened)
        other[register_id] = case_id
        # Handlingar: an incoming letter or a tjänsteskrivelse, more for bigger matters.
        n_docs = rng.choice((0, 1, 1, 2, 2, 2, 3, 4))
        for serial_doc in range(1, n_docs + 1):
            day = opened + dt.timedelta(days=rng.randrange(0, 30) * (serial_doc - 1))
            if closed and day > closed:
                day = closed
            direction = "incoming" if serial_doc == 1 else rng.choice(("drawn_up", "outgoing"))
            what = {
                "incoming": f"Skrivelse om {topic.lower()} {place}",
                "drawn_up": f"Tjänsteskrivelse: {title}",
                "outgoing": f"Expediering av beslut om {topic.lower()}",
            }[direction]
            doc_secrecy = secrecy if direction == "incoming" else (False, "", None, "", "")
            t["document"].add(
                *doc_secrecy,
                serial_doc,
                day,
                direction,
                rng.choice(COUNTERPARTS) if direction != "drawn_up" else "",
                what,
                officer if direction != "incoming" else "",
                "",
                "",
                case_id,
                when=day,
            )
        # The §§: a chain from the register's organ upwards.
        pattern = rng.choices((0, 1, 2, 3, 4), (25, 30, 22, 14, 9))[0]
        origin = organs[code]
        path = [origin]
        if origin.kind == "committee":
            path += (
                [organs["KSAU"], organs["KS"], organs["KF"]][-(pattern - 1) :]
                if pattern > 1
                else []
            )
        elif origin.kind == "executive" and "KSAU" in organs:
            path = {1: [origin], 2: [organs["KSAU"], origin]}.get(
                pattern, [organs["KSAU"], origin, organs["KF"]]
            )
        path = path[: min(pattern, budget)]
        chain: list[Dec] = []
        day = opened
        for hop, organ in enumerate(path):
            meeting = self.meeting_after(organ, day + dt.timedelta(days=7))
            if meeting is None or (closed and meeting.held_on > closed):
                break
            last = hop == len(path) - 1
            dec = Dec(meeting, "decision" if last else "proposal", title, case_id, number)
            if chain:
                chain[-1].links.append(("proposes", dec))
            chain.append(dec)
            meeting.decisions.append(dec)
            day = meeting.held_on
        return chain

    def long_chain(self, org: dict) -> list[Dec]:
        """A matter that runs for years: 20 §§ across organs, proposals, an återremiss,
        amendments and a revocation (the case history benchmark's chain)."""
        rng = self.rng
        organs = {o.code: o for o in org["organs"]}
        if not {"KSAU", "KS", "KF"} <= set(organs):
            return []
        code = next(c for c, o in organs.items() if o.kind == "committee")
        register_id, reg_code, fmt = org["registers"][code]
        year = self.first_year + rng.randint(0, 5)
        serial = self.counters.get((register_id, year), 0) + 1
        self.counters[(register_id, year)] = serial
        number = fmt.format(year=year, seq=serial, code=reg_code)
        subject = rng.choice(("skolorganisationen", "äldreomsorgen", "VA-utbyggnaden"))
        title = f"Långsiktig plan för {subject} i {self.place()}"
        opened = dt.date(year, 2, 1)
        case_id = self.t["case"].add(
            False, "", None, "", "", year, serial, number,
            "".join(ch for ch in number.lower() if ch.isalnum()), title, self.person_name(),
            "open", opened, None, self.classes[0][0], register_id, when=opened,
        )  # fmt: skip
        self.made_cases += 1
        order = [organs[code], organs["KSAU"], organs["KS"], organs["KF"]]
        chain: list[Dec] = []
        day = opened
        kf_decisions: list[Dec] = []
        while len(chain) < 20:
            organ = order[len(chain) % 4]
            meeting = self.meeting_after(organ, day + dt.timedelta(days=7))
            if meeting is None:
                break
            kind = "decision" if organ.code == "KF" else "proposal"
            dec = Dec(meeting, kind, title, case_id, number)
            if chain and chain[-1].kind == "proposal":
                chain[-1].links.append(("proposes", dec))
            if organ.code == "KF" and kf_decisions:
                dec.links.append(
                    ("amends" if len(kf_decisions) % 2 else "revokes", kf_decisions[-1])
                )
            if organ.code == "KF":
                kf_decisions.append(dec)
            chain.append(dec)
            meeting.decisions.append(dec)
            day = meeting.held_on
        return chain

    def notice(self, org: dict) -> list[Dec]:
        """For some kommuner: KF gives notice to leave the förbund (utträde), and in some of
        those KF later withdraws the notice before it takes effect (as Härryda did)."""
        rng = self.rng
        fed = org.get("federation")
        kf = next((o for o in org["organs"] if o.kind == "assembly"), None)
        if fed is None or kf is None or org["kind"] != "municipality" or rng.random() > 0.3:
            return []
        half = len(kf.meetings) // 2
        if not half:
            return []
        meeting = kf.meetings[rng.randrange(half // 2, half + 1)]
        notice = Dec(meeting, "decision", f"Utträde ur {fed['name']}", None)
        meeting.decisions.append(notice)
        org["notice"] = notice
        made = [notice]
        effective = dt.date(meeting.held_on.year + 3, 12, 31)
        later = [m for m in kf.meetings if meeting.held_on < m.held_on < effective]
        if later and rng.random() < 0.6:
            back = rng.choice(later)
            withdraw = Dec(
                back, "decision", f"Återkallande av uppsägning av medlemskap i {fed['name']}", None
            )
            withdraw.links.append(("withdraws", notice))
            back.decisions.append(withdraw)
            org["withdraw"] = withdraw
            made.append(withdraw)
        return made

    # -- one organisation --------------------------------------------------------------------

    def organisation(self, cursor, org: dict, n_cases: int, n_decisions: int) -> None:
        rng = self.rng
        organs = org["organs"]
        per_year = max(1, min(11, round(n_decisions / (len(organs) * YEARS * 12))))
        self.plan_meetings(org, per_year)
        decs: list[Dec] = []
        cases_before = self.made_cases
        if len(organs) > 3:
            for _ in range(2 if n_decisions > 500 else 1):
                decs += self.long_chain(org)
        while self.made_cases - cases_before < n_cases:
            decs += self.make_case(org, n_decisions - len(decs))
        decs += self.notice(org)
        # Revocations and amendments of earlier KF decisions, and återremisser.
        kf = next((o for o in organs if o.kind == "assembly"), None)
        all_meetings = [m for o in organs for m in o.meetings]
        while len(decs) < n_decisions and all_meetings:
            meeting = rng.choice(all_meetings)
            kind = rng.choices(("notification", "delegation", "decision"), (45, 35, 20))[0]
            title = {
                "notification": "Anmälan av delegationsbeslut",
                "delegation": f"Delegationsbeslut om {rng.choice(CLASSES)[2][0].lower()}",
                "decision": f"Information om {rng.choice(CLASSES)[1].lower()}",
            }[kind]
            dec = Dec(meeting, kind, title, None)
            if kf is not None and meeting.organ is kf and rng.random() < 0.15:
                earlier = [
                    d
                    for m in kf.meetings
                    if m.held_on < meeting.held_on
                    for d in m.decisions
                    if d.kind == "decision"
                ]
                if earlier:
                    target = rng.choice(earlier[-200:])
                    link = rng.choice(("revokes", "amends"))
                    if True:
                        dec.kind = "decision"
                        verb = "Upphävande" if link == "revokes" else "Ändring"
                        dec.title = f"{verb} av beslut: {target.title}"
                        dec.case_id, dec.case_number = target.case_id, target.case_number
                        dec.links.append((link, target))
            decs.append(dec)
            meeting.decisions.append(dec)
        self.write_meetings(cursor, org)
        self.made_decisions += len(decs)

    def write_meetings(self, cursor, org: dict) -> None:
        rng, t = self.rng, self.t
        approvals = []
        immediate = []
        for o in org["organs"]:
            serial_by_year: dict[int, int] = {}
            for meeting in o.meetings:
                if not meeting.decisions and rng.random() < 0.5:
                    continue
                term = self.term_of(meeting.held_on)
                members = o.members.get(term) or next(iter(o.members.values()))
                subs = o.substitutes.get(term, [])
                chair = members[0][0]
                held = meeting.held_on
                age = (self.until - held).days
                approved = held + dt.timedelta(days=rng.randint(2, 12)) if age > 14 else None
                if approved and approved > self.until:
                    approved = None
                posted = approved + dt.timedelta(days=rng.randint(0, 2)) if approved else None
                if posted and posted > self.until:
                    posted = None
                removed = posted + dt.timedelta(days=rng.randint(24, 30)) if posted else None
                if removed and removed > self.until:
                    removed = None
                values = [held, held.year, "", f"Kommunhuset, {org['place']}"]
                values += [self.person_name(), "Kommunkansliet", None, None, None]
                values += ["Kommunkansliet", chair, o.id]
                meeting.id = t["meeting"].add(*values, when=held)
                if approved:
                    final = values[:6] + [approved, posted, removed] + values[9:]
                    line = "\t".join([str(meeting.id), *map(_fmt, final)])
                    t["meeting"].add_history(line, when=approved, reason="Justerat", kind="~")
                    approvals.append(f"{meeting.id}\t{approved}\t{_fmt(posted)}\t{_fmt(removed)}")
                # Attendance: the ledamöter less a few absent, their places taken by ersättare.
                present = []
                absent = {p for p in members if rng.random() < 0.08 and p[2] == "member"}
                serving = subs[: len(absent)]
                for pid, party, role in members:
                    if (pid, party, role) in absent:
                        continue
                    fn = "ordförande" if role == "chair" else ""
                    t["attendance"].add("member", fn, party, pid, meeting.id)
                    present.append((pid, party, "member"))
                for pid, party, _role in serving:
                    t["attendance"].add("serving_substitute", "", party, pid, meeting.id)
                    present.append((pid, party, "serving_substitute"))
                for pid in {p[0] for p in members[2:4]}:
                    t["approver"].add(meeting.id, pid)
                for dec in meeting.decisions:
                    year = held.year
                    serial_by_year[year] = serial_by_year.get(year, 0) + 1
                    dec.number = serial_by_year[year]
                    self.write_decision(dec, o, present, immediate, org)
        # Links once every § has its id.
        for o in org["organs"]:
            for meeting in o.meetings:
                for dec in meeting.decisions:
                    for kind, target in dec.links:
                        src, tgt = (dec, target)
                        t["link"].add("", kind, "", src.id, tgt.id, when=src.meeting.held_on)
        batch = [statement for key in WRITE_ORDER for statement in t[key].take()]
        # PostgreSQL loads this organisation while Python generates the next one.
        if self.pending is not None:
            self.pending.result()
        self.pending = self.writer.submit(self.write_batch, cursor, batch, immediate, approvals)

    @staticmethod
    def write_batch(cursor, batch, immediate: list[int], approvals: list[str]) -> None:
        for sql, lines in batch:
            _copy(cursor, sql, lines)
        if immediate:
            cursor.execute(
                "UPDATE decisions_decision SET approved_immediately = true WHERE id = ANY(%s)",
                [immediate],
            )
        if approvals:
            cursor.execute("TRUNCATE gen_approval")
            _copy(cursor, "COPY gen_approval FROM STDIN", approvals)
            cursor.execute(
                "UPDATE decisions_meeting m SET approved_on = a.approved_on, "
                "posted_on = a.posted_on, removed_on = a.removed_on "
                "FROM gen_approval a WHERE m.id = a.id"
            )

    def write_decision(self, dec: Dec, o: Organ, present: list, immediate: list, org) -> None:
        rng, t = self.rng, self.t
        held = dec.meeting.held_on
        place = org["place"]
        parent = o.parent.name.lower() if o.parent else "kommunfullmäktige"
        description = self.paragraph(
            rng.randint(3, 6), topic=dec.title, place=place, organ=parent, year=held.year
        )
        amount = f"{rng.randrange(50, 9000) * 1000:,}".replace(",", " ")
        if dec.kind == "proposal":
            target = dec.links[0][1].meeting.organ.name.lower() if dec.links else parent
            text = rng.choice(PROPOSE_PHRASES).format(organ=target)
        else:
            text = rng.choice(DECISION_PHRASES).format(amount=amount, year=held.year + 1)
        text = f"{o.name} beslutar {text}."
        vote = (
            o.kind in ("assembly", "executive")
            and dec.kind in ("decision", "proposal")
            and (rng.random() < (0.05 if o.kind == "assembly" else 0.02))
        )
        procedure = (
            "Ordföranden ställer proposition på förslagen och finner att "
            "förvaltningens förslag har bifallits. Votering begärs."
            if vote
            else ""
        )
        oj = not vote and rng.random() < 0.02
        sent_to = "Förvaltningen\nEkonomienheten" if dec.kind != "notification" else ""
        dec.id = t["decision"].add(
            held.year, dec.number, dec.kind, dec.title[:500], description,
            "Ärendet har beretts av förvaltningen." if dec.kind != "notification" else "",
            procedure, text, f"Tjänsteskrivelse {held.isoformat()}" if dec.case_id else "",
            sent_to, False, False, dec.case_id, o.id, dec.meeting.id, when=held,
        )  # fmt: skip
        if oj:
            immediate.append(dec.id)
        reservation = vote and rng.random() < 0.5
        recusal = not vote and rng.random() < 0.004 and len(present) > 3
        if vote or recusal:
            skip = rng.choice(present[2:]) if recusal else None
            for pid, party, role in present:
                if skip and pid == skip[0]:
                    continue
                t["participation"].add(role, "", party, dec.id, pid)
            if recusal:
                t["recusal"].add("Släktskap med sökanden", dec.id, skip[0], when=held)
        if vote:
            opposition = {"SD", "M", "KD"} if rng.random() < 0.5 else {"V", "MP"}
            m1 = t["motion"].add(
                1, "Bifall till förvaltningens förslag.", dec.id, present[0][0], when=held
            )
            mover2 = next((p for p in present if p[1] in opposition), present[-1])
            t["motion"].add(2, "Avslag på förslaget.", dec.id, mover2[0], when=held)
            _ = m1
            choices = []
            for pid, party, _role in present:
                choice = "no" if party in opposition else "yes"
                if rng.random() < 0.05:
                    choice = "abstain"
                choices.append((pid, party, choice))
            yes = sum(c == "yes" for *_x, c in choices)
            no = sum(c == "no" for *_x, c in choices)
            abstain = len(choices) - yes - no
            vote_id = t["vote"].add(
                1, "Bifall till förvaltningens förslag mot avslag.", "bifall", "avslag",
                yes, no, abstain, "Bilaga 1",
                f"Med {yes} ja-röster mot {no} nej-röster, {abstain} avstår, beslutar "
                f"{o.name.lower()} enligt {'ja' if yes >= no else 'nej'}.",
                dec.id, when=held,
            )  # fmt: skip
            for order, (pid, party, choice) in enumerate(choices, 1):
                t["ballot"].add(choice, "ledamot", party, order, pid, vote_id)
            if reservation:
                dissent = [c for c in choices if c[2] == ("no" if yes >= no else "yes")]
                for order, (pid, _party, _c) in enumerate(dissent[:3], 1):
                    t["reservation"].add(
                        "Till förmån för eget yrkande.", order, dec.id, pid, when=held
                    )
        elif rng.random() < 0.05 and present:
            t["motion"].add(1, "Bifall till förslaget.", dec.id, rng.choice(present)[0], when=held)

    # -- memberships of the förbund -----------------------------------------------------------

    def memberships(self, cursor) -> None:
        t = self.t
        federations = [o for o in self.orgs if o["kind"] == "federation"]
        others = [o for o in self.orgs if o["kind"] in ("municipality", "region", "agency")]
        if not federations:
            return
        for member in others:
            fed = member["federation"]
            joined = dt.date(self.first_year + 1, 1, 1)
            may_leave = member["kind"] != "agency"
            mid = t["membership"].add(joined, 3, may_leave, fed["id"], member["id"], when=joined)
            t["event"].add("joined", joined, None, "", None, mid, when=joined)
            for key, kind in (("notice", "notice"), ("withdraw", "notice_withdrawn")):
                if key in member:
                    dec_id, day = member[key]
                    t["event"].add(kind, day, None, "", dec_id, mid, when=day)
        for key in ("membership", "event"):
            t[key].flush(cursor)

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
            _copy(cursor, "COPY gen_counter FROM STDIN", counters)
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
