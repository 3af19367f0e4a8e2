"""Import of the declarative data file (``docs/data-format.md``).

The whole file is read and validated first; nothing is written while a single error remains.
Then everything is written in one transaction, record by record through ``save()`` so that
django-simple-history records every change with the reason "Import från <filnamn>". Records
are found by their natural keys (never database ids) and saved only when a value differs, so a
second import of the same file writes nothing: no new rows and no new history records.

Children that the file lists in full (närvaro, deltagare, yrkanden, voteringar, röster,
reservationer, jäv) are replaced: rows of a § that the file no longer lists are deleted.
Top-level records the file does not mention are left alone, since a file need not hold the
whole register.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation

from cases.models import (
    Case,
    CaseLink,
    Classification,
    ClassificationScheme,
    Document,
    Register,
    normalise_number,
)
from decisions.chains import graph as chain_graph
from decisions.chains import rules as chain_rules
from decisions.models import (
    Attendance,
    Ballot,
    Decision,
    DecisionLink,
    Meeting,
    Motion,
    Participation,
    Recusal,
    Reservation,
    Vote,
)
from members.models import (
    Assignment,
    Contribution,
    Membership,
    MembershipEvent,
    Organ,
    Organisation,
    Person,
)

CHANGE_REASON = "Import från {name}"

# Error messages (Swedish: a clerk reads them). Each is prefixed with the record's path.
YAML_SYNTAX = "filen är inte giltig YAML: {error}"
NOT_A_MAPPING = "ska vara en mappning (fält: värde)"
NOT_A_LIST = "ska vara en lista"
REQUIRED = "saknas"
UNKNOWN_FIELD = 'okänt fält "{field}"'
BAD_DATE = 'ogiltigt datum "{value}" (ange ÅÅÅÅ-MM-DD)'
BAD_INT = 'ogiltigt heltal "{value}"'
BAD_BOOL = 'ogiltigt sanningsvärde "{value}" (ange true eller false)'
BAD_AMOUNT = 'ogiltigt belopp "{value}"'
BAD_CHOICE = 'ogiltigt värde "{value}"; tillåtna värden: {allowed}'
BAD_KEY = 'ogiltig nyckel "{value}" (endast a–z, 0–9 och bindestreck)'
DUPLICATE = 'finns redan i filen: "{key}"'
DUPLICATE_NUMBER = "§ {number} förekommer två gånger för {organ} {year}"
UNKNOWN_ORGANISATION = 'okänd organisation "{ref}"'
UNKNOWN_ORGAN = 'okänt organ "{ref}"'
UNKNOWN_PERSON = 'okänd person "{ref}"'
UNKNOWN_REGISTER = 'okänt diarium "{ref}"'
UNKNOWN_CASE = 'okänt ärende "{ref}"'
AMBIGUOUS_CASE = 'diarienumret "{ref}" finns i flera diarier; ange {{register: …, number: …}}'
UNKNOWN_CLASSIFICATION = 'okänd klass "{code}" i "{scheme}"'
UNKNOWN_DECISION = 'okänt beslut "{ref}"'
NUMBER_DOES_NOT_FIT = 'diarienumret "{number}" passar inte diariets format "{format}"'
NUMBER_MISMATCH = 'diarienumret "{number}" stämmer inte med år {year} och löpnummer {serial}'
DATE_NOTE_NEEDED = "ett sammanträde utan datum måste ha date_note som säger vad som är känt"
YEAR_CONFLICT = "year {year} stämmer inte med datumet {held_on}"
NUMBER_NEEDS_YEAR = "en paragraf med nummer kräver att sammanträdets år är känt"
UNDATED_NEEDS_KEY = "ett sammanträde eller en paragraf utan datum/nummer behöver en key"
NOT_PARTICIPANT = 'person "{ref}" deltar inte i paragrafen'
RECUSED_PARTICIPANT = 'person "{ref}" är jävig men står som deltagare'
BALLOTS_DO_NOT_ADD_UP = (
    "voteringslistan ger {yes} ja, {no} nej, {abstain} avstår men resultatet anger "
    "{yes_count} ja, {no_count} nej, {abstain_count} avstår"
)
DUPLICATE_BALLOT = 'person "{ref}" röstar två gånger'
LINK_WITHOUT_TARGET = "ange target (ett beslut) eller target_reference (text)"
LINK_TO_SELF = "ett beslut kan inte kopplas till sig självt"
LINK_AGAINST_TIME = (
    "kopplingen går mot tiden: {source} ({source_date}) {kind} {target} ({target_date})"
)
ORGAN_CYCLE = "organen bildar en cirkel av överordnade organ"
DATE_UNKNOWN_WITH_DATE = (
    "approved_date_unknown: true betyder att justeringsdatum inte är känt; ange inte "
    "samtidigt approved_on"
)
DATE_UNKNOWN_WITH_POSTING = (
    "anslag (posted_on, removed_on) kräver ett känt justeringsdatum (approved_on)"
)
DATES_OUT_OF_ORDER = "{later} ({later_value}) får inte vara före {earlier} ({earlier_value})"
CASE_LINK_TO_SELF = "ett ärende kan inte kopplas till sig självt"
SAVE_FAILED = "kunde inte sparas: {error}"
NOT_UTF8 = (
    "{name}: filen är inte kodad som UTF-8 (ogiltigt tecken vid byte {position}); "
    "spara den som UTF-8 och försök igen"
)

TOP_LEVEL = (
    "format",
    "organisations",
    "organs",
    "people",
    "assignments",
    "classification_schemes",
    "registers",
    "cases",
    "case_links",
    "meetings",
    "decision_links",
    "memberships",
    "contributions",
)

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DECISION_REF_RE = re.compile(
    r"^(?P<organ>.+?)\s+(?P<when>\d{4}(?:-\d{2}-\d{2})?)\s+§\s*(?P<number>\d+)$"
)


class ImportFailed(Exception):
    """The file was refused; ``errors`` lists every problem, each naming its record."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    """Per model (verbose_name_plural): how many rows were created, changed, unchanged,
    deleted."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts[str(model._meta.verbose_name_plural)][outcome] += 1

    @property
    def changed_anything(self) -> bool:
        return any(c["created"] or c["changed"] or c["deleted"] for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = []
        for name in sorted(self.counts):
            c = self.counts[name]
            line = (
                f"{name}: {c['created']} nya, {c['changed']} ändrade, {c['unchanged']} oförändrade"
            )
            if c["deleted"]:
                line += f", {c['deleted']} borttagna"
            lines.append(line)
        return lines


# --- YAML loading: dates stay strings so that a bad date is an error we can name -----------


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true/false are booleans: "no", "on", "yes" stay text (YAML 1.1 would read them as bools).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def import_file(path: str | Path) -> ImportResult:
    """Import the data file at ``path``; raises ImportFailed, writing nothing, on any error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed([NOT_UTF8.format(name=path.name, position=exc.start)]) from exc
    return import_text(text, source_name=path.name)


def import_text(text: str, *, source_name: str) -> ImportResult:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ImportFailed([YAML_SYNTAX.format(error=exc)]) from exc
    with translation.override("sv"):
        plan = _Reader(data or {}).read()
        with transaction.atomic():
            return _Writer(plan, reason=CHANGE_REASON.format(name=source_name)).write()


# --- Reading and validating -------------------------------------------------------------


def _label_choices(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accept both the stored value (``member``) and the Swedish label (``ledamot``)."""
    out = {}
    for value, label in choices.choices:
        out[value.lower()] = value
        out[str(label).lower()] = value
    return out


def _number_regex(number_format: str, code: str) -> re.Pattern | None:
    parts = []
    try:
        for literal, name, _spec, _conv in string.Formatter().parse(number_format):
            parts.append(re.escape(literal))
            if name == "year":
                parts.append(r"(?P<year>\d{4})")
            elif name == "seq":
                parts.append(r"(?P<seq>\d+)")
            elif name == "code":
                parts.append(re.escape(code))
            elif name is not None:
                return None
    except ValueError:
        return None
    return re.compile("^" + "".join(parts) + "$")


class _Reader:
    """Turns the parsed YAML into a plan of plain records whose references are resolved to
    natural keys (or to primary keys of rows already in the database), collecting errors."""

    def __init__(self, data: Any):
        self.data = data
        self.errors: list[str] = []
        self.plan: dict[str, Any] = defaultdict(list)
        # File indexes: natural keys of what the file declares.
        self.org_alias: dict[str, str] = {}  # name or short name -> name
        self.organs: dict[tuple[str, str], dict] = {}
        self.people: dict[str, dict] = {}
        self.classes: set[tuple[str, str, str]] = set()
        self.registers: dict[tuple[str, str], dict] = {}
        self.cases: dict[tuple[str, str], dict] = {}
        self.meetings: dict[tuple, dict] = {}
        self.decisions: dict[tuple, dict] = {}
        self.decision_by_year: dict[tuple, tuple] = {}
        self.decision_by_date: dict[tuple, tuple] = {}
        self.decision_by_key: dict[str, tuple] = {}

    # small helpers ------------------------------------------------------------------------

    def err(self, path: str, msg: str) -> None:
        self.errors.append(f"{path}: {msg}")

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.err(path, NOT_A_MAPPING)
            return None
        for key in value:
            if key not in allowed:
                self.err(path, UNKNOWN_FIELD.format(field=key))
        return value

    def items(self, value: Any, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(path, NOT_A_LIST)
            return []
        return value

    def text(self, d: dict, name: str, path: str, *, required: bool = False) -> str:
        value = d.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.err(f"{path}.{name}", REQUIRED)
            return ""
        return str(value).strip()

    def date(self, d: dict, name: str, path: str, *, required: bool = False) -> dt.date | None:
        value = d.get(name)
        if value is None or value == "":
            if required:
                self.err(f"{path}.{name}", REQUIRED)
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.err(f"{path}.{name}", BAD_DATE.format(value=value))
            return None

    def integer(self, d: dict, name: str, path: str, *, required: bool = False) -> int | None:
        value = d.get(name)
        if value is None or value == "":
            if required:
                self.err(f"{path}.{name}", REQUIRED)
            return None
        if isinstance(value, bool):
            self.err(f"{path}.{name}", BAD_INT.format(value=value))
            return None
        try:
            return int(str(value).replace(" ", ""))
        except ValueError:
            self.err(f"{path}.{name}", BAD_INT.format(value=value))
            return None

    def boolean(self, d: dict, name: str, path: str, default: bool) -> bool:
        value = d.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.err(f"{path}.{name}", BAD_BOOL.format(value=value))
            return default
        return value

    def choice(
        self, d: dict, name: str, path: str, choices: type[models.TextChoices], default=None
    ) -> str | None:
        value = d.get(name)
        if value is None or value == "":
            if default is None:
                self.err(f"{path}.{name}", REQUIRED)
            return default
        table = _label_choices(choices)
        found = table.get(str(value).strip().lower())
        if found is None:
            allowed = ", ".join(str(label) for _v, label in choices.choices)
            self.err(f"{path}.{name}", BAD_CHOICE.format(value=value, allowed=allowed))
        return found

    # references ---------------------------------------------------------------------------

    def ref_organisation(self, value: Any, path: str) -> str | None:
        """Organisation by name or short name → its name (the natural key)."""
        ref = str(value or "").strip()
        if not ref:
            self.err(path, REQUIRED)
            return None
        if ref in self.org_alias:
            return self.org_alias[ref]
        row = (
            Organisation.objects.filter(name=ref).first()
            or Organisation.objects.filter(short_name=ref).first()
        )
        if row is None:
            self.err(path, UNKNOWN_ORGANISATION.format(ref=ref))
            return None
        self.org_alias[ref] = row.name
        return row.name

    def _split(self, ref: str) -> tuple[str, str] | None:
        parts = ref.rsplit(None, 1)
        return (parts[0], parts[1]) if len(parts) == 2 else None

    def _org_quiet(self, ref: str) -> str | None:
        if ref in self.org_alias:
            return self.org_alias[ref]
        row = (
            Organisation.objects.filter(name=ref).first()
            or Organisation.objects.filter(short_name=ref).first()
        )
        return row.name if row else None

    def _ref_coded(self, value, path, *, known, model, message) -> tuple[str, str] | None:
        """``"Härryda KF"`` → (organisation name, code) of an organ or register in the file
        or the database."""
        ref = str(value or "").strip()
        if not ref:
            self.err(path, REQUIRED)
            return None
        split = self._split(ref)
        org = self._org_quiet(split[0]) if split else None
        key = (org, split[1]) if org else None
        if key and (
            key in known or model.objects.filter(organisation__name=org, code=split[1]).exists()
        ):
            return key
        self.err(path, message.format(ref=ref))
        return None

    def ref_organ(self, value: Any, path: str) -> tuple[str, str] | None:
        return self._ref_coded(value, path, known=self.organs, model=Organ, message=UNKNOWN_ORGAN)

    def ref_person(self, value: Any, path: str) -> str | None:
        ref = str(value or "").strip()
        if not ref:
            self.err(path, REQUIRED)
            return None
        if ref in self.people or Person.objects.filter(key=ref).exists():
            return ref
        self.err(path, UNKNOWN_PERSON.format(ref=ref))
        return None

    def ref_register(self, value: Any, path: str) -> tuple[str, str] | None:
        return self._ref_coded(
            value, path, known=self.registers, model=Register, message=UNKNOWN_REGISTER
        )

    def ref_case(self, value: Any, path: str) -> tuple[str, str, str] | None:
        """A diarienummer, or ``{register: …, number: …}`` → (org, register code, number)."""
        if isinstance(value, dict):
            register = self.ref_register(value.get("register"), f"{path}.register")
            number = str(value.get("number") or "").strip()
            if not register:
                return None
            key = (register[0], register[1], number)
            if (register, number) in self.cases or Case.objects.filter(
                register__organisation__name=register[0],
                register__code=register[1],
                number=number,
            ).exists():
                return key
            self.err(path, UNKNOWN_CASE.format(ref=number))
            return None
        number = str(value or "").strip()
        if not number:
            self.err(path, REQUIRED)
            return None
        found = {(reg[0], reg[1], num) for (reg, num) in self.cases if num == number}
        for org, code in Case.objects.filter(number=number).values_list(
            "register__organisation__name", "register__code"
        ):
            found.add((org, code, number))
        if not found:
            self.err(path, UNKNOWN_CASE.format(ref=number))
            return None
        if len(found) > 1:
            self.err(path, AMBIGUOUS_CASE.format(ref=number))
            return None
        return found.pop()

    def ref_decision(self, value: Any, path: str) -> tuple | None:
        """``"Härryda KF 2020 § 128"``, ``"Härryda KF 2020-06-15 § 128"`` or a key → the
        decision's natural key (file) or ``("db", pk)``."""
        ref = str(value or "").strip()
        if not ref:
            self.err(path, REQUIRED)
            return None
        if ref in self.decision_by_key:
            return self.decision_by_key[ref]
        m = DECISION_REF_RE.match(ref)
        if m:
            split = self._split(m["organ"])
            org = self._org_quiet(split[0]) if split else None
            if org:
                organ = (org, split[1])
                number = int(m["number"])
                when = m["when"]
                if len(when) == 4:
                    hit = self.decision_by_year.get((organ, int(when), number))
                    query = {"year": int(when)}
                else:
                    try:
                        day = dt.date.fromisoformat(when)
                    except ValueError:
                        self.err(path, BAD_DATE.format(value=when))
                        return None
                    hit = self.decision_by_date.get((organ, day, number))
                    query = {"meeting__held_on": day}
                if hit:
                    return hit
                row = Decision.objects.filter(
                    organ__organisation__name=org, organ__code=split[1], number=number, **query
                ).first()
                if row:
                    return ("db", row.pk)
        self.err(path, UNKNOWN_DECISION.format(ref=ref))
        return None

    # sections -------------------------------------------------------------------------------

    def read(self) -> dict:
        data = self.mapping(self.data, "filen", TOP_LEVEL)
        if data is None:
            raise ImportFailed(self.errors)
        # Index first what later sections refer to, in dependency order.
        self.read_organisations(data)
        self.read_organs(data)
        self.read_people(data)
        self.read_assignments(data)
        self.read_schemes(data)
        self.read_registers(data)
        self.read_cases(data)
        self.read_case_links(data)
        self.read_meetings(data)
        self.read_decision_links(data)
        self.read_memberships(data)
        self.read_contributions(data)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.plan

    def read_organisations(self, data: dict) -> None:
        allowed = ("name", "short_name", "kind", "org_number", "formed_on", "seat")
        for i, raw in enumerate(self.items(data.get("organisations"), "organisations")):
            path = f"organisations[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            name = self.text(d, "name", path, required=True)
            path = f"{path} ({name})"
            rec = {
                "name": name,
                "short_name": self.text(d, "short_name", path),
                "kind": self.choice(d, "kind", path, Organisation.Kind),
                "org_number": self.text(d, "org_number", path),
                "formed_on": self.date(d, "formed_on", path),
                "seat": self.text(d, "seat", path),
            }
            if name in self.org_alias.values():
                self.err(path, DUPLICATE.format(key=name))
                continue
            self.org_alias[name] = name
            if rec["short_name"]:
                self.org_alias[rec["short_name"]] = name
            self.plan["organisations"].append((path, rec))

    def read_organs(self, data: dict) -> None:
        allowed = ("organisation", "code", "name", "kind", "parent")
        raws = []
        for i, raw in enumerate(self.items(data.get("organs"), "organs")):
            path = f"organs[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            org = self.ref_organisation(d.get("organisation"), f"{path}.organisation")
            code = self.text(d, "code", path, required=True)
            path = f"{path} ({d.get('organisation')} {code})"
            if org and code:
                if (org, code) in self.organs:
                    self.err(path, DUPLICATE.format(key=f"{org} {code}"))
                    continue
                self.organs[(org, code)] = d
                raws.append((path, org, code, d))
        for path, org, code, d in raws:
            parent = None
            if d.get("parent"):
                parent_ref = str(d["parent"]).strip()
                if " " not in parent_ref:  # a code within the same organisation
                    parent_ref = f"{org} {parent_ref}"
                parent = self.ref_organ(parent_ref, f"{path}.parent")
            rec = {
                "organisation": org,
                "code": code,
                "name": self.text(d, "name", path, required=True),
                "kind": self.choice(d, "kind", path, Organ.Kind),
                "parent": parent,
            }
            self.plan["organs"].append((path, rec))
        # Parents first, and no cycles.
        by_key = {(r["organisation"], r["code"]): (p, r) for p, r in self.plan["organs"]}
        ordered, done, visiting = [], set(), set()

        def visit(key):
            if key in done or key not in by_key:
                return
            if key in visiting:
                self.err(by_key[key][0], ORGAN_CYCLE)
                return
            visiting.add(key)
            parent = by_key[key][1]["parent"]
            if parent:
                visit(parent)
            visiting.discard(key)
            done.add(key)
            ordered.append(by_key[key])

        for key in list(by_key):
            visit(key)
        self.plan["organs"] = ordered

    def read_people(self, data: dict) -> None:
        for i, raw in enumerate(self.items(data.get("people"), "people")):
            path = f"people[{i}]"
            d = self.mapping(raw, path, ("key", "name", "party"))
            if d is None:
                continue
            key = self.text(d, "key", path, required=True)
            path = f"{path} ({key})"
            if key and not KEY_RE.match(key):
                self.err(f"{path}.key", BAD_KEY.format(value=key))
            if key in self.people:
                self.err(path, DUPLICATE.format(key=key))
                continue
            rec = {
                "key": key,
                "name": self.text(d, "name", path, required=True),
                "party": self.text(d, "party", path),
            }
            self.people[key] = rec
            self.plan["people"].append((path, rec))

    def party_of(self, person: str | None) -> str:
        return self.people.get(person, {}).get("party", "") if person else ""

    def read_assignments(self, data: dict) -> None:
        allowed = ("person", "organ", "role", "party", "represents", "start_on", "end_on", "note")
        seen = set()
        for i, raw in enumerate(self.items(data.get("assignments"), "assignments")):
            path = f"assignments[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            path = f"{path} ({d.get('person')}, {d.get('organ')})"
            person = self.ref_person(d.get("person"), f"{path}.person")
            rec = {
                "person": person,
                "organ": self.ref_organ(d.get("organ"), f"{path}.organ"),
                "role": self.choice(d, "role", path, Assignment.Role),
                "party": self.text(d, "party", path) or self.party_of(person),
                "represents": (
                    self.ref_organisation(d["represents"], f"{path}.represents")
                    if d.get("represents")
                    else None
                ),
                "start_on": self.date(d, "start_on", path),
                "end_on": self.date(d, "end_on", path),
                "note": self.text(d, "note", path),
            }
            self.check_order(path, rec, "start_on", "end_on")
            key = (rec["person"], rec["organ"], rec["role"], rec["start_on"])
            if key in seen:
                self.err(path, DUPLICATE.format(key=f"{d.get('person')} {rec['role']}"))
            seen.add(key)
            self.plan["assignments"].append((path, rec))

    def check_order(self, path: str, rec: dict, earlier: str, later: str) -> None:
        if rec.get(earlier) and rec.get(later) and rec[later] < rec[earlier]:
            self.err(
                path,
                DATES_OUT_OF_ORDER.format(
                    later=later,
                    later_value=rec[later],
                    earlier=earlier,
                    earlier_value=rec[earlier],
                ),
            )

    def read_schemes(self, data: dict) -> None:
        items = self.items(data.get("classification_schemes"), "classification_schemes")
        for i, raw in enumerate(items):
            path = f"classification_schemes[{i}]"
            d = self.mapping(raw, path, ("name", "version", "classes"))
            if d is None:
                continue
            name = self.text(d, "name", path, required=True)
            version = self.text(d, "version", path)
            path = f"{path} ({name})"
            classes = []
            for j, craw in enumerate(self.items(d.get("classes"), f"{path}.classes")):
                cpath = f"{path}.classes[{j}]"
                c = self.mapping(craw, cpath, ("code", "title"))
                if c is None:
                    continue
                code = self.text(c, "code", cpath, required=True)
                classes.append((cpath, {"code": code, "title": self.text(c, "title", cpath)}))
                self.classes.add((name, version, code))
            self.plan["schemes"].append((path, {"name": name, "version": version}, classes))

    def ref_classification(self, value: Any, path: str) -> tuple[str, str, str] | None:
        d = self.mapping(value, path, ("scheme", "version", "code"))
        if d is None:
            return None
        scheme = self.text(d, "scheme", path, required=True)
        version = self.text(d, "version", path)
        code = self.text(d, "code", path, required=True)
        key = (scheme, version, code)
        if (
            key in self.classes
            or Classification.objects.filter(
                scheme__name=scheme, scheme__version=version, code=code
            ).exists()
        ):
            return key
        self.err(path, UNKNOWN_CLASSIFICATION.format(code=code, scheme=scheme))
        return None

    def read_registers(self, data: dict) -> None:
        allowed = ("organisation", "organ", "code", "name", "number_format")
        for i, raw in enumerate(self.items(data.get("registers"), "registers")):
            path = f"registers[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            org = self.ref_organisation(d.get("organisation"), f"{path}.organisation")
            code = self.text(d, "code", path, required=True)
            path = f"{path} ({d.get('organisation')} {code})"
            organ = None
            if d.get("organ") and org:
                organ_ref = str(d["organ"]).strip()
                if " " not in organ_ref:
                    organ_ref = f"{org} {organ_ref}"
                organ = self.ref_organ(organ_ref, f"{path}.organ")
            rec = {
                "organisation": org,
                "organ": organ,
                "code": code,
                "name": self.text(d, "name", path, required=True),
                "number_format": self.text(d, "number_format", path, required=True),
            }
            if rec["number_format"] and not _number_regex(rec["number_format"], code):
                self.err(
                    f"{path}.number_format",
                    BAD_CHOICE.format(
                        value=rec["number_format"], allowed="{year}, {seq}, {seq:03d}, {code}"
                    ),
                )
            if org and (org, code) in self.registers:
                self.err(path, DUPLICATE.format(key=f"{org} {code}"))
                continue
            if org:
                self.registers[(org, code)] = rec
            self.plan["registers"].append((path, rec))

    def secrecy(self, d: dict, path: str) -> dict:
        raw = d.get("secrecy")
        if not raw:
            return {
                "is_secret": False,
                "secrecy_ground": "",
                "secrecy_marked_on": None,
                "secrecy_marked_by": "",
                "public_title": "",
            }
        s = self.mapping(
            raw, f"{path}.secrecy", ("ground", "marked_on", "marked_by", "public_title")
        )
        if s is None:
            return {}
        spath = f"{path}.secrecy"
        return {
            "is_secret": True,
            "secrecy_ground": self.text(s, "ground", spath, required=True),
            "secrecy_marked_on": self.date(s, "marked_on", spath, required=True),
            "secrecy_marked_by": self.text(s, "marked_by", spath, required=True),
            "public_title": self.text(s, "public_title", spath),
        }

    def register_format(self, register: tuple[str, str]) -> str | None:
        if register in self.registers:
            return self.registers[register]["number_format"]
        row = Register.objects.filter(organisation__name=register[0], code=register[1]).first()
        return row.number_format if row else None

    def read_cases(self, data: dict) -> None:
        allowed = (
            "number", "register", "year", "serial", "title", "classification", "officer",
            "status", "opened_on", "closed_on", "secrecy", "documents",
        )  # fmt: skip
        doc_allowed = (
            "serial", "date", "direction", "counterpart", "description", "author", "text",
            "secrecy",
        )  # fmt: skip
        for i, raw in enumerate(self.items(data.get("cases"), "cases")):
            path = f"cases[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            number = self.text(d, "number", path, required=True)
            path = f"{path} ({number})"
            register = self.ref_register(d.get("register"), f"{path}.register")
            year = self.integer(d, "year", path)
            serial = self.integer(d, "serial", path)
            if register and number:
                fmt = self.register_format(register) or ""
                rx = _number_regex(fmt, register[1])
                m = rx.match(number) if rx else None
                if not m:
                    self.err(
                        f"{path}.number", NUMBER_DOES_NOT_FIT.format(number=number, format=fmt)
                    )
                else:
                    year = year or int(m["year"])
                    serial = serial or int(m["seq"])
                    expected = fmt.format(year=year, seq=serial, code=register[1])
                    if expected != number:
                        self.err(
                            f"{path}.number",
                            NUMBER_MISMATCH.format(number=number, year=year, serial=serial),
                        )
            rec = {
                "register": register,
                "number": number,
                "year": year,
                "serial": serial,
                "title": self.text(d, "title", path, required=True),
                "classification": (
                    self.ref_classification(d["classification"], f"{path}.classification")
                    if d.get("classification")
                    else None
                ),
                "officer": self.text(d, "officer", path),
                "status": self.choice(d, "status", path, Case.Status, default=Case.Status.OPEN),
                "opened_on": self.date(d, "opened_on", path),
                "closed_on": self.date(d, "closed_on", path),
                **self.secrecy(d, path),
            }
            self.check_order(path, rec, "opened_on", "closed_on")
            documents = []
            serials = set()
            for j, draw in enumerate(self.items(d.get("documents"), f"{path}.documents")):
                dpath = f"{path}.documents[{j}]"
                doc = self.mapping(draw, dpath, doc_allowed)
                if doc is None:
                    continue
                dserial = self.integer(doc, "serial", dpath) or j + 1
                if dserial in serials:
                    self.err(dpath, DUPLICATE.format(key=f"{number}:{dserial}"))
                serials.add(dserial)
                documents.append(
                    (
                        f"{dpath} ({number}:{dserial})",
                        {
                            "serial": dserial,
                            "date": self.date(doc, "date", dpath, required=True),
                            "direction": self.choice(doc, "direction", dpath, Document.Direction),
                            "counterpart": self.text(doc, "counterpart", dpath),
                            "description": self.text(doc, "description", dpath, required=True),
                            "author": self.text(doc, "author", dpath),
                            "text": self.text(doc, "text", dpath),
                            **self.secrecy(doc, dpath),
                        },
                    )
                )
            if register and (register, number) in self.cases:
                self.err(path, DUPLICATE.format(key=number))
                continue
            if register:
                self.cases[(register, number)] = rec
            self.plan["cases"].append((path, rec, documents))

    def read_case_links(self, data: dict) -> None:
        for i, raw in enumerate(self.items(data.get("case_links"), "case_links")):
            path = f"case_links[{i}]"
            d = self.mapping(raw, path, ("from", "to", "note"))
            if d is None:
                continue
            path = f"{path} ({d.get('from')} ↔ {d.get('to')})"
            rec = {
                "from": self.ref_case(d.get("from"), f"{path}.from"),
                "to": self.ref_case(d.get("to"), f"{path}.to"),
                "note": self.text(d, "note", path),
            }
            if rec["from"] and rec["from"] == rec["to"]:
                self.err(path, CASE_LINK_TO_SELF)
            self.plan["case_links"].append((path, rec))

    # meetings and their §§ -----------------------------------------------------------------

    def read_meetings(self, data: dict) -> None:
        allowed = (
            "organ", "held_on", "year", "key", "date_note", "place", "chair", "secretary",
            "approvers", "approval_place", "approved_on", "approved_date_unknown", "posted_on",
            "removed_on", "minutes_kept_at", "attendance", "decisions",
        )  # fmt: skip
        raws = self.items(data.get("meetings"), "meetings")
        # First pass: index every meeting's §§ so that links may point forward in the file.
        parsed = []
        for i, raw in enumerate(raws):
            path = f"meetings[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            organ = self.ref_organ(d.get("organ"), f"{path}.organ")
            held_on = self.date(d, "held_on", path)
            year = self.integer(d, "year", path)
            key = self.text(d, "key", path)
            date_note = self.text(d, "date_note", path)
            label = f"{d.get('organ')} {held_on.isoformat() if held_on else key or '?'}"
            path = f"{path} ({label})"
            if held_on and year and year != held_on.year:
                self.err(f"{path}.year", YEAR_CONFLICT.format(year=year, held_on=held_on))
            year = held_on.year if held_on else year
            undated = not d.get("held_on")  # a bad date is reported as such, not as missing
            if undated and not date_note:
                self.err(path, DATE_NOTE_NEEDED)
            if undated and not key:
                self.err(path, UNDATED_NEEDS_KEY)
            if key and not KEY_RE.match(key):
                self.err(f"{path}.key", BAD_KEY.format(value=key))
            mkey = (organ, "date", held_on) if held_on else (organ, "note", date_note)
            if organ and mkey in self.meetings:
                self.err(path, DUPLICATE.format(key=label))
                continue
            self.meetings[mkey] = d
            parsed.append((path, d, organ, held_on, year, key, date_note, mkey))
            for j, draw in enumerate(self.items(d.get("decisions"), f"{path}.decisions")):
                if not isinstance(draw, dict):
                    continue
                number = self.integer(draw, "number", f"{path}.decisions[{j}]")
                dkey_slug = str(draw.get("key") or "").strip()
                title = str(draw.get("title") or "").strip()
                dkey = (mkey, number) if number else (mkey, "title", title)
                if dkey in self.decisions:
                    continue  # reported in the second pass
                self.decisions[dkey] = draw
                if number and organ and year:
                    self.decision_by_year.setdefault((organ, year, number), dkey)
                if number and organ and held_on:
                    self.decision_by_date[(organ, held_on, number)] = dkey
                if dkey_slug:
                    self.decision_by_key.setdefault(dkey_slug, dkey)
        seen_numbers: dict[tuple, str] = {}
        seen_dkeys: set = set()
        slugs = set()
        for path, d, organ, held_on, year, key, date_note, mkey in parsed:
            if key:
                if key in slugs:
                    self.err(f"{path}.key", DUPLICATE.format(key=key))
                slugs.add(key)
            rec = {
                "organ": organ,
                "held_on": held_on,
                "year": year,
                "date_note": date_note,
                "place": self.text(d, "place", path),
                "chair": (self.ref_person(d["chair"], f"{path}.chair") if d.get("chair") else None),
                "secretary": self.text(d, "secretary", path),
                "approvers": [
                    self.ref_person(p, f"{path}.approvers[{k}]")
                    for k, p in enumerate(self.items(d.get("approvers"), f"{path}.approvers"))
                ],
                "approval_place": self.text(d, "approval_place", path),
                "approved_on": self.date(d, "approved_on", path),
                "approved_date_unknown": self.boolean(d, "approved_date_unknown", path, False),
                "posted_on": self.date(d, "posted_on", path),
                "removed_on": self.date(d, "removed_on", path),
                "minutes_kept_at": self.text(d, "minutes_kept_at", path),
            }
            if rec["approved_date_unknown"] and d.get("approved_on"):
                self.err(f"{path}.approved_date_unknown", DATE_UNKNOWN_WITH_DATE)
            if rec["approved_date_unknown"] and (d.get("posted_on") or d.get("removed_on")):
                self.err(f"{path}.posted_on", DATE_UNKNOWN_WITH_POSTING)
            self.check_order(path, rec, "held_on", "approved_on")
            self.check_order(path, rec, "approved_on", "posted_on")
            self.check_order(path, rec, "posted_on", "removed_on")
            attendance = self.read_attendance(d, path)
            decisions = []
            for j, draw in enumerate(self.items(d.get("decisions"), f"{path}.decisions")):
                dec = self.read_decision(
                    draw, f"{path}.decisions[{j}]", organ, year, mkey, attendance, d.get("organ")
                )
                if dec is None:
                    continue
                dpath, drec, dkey = dec
                if dkey in seen_dkeys and not drec["number"]:
                    self.err(dpath, DUPLICATE.format(key=drec["label"]))
                    continue
                seen_dkeys.add(dkey)
                if drec["number"] and organ and year:
                    nkey = (organ, year, drec["number"])
                    if nkey in seen_numbers:
                        self.err(
                            dpath,
                            DUPLICATE_NUMBER.format(
                                number=drec["number"], organ=d.get("organ"), year=year
                            ),
                        )
                    seen_numbers[nkey] = dpath
                decisions.append((dpath, drec, dkey))
            self.plan["meetings"].append((path, mkey, rec, attendance, decisions))

    def read_attendance(self, d: dict, path: str) -> list[tuple[str, dict]]:
        out, seen = [], set()
        for k, raw in enumerate(self.items(d.get("attendance"), f"{path}.attendance")):
            apath = f"{path}.attendance[{k}]"
            a = self.mapping(raw, apath, ("person", "role", "function", "party"))
            if a is None:
                continue
            person = self.ref_person(a.get("person"), f"{apath}.person")
            if person in seen:
                self.err(apath, DUPLICATE.format(key=person))
                continue
            seen.add(person)
            out.append(
                (
                    apath,
                    {
                        "person": person,
                        "role": self.choice(
                            a, "role", apath, Attendance.Role, default=Attendance.Role.MEMBER
                        ),
                        "function": self.text(a, "function", apath),
                        "party": self.text(a, "party", apath) or self.party_of(person),
                    },
                )
            )
        return out

    def read_decision(self, raw, path, organ, year, mkey, attendance, organ_label):
        allowed = (
            "number", "key", "kind", "title", "case", "description", "preparation",
            "procedure", "decision_text", "basis", "sent_to", "approved_immediately",
            "enforcement_stayed", "participants", "motions", "votes", "reservations",
            "recusals",
        )  # fmt: skip
        d = self.mapping(raw, path, allowed)
        if d is None:
            return None
        number = self.integer(d, "number", path)
        key = self.text(d, "key", path)
        label = f"{organ_label} {year or '?'} § {number}" if number else f"{organ_label} {key}"
        path = f"{path} ({label})"
        if number is not None and number < 1:
            self.err(f"{path}.number", BAD_INT.format(value=number))
        if number and not year:
            self.err(path, NUMBER_NEEDS_YEAR)
        if not number and not key:
            self.err(path, UNDATED_NEEDS_KEY)
        if key and not KEY_RE.match(key):
            self.err(f"{path}.key", BAD_KEY.format(value=key))
        title = self.text(d, "title", path, required=True)
        dkey = (mkey, number) if number else (mkey, "title", title)
        rec = {
            "label": label,
            "number": number,
            "kind": self.choice(d, "kind", path, Decision.Kind, default=Decision.Kind.DECISION),
            "title": title,
            "case": self.ref_case(d["case"], f"{path}.case") if d.get("case") else None,
            "description": self.text(d, "description", path),
            "preparation": self.text(d, "preparation", path),
            "procedure": self.text(d, "procedure", path),
            "decision_text": self.text(d, "decision_text", path),
            "basis": self.text(d, "basis", path),
            "sent_to": self.text(d, "sent_to", path),
            "approved_immediately": self.boolean(d, "approved_immediately", path, False),
            "enforcement_stayed": self.boolean(d, "enforcement_stayed", path, False),
        }
        # Participants: as listed, or by default every ledamot and tjänstgörande ersättare
        # present at the meeting.
        participants = []
        if "participants" in d:
            for k, praw in enumerate(self.items(d["participants"], f"{path}.participants")):
                ppath = f"{path}.participants[{k}]"
                p = praw if isinstance(praw, dict) else {"person": praw}
                p = self.mapping(p, ppath, ("person", "role", "function", "party"))
                if p is None:
                    continue
                person = self.ref_person(p.get("person"), f"{ppath}.person")
                participants.append(
                    {
                        "person": person,
                        "role": self.choice(
                            p, "role", ppath, Participation.Role, Participation.Role.MEMBER
                        ),
                        "function": self.text(p, "function", ppath),
                        "party": self.text(p, "party", ppath) or self.party_of(person),
                    }
                )
        else:
            for _apath, a in attendance:
                if a["role"] in (Attendance.Role.MEMBER, Attendance.Role.SERVING_SUBSTITUTE):
                    participants.append({k: a[k] for k in ("person", "role", "function", "party")})
        present = {p["person"] for p in participants}
        rec["participants"] = participants

        motions = []
        for k, mraw in enumerate(self.items(d.get("motions"), f"{path}.motions")):
            mpath = f"{path}.motions[{k}]"
            m = self.mapping(mraw, mpath, ("mover", "supporters", "text"))
            if m is None:
                continue
            motions.append(
                {
                    "order": k + 1,
                    "mover": (
                        self.ref_person(m["mover"], f"{mpath}.mover") if m.get("mover") else None
                    ),
                    "supporters": [
                        self.ref_person(s, f"{mpath}.supporters[{n}]")
                        for n, s in enumerate(self.items(m.get("supporters"), mpath))
                    ],
                    "text": self.text(m, "text", mpath, required=True),
                }
            )
        rec["motions"] = motions

        recused = set()
        recusals = []
        for k, rraw in enumerate(self.items(d.get("recusals"), f"{path}.recusals")):
            rpath = f"{path}.recusals[{k}]"
            r = rraw if isinstance(rraw, dict) else {"person": rraw}
            r = self.mapping(r, rpath, ("person", "ground"))
            if r is None:
                continue
            person = self.ref_person(r.get("person"), f"{rpath}.person")
            if person and person in present:
                self.err(f"{rpath}.person", RECUSED_PARTICIPANT.format(ref=person))
            recused.add(person)
            recusals.append({"person": person, "ground": self.text(r, "ground", rpath)})
        rec["recusals"] = recusals

        votes = []
        vote_allowed = (
            "question", "yes_means", "no_means", "ja", "nej", "avstår", "appendix", "result",
            "ballots",
        )  # fmt: skip
        for k, vraw in enumerate(self.items(d.get("votes"), f"{path}.votes")):
            vpath = f"{path}.votes[{k}]"
            v = self.mapping(vraw, vpath, vote_allowed)
            if v is None:
                continue
            vote = {
                "order": k + 1,
                "question": self.text(v, "question", vpath, required=True),
                "yes_means": self.text(v, "yes_means", vpath),
                "no_means": self.text(v, "no_means", vpath),
                "yes_count": self.integer(v, "ja", vpath, required=True),
                "no_count": self.integer(v, "nej", vpath, required=True),
                "abstain_count": self.integer(v, "avstår", vpath, required=True),
                "appendix": self.text(v, "appendix", vpath),
                "result": self.text(v, "result", vpath),
            }
            ballots, voters, tally = [], set(), Counter()
            for n, braw in enumerate(self.items(v.get("ballots"), f"{vpath}.ballots")):
                bpath = f"{vpath}.ballots[{n}]"
                b = self.mapping(braw, bpath, ("person", "choice", "role", "party"))
                if b is None:
                    continue
                person = self.ref_person(b.get("person"), f"{bpath}.person")
                choice = self.choice(b, "choice", bpath, Ballot.Choice)
                if person:
                    if person in voters:
                        self.err(f"{bpath}.person", DUPLICATE_BALLOT.format(ref=person))
                    elif person not in present or person in recused:
                        self.err(f"{bpath}.person", NOT_PARTICIPANT.format(ref=person))
                    voters.add(person)
                tally[choice] += 1
                ballots.append(
                    {
                        "order": n + 1,
                        "person": person,
                        "choice": choice,
                        "role": self.text(b, "role", bpath),
                        "party": self.text(b, "party", bpath) or self.party_of(person),
                    }
                )
            counted = (tally["yes"], tally["no"], tally["abstain"])
            stated = (vote["yes_count"], vote["no_count"], vote["abstain_count"])
            if ballots and None not in stated and counted != stated:
                self.err(
                    f"{vpath}.ballots",
                    BALLOTS_DO_NOT_ADD_UP.format(
                        yes=counted[0],
                        no=counted[1],
                        abstain=counted[2],
                        yes_count=stated[0],
                        no_count=stated[1],
                        abstain_count=stated[2],
                    ),
                )
            vote["ballots"] = ballots
            votes.append(vote)
        rec["votes"] = votes

        reservations, reserved = [], set()
        for k, rraw in enumerate(self.items(d.get("reservations"), f"{path}.reservations")):
            rpath = f"{path}.reservations[{k}]"
            r = rraw if isinstance(rraw, dict) else {"person": rraw}
            r = self.mapping(r, rpath, ("person", "motivation"))
            if r is None:
                continue
            person = self.ref_person(r.get("person"), f"{rpath}.person")
            if person and (person not in present or person in recused):
                self.err(f"{rpath}.person", NOT_PARTICIPANT.format(ref=person))
            if person in reserved:
                self.err(f"{rpath}.person", DUPLICATE.format(key=person))
            reserved.add(person)
            reservations.append(
                {"order": k + 1, "person": person, "motivation": self.text(r, "motivation", rpath)}
            )
        rec["reservations"] = reservations
        return path, rec, dkey

    def read_decision_links(self, data: dict) -> None:
        allowed = ("source", "kind", "target", "target_reference", "note")
        for i, raw in enumerate(self.items(data.get("decision_links"), "decision_links")):
            path = f"decision_links[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            target_label = d.get("target") or d.get("target_reference")
            path = f"{path} ({d.get('source')} {d.get('kind')} {target_label})"
            rec = {
                "source": self.ref_decision(d.get("source"), f"{path}.source"),
                "kind": self.choice(d, "kind", path, DecisionLink.Kind),
                "target": (
                    self.ref_decision(d["target"], f"{path}.target") if d.get("target") else None
                ),
                "target_reference": self.text(d, "target_reference", path),
                "note": self.text(d, "note", path),
            }
            if not d.get("target") and not rec["target_reference"]:
                self.err(path, LINK_WITHOUT_TARGET)
            if rec["source"] and rec["source"] == rec["target"]:
                self.err(path, LINK_TO_SELF)
            self.check_link_time(path, rec, d)
            self.plan["decision_links"].append((path, rec))

    def decision_date(self, key: tuple | None) -> dt.date | None:
        if not key:
            return None
        if key[0] == "db":
            return (
                Decision.objects.filter(pk=key[1])
                .values_list("meeting__held_on", flat=True)
                .first()
            )
        mkey = key[0]
        return mkey[2] if mkey[1] == "date" else None

    def check_link_time(self, path: str, rec: dict, d: dict) -> None:
        source_date = self.decision_date(rec["source"])
        target_date = self.decision_date(rec["target"])
        if not (source_date and target_date and rec["kind"]):
            return
        forward = rec["kind"] == DecisionLink.Kind.PROPOSES
        if (forward and source_date > target_date) or (not forward and source_date < target_date):
            self.err(
                path,
                LINK_AGAINST_TIME.format(
                    source=d.get("source"),
                    source_date=source_date,
                    kind=rec["kind"],
                    target=d.get("target"),
                    target_date=target_date,
                ),
            )

    def read_memberships(self, data: dict) -> None:
        allowed = ("federation", "member", "joined_on", "notice_years", "may_leave", "events")
        event_allowed = ("kind", "occurred_on", "occurred_not_after", "decision", "note")
        for i, raw in enumerate(self.items(data.get("memberships"), "memberships")):
            path = f"memberships[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            path = f"{path} ({d.get('member')})"
            notice_years = self.integer(d, "notice_years", path)
            rec = {
                "federation": self.ref_organisation(d.get("federation"), f"{path}.federation"),
                "member": self.ref_organisation(d.get("member"), f"{path}.member"),
                "joined_on": self.date(d, "joined_on", path),
                "notice_years": 3 if notice_years is None else notice_years,
                "may_leave": self.boolean(d, "may_leave", path, True),
            }
            events = []
            for k, eraw in enumerate(self.items(d.get("events"), f"{path}.events")):
                epath = f"{path}.events[{k}]"
                e = self.mapping(eraw, epath, event_allowed)
                if e is None:
                    continue
                epath = f"{epath} ({e.get('kind')})"
                erec = {
                    "kind": self.choice(e, "kind", epath, MembershipEvent.Kind),
                    "occurred_on": self.date(e, "occurred_on", epath),
                    "occurred_not_after": self.date(e, "occurred_not_after", epath),
                    "decision": (
                        self.ref_decision(e["decision"], f"{epath}.decision")
                        if e.get("decision")
                        else None
                    ),
                    "note": self.text(e, "note", epath),
                }
                self.check_order(epath, erec, "occurred_on", "occurred_not_after")
                events.append((epath, erec))
            self.plan["memberships"].append((path, rec, events))

    def read_contributions(self, data: dict) -> None:
        allowed = ("federation", "year", "source", "payments")
        pay_allowed = ("payer", "payer_label", "amount", "population")
        for i, raw in enumerate(self.items(data.get("contributions"), "contributions")):
            path = f"contributions[{i}]"
            d = self.mapping(raw, path, allowed)
            if d is None:
                continue
            path = f"{path} ({d.get('year')})"
            federation = self.ref_organisation(d.get("federation"), f"{path}.federation")
            year = self.integer(d, "year", path, required=True)
            source = self.text(d, "source", path)
            labels = set()
            for k, praw in enumerate(self.items(d.get("payments"), f"{path}.payments")):
                ppath = f"{path}.payments[{k}]"
                p = self.mapping(praw, ppath, pay_allowed)
                if p is None:
                    continue
                payer = (
                    self.ref_organisation(p["payer"], f"{ppath}.payer") if p.get("payer") else None
                )
                label = self.text(p, "payer_label", ppath) or (payer or "")
                if not label:
                    self.err(f"{ppath}.payer_label", REQUIRED)
                if label in labels:
                    self.err(ppath, DUPLICATE.format(key=label))
                labels.add(label)
                amount = None
                if p.get("amount") is None:
                    self.err(f"{ppath}.amount", REQUIRED)
                else:
                    try:
                        amount = Decimal(str(p["amount"]).replace(" ", "").replace(",", "."))
                        if amount < 0:
                            raise InvalidOperation
                    except InvalidOperation:
                        self.err(f"{ppath}.amount", BAD_AMOUNT.format(value=p["amount"]))
                self.plan["contributions"].append(
                    (
                        f"{ppath} ({label})",
                        {
                            "federation": federation,
                            "year": year,
                            "payer": payer,
                            "payer_label": label,
                            "amount": amount,
                            "population": self.integer(p, "population", ppath),
                            "source": source,
                        },
                    )
                )


# --- Writing ------------------------------------------------------------------------------


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        try:
            return Decimal(current) == Decimal(wanted)
        except (TypeError, InvalidOperation):
            return False
    return current == wanted


class _Writer:
    """Upserts the plan by natural key, saving only what differs."""

    def __init__(self, plan: dict, *, reason: str):
        self.plan = plan
        self.reason = reason
        self.result = ImportResult()
        self.orgs: dict[str, Organisation] = {}
        self.organs: dict[tuple, Organ] = {}
        self.people: dict[str, Person] = {}
        self.registers: dict[tuple, Register] = {}
        self.classes: dict[tuple, Classification] = {}
        self.cases: dict[tuple, Case] = {}
        self.meetings: dict[tuple, Meeting] = {}
        self.decisions: dict[tuple, Decision] = {}
        self.approvals: list[tuple[str, models.Model, dict]] = []
        self.created: set[tuple[type, int]] = set()

    # lookups of what the file refers to ---------------------------------------------------------

    def org(self, name: str | None) -> Organisation | None:
        if name is None:
            return None
        if name not in self.orgs:
            self.orgs[name] = Organisation.objects.get(name=name)
        return self.orgs[name]

    def organ(self, key: tuple | None) -> Organ | None:
        if key is None:
            return None
        if key not in self.organs:
            self.organs[key] = Organ.objects.get(organisation__name=key[0], code=key[1])
        return self.organs[key]

    def person(self, key: str | None) -> Person | None:
        if key is None:
            return None
        if key not in self.people:
            self.people[key] = Person.objects.get(key=key)
        return self.people[key]

    def register(self, key: tuple) -> Register:
        if key not in self.registers:
            self.registers[key] = Register.objects.get(organisation__name=key[0], code=key[1])
        return self.registers[key]

    def classification(self, key: tuple | None) -> Classification | None:
        if key is None:
            return None
        if key not in self.classes:
            self.classes[key] = Classification.objects.get(
                scheme__name=key[0], scheme__version=key[1], code=key[2]
            )
        return self.classes[key]

    def case(self, key: tuple | None) -> Case | None:
        if key is None:
            return None
        if key not in self.cases:
            self.cases[key] = Case.objects.get(
                register__organisation__name=key[0], register__code=key[1], number=key[2]
            )
        return self.cases[key]

    def decision(self, key: tuple | None) -> Decision | None:
        if key is None:
            return None
        if key[0] == "db":
            return Decision.objects.get(pk=key[1])
        return self.decisions[key]

    # saving -------------------------------------------------------------------------------

    def save(self, obj: models.Model, path: str, exclude: list[str] | None = None) -> None:
        obj._change_reason = self.reason
        try:
            obj.full_clean(exclude=exclude)
            with transaction.atomic():
                obj.save()
        except ValidationError as exc:
            raise ImportFailed([f"{path}: {SAVE_FAILED.format(error=_flatten(exc))}"]) from exc
        except IntegrityError as exc:
            raise ImportFailed([f"{path}: {SAVE_FAILED.format(error=exc)}"]) from exc

    def upsert(
        self,
        model: type[models.Model],
        path: str,
        lookup: dict,
        values: dict,
        *,
        prepare=None,
        exclude: list[str] | None = None,
        count: bool = True,
    ) -> models.Model:
        """Find by ``lookup`` (attnames), set ``values`` (attnames), save if anything differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**(lookup | values))
            outcome = "created"
        else:
            changed = [k for k, v in values.items() if not _same(getattr(obj, k), v)]
            if not changed:
                if count:
                    self.result.add(model, "unchanged")
                return obj
            for k in changed:
                setattr(obj, k, values[k])
            outcome = "changed"
        if prepare:
            prepare(obj)
        self.save(obj, path, exclude)
        if outcome == "created":
            self.created.add((model, obj.pk))
        if count or outcome == "changed":
            self.result.add(model, outcome)
        return obj

    def set_m2m(self, obj: models.Model, name: str, people: list[Person]) -> bool:
        wanted = {p.pk for p in people}
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) == wanted:
            return False
        obj._change_reason = self.reason
        manager.set(wanted)
        # Filling the people of a row created in this run is part of creating it.
        return (type(obj), obj.pk) not in self.created

    def delete_missing(self, queryset: models.QuerySet, keep_ids: set[int]) -> None:
        for obj in queryset.exclude(pk__in=keep_ids):
            obj._change_reason = self.reason
            obj.delete()
            self.result.add(type(obj), "deleted")

    # the plan -----------------------------------------------------------------------------

    def write(self) -> ImportResult:
        p = self.plan
        for path, r in p["organisations"]:
            self.orgs[r["name"]] = self.upsert(
                Organisation, path, {"name": r["name"]}, {k: v for k, v in r.items() if k != "name"}
            )
        for path, r in p["organs"]:
            parent = self.organ(r["parent"])
            organisation = self.org(r["organisation"])
            self.organs[(r["organisation"], r["code"])] = self.upsert(
                Organ,
                path,
                {"organisation_id": organisation.pk, "code": r["code"]},
                {"name": r["name"], "kind": r["kind"], "parent_id": parent.pk if parent else None},
            )
        for path, r in p["people"]:
            self.people[r["key"]] = self.upsert(
                Person, path, {"key": r["key"]}, {"name": r["name"], "party": r["party"]}
            )
        for path, r in p["assignments"]:
            represents = self.org(r["represents"])
            self.upsert(
                Assignment,
                path,
                {
                    "person_id": self.person(r["person"]).pk,
                    "organ_id": self.organ(r["organ"]).pk,
                    "role": r["role"],
                    "start_on": r["start_on"],
                },
                {
                    "party": r["party"],
                    "represents_id": represents.pk if represents else None,
                    "end_on": r["end_on"],
                    "note": r["note"],
                },
            )
        for path, r, classes in p["schemes"]:
            scheme = self.upsert(ClassificationScheme, path, r, {})
            for cpath, c in classes:
                self.classes[(r["name"], r["version"], c["code"])] = self.upsert(
                    Classification,
                    cpath,
                    {"scheme_id": scheme.pk, "code": c["code"]},
                    {"title": c["title"]},
                )
        for path, r in p["registers"]:
            organ = self.organ(r["organ"]) if r["organ"] else None
            self.registers[(r["organisation"], r["code"])] = self.upsert(
                Register,
                path,
                {"organisation_id": self.org(r["organisation"]).pk, "code": r["code"]},
                {
                    "organ_id": organ.pk if organ else None,
                    "name": r["name"],
                    "number_format": r["number_format"],
                },
            )
        self.write_cases()
        for path, r in p["case_links"]:
            self.upsert(
                CaseLink,
                path,
                {"from_case_id": self.case(r["from"]).pk, "to_case_id": self.case(r["to"]).pk},
                {"note": r["note"]},
            )
        self.write_meetings()
        new_links = []
        for path, r in p["decision_links"]:
            target = self.decision(r["target"])
            source = self.decision(r["source"])
            if target is None and self.reference_resolved(source, r):
                continue
            link = self.upsert(
                DecisionLink,
                path,
                {
                    "source_id": source.pk,
                    "target_id": target.pk if target else None,
                    "kind": r["kind"],
                    **({} if target else {"target_reference": r["target_reference"]}),
                },
                {
                    "note": r["note"],
                    **({"target_reference": r["target_reference"]} if target else {}),
                },
            )
            if target is not None and (DecisionLink, link.pk) in self.created:
                new_links.append((path, link))
        self.check_new_links(new_links)
        self.resolve_references()
        self.write_memberships()
        for path, r in p["contributions"]:
            payer = self.org(r["payer"])
            self.upsert(
                Contribution,
                path,
                {
                    "federation_id": self.org(r["federation"]).pk,
                    "year": r["year"],
                    "payer_label": r["payer_label"],
                },
                {
                    "payer_id": payer.pk if payer else None,
                    "amount": r["amount"],
                    "population": r["population"],
                    "source": r["source"],
                },
            )
        # Justering last: once a protocol or § is justerad it is immutable (rule 9), so its
        # contents must be in place before it is marked as such.
        for path, obj, values in self.approvals:
            self.upsert(type(obj), path, {"pk": obj.pk}, values, count=False)
        return self.result

    def reference_resolved(self, source: Decision, r: dict) -> bool:
        """A reference-only link of the file that an earlier import already pointed at its
        decision (chain_graph.resolve_references) is unchanged, not a new link."""
        if DecisionLink.objects.filter(
            source_id=source.pk,
            kind=r["kind"],
            target_reference=r["target_reference"],
            target__isnull=False,
        ).exists():
            self.result.add(DecisionLink, "unchanged")
            return True
        return False

    def check_new_links(self, new_links: list[tuple[str, DecisionLink]]) -> None:
        """The chain rules for every link this import adds (chain_rules.check_link: no cycle, time,
        competence), over the chains as they are after the import; links already in the
        register were checked when they were added."""
        if not new_links:
            return

        ids = {i for _p, link in new_links for i in (link.source_id, link.target_id)}
        graph = chain_graph.load_graph(decision_ids=ids)
        errors = []
        for path, link in new_links:
            source, target = graph.nodes.get(link.source_id), graph.nodes.get(link.target_id)
            if source is None or target is None:
                continue
            others = [
                chain_rules.Link(row.source_id, row.target_id, row.kind)
                for row in graph.link_rows
                if row.target_id is not None and row.id != link.pk
            ]
            for message in chain_rules.check_link(
                source=source, target=target, kind=link.kind, links=others, nodes=graph.nodes
            ):
                errors.append(f"{path}: {message}")
        if errors:
            raise ImportFailed(errors)

    def resolve_references(self) -> None:
        """Links that cite a decision created by this import only by reference text now point
        at it (chain_graph.resolve_references, which applies the chain rules)."""
        if not DecisionLink.objects.filter(target__isnull=True).exists():
            return

        for decision in self.decisions.values():
            if (Decision, decision.pk) in self.created:
                for _link in chain_graph.resolve_references(decision):
                    self.result.add(DecisionLink, "changed")

    def write_cases(self) -> None:
        for path, r, documents in self.plan["cases"]:
            register = self.register(r["register"])
            values = {
                k: v for k, v in r.items() if k not in ("register", "number", "classification")
            }
            classification = self.classification(r["classification"])
            values["classification_id"] = classification.pk if classification else None
            case = self.upsert(
                Case,
                path,
                {"register_id": register.pk, "number": r["number"]},
                values,
                prepare=lambda obj: setattr(obj, "number_key", normalise_number(obj.number)),
            )
            self.cases[(r["register"][0], r["register"][1], r["number"])] = case
            for dpath, doc in documents:
                self.upsert(
                    Document,
                    dpath,
                    {"case_id": case.pk, "serial": doc["serial"]},
                    {k: v for k, v in doc.items() if k != "serial"},
                )

    def write_meetings(self) -> None:
        for path, mkey, r, attendance, decisions in self.plan["meetings"]:
            organ = self.organ(r["organ"])
            chair = self.person(r["chair"])
            lookup = (
                {"organ_id": organ.pk, "held_on": r["held_on"]}
                if r["held_on"]
                else {"organ_id": organ.pk, "held_on": None, "date_note": r["date_note"]}
            )
            approval = {
                k: r[k] for k in ("approved_on", "approved_date_unknown", "posted_on", "removed_on")
            }
            existing = Meeting.objects.filter(**lookup).first()
            values = {
                "year": r["year"],
                "date_note": r["date_note"],
                "place": r["place"],
                "chair_id": chair.pk if chair else None,
                "secretary": r["secretary"],
                "approval_place": r["approval_place"],
                "minutes_kept_at": r["minutes_kept_at"],
            }
            if existing is None:
                values.update({k: None for k in approval} | {"approved_date_unknown": False})
            meeting = self.upsert(Meeting, path, lookup, values)
            self.meetings[mkey] = meeting
            if self.set_m2m(meeting, "approvers", [self.person(k) for k in r["approvers"]]):
                self.result.add(Meeting, "changed")
            keep = set()
            for apath, a in attendance:
                keep.add(
                    self.upsert(
                        Attendance,
                        apath,
                        {"meeting_id": meeting.pk, "person_id": self.person(a["person"]).pk},
                        {"role": a["role"], "function": a["function"], "party": a["party"]},
                    ).pk
                )
            self.delete_missing(meeting.attendances.all(), keep)
            for dpath, d, dkey in decisions:
                self.write_decision(meeting, dpath, d, dkey)
            self.approvals.append((path, meeting, approval))

    def write_decision(self, meeting: Meeting, path: str, d: dict, dkey: tuple) -> None:
        case = self.case(d["case"])
        lookup = (
            {"meeting_id": meeting.pk, "number": d["number"]}
            if d["number"]
            else {"meeting_id": meeting.pk, "number": None, "title": d["title"]}
        )
        fields = (
            "kind", "title", "description", "preparation", "procedure", "decision_text",
            "basis", "sent_to", "enforcement_stayed",
        )  # fmt: skip
        values = {k: d[k] for k in fields}
        values["case_id"] = case.pk if case else None
        existing = Decision.objects.filter(**lookup).first()
        if existing is None:
            values["approved_immediately"] = False

        def prepare(obj):
            obj.organ_id = meeting.organ_id
            obj.year = meeting.year

        decision = self.upsert(Decision, path, lookup, values, prepare=prepare)
        self.decisions[dkey] = decision

        keep = set()
        for k, p in enumerate(d["participants"]):
            keep.add(
                self.upsert(
                    Participation,
                    f"{path}.participants[{k}]",
                    {"decision_id": decision.pk, "person_id": self.person(p["person"]).pk},
                    {"role": p["role"], "function": p["function"], "party": p["party"]},
                ).pk
            )
        self.delete_missing(decision.participations.all(), keep)

        keep = set()
        for k, m in enumerate(d["motions"]):
            mover = self.person(m["mover"])
            motion = self.upsert(
                Motion,
                f"{path}.motions[{k}]",
                {"decision_id": decision.pk, "order": m["order"]},
                {"mover_id": mover.pk if mover else None, "text": m["text"]},
            )
            if self.set_m2m(motion, "supporters", [self.person(s) for s in m["supporters"]]):
                self.result.add(Motion, "changed")
            keep.add(motion.pk)
        self.delete_missing(decision.motions.all(), keep)

        keep = set()
        for k, v in enumerate(d["votes"]):
            vpath = f"{path}.votes[{k}]"
            vote = self.upsert(
                Vote,
                vpath,
                {"decision_id": decision.pk, "order": v["order"]},
                {key: val for key, val in v.items() if key not in ("order", "ballots")},
            )
            keep.add(vote.pk)
            keep_ballots = set()
            for n, b in enumerate(v["ballots"]):
                keep_ballots.add(
                    self.upsert(
                        Ballot,
                        f"{vpath}.ballots[{n}]",
                        {"vote_id": vote.pk, "person_id": self.person(b["person"]).pk},
                        {
                            "choice": b["choice"],
                            "role": b["role"],
                            "party": b["party"],
                            "order": b["order"],
                        },
                    ).pk
                )
            self.delete_missing(vote.ballots.all(), keep_ballots)
        self.delete_missing(decision.votes.all(), keep)

        keep = set()
        for k, r in enumerate(d["reservations"]):
            keep.add(
                self.upsert(
                    Reservation,
                    f"{path}.reservations[{k}]",
                    {"decision_id": decision.pk, "person_id": self.person(r["person"]).pk},
                    {"motivation": r["motivation"], "order": r["order"]},
                ).pk
            )
        self.delete_missing(decision.reservations.all(), keep)

        keep = set()
        for k, r in enumerate(d["recusals"]):
            keep.add(
                self.upsert(
                    Recusal,
                    f"{path}.recusals[{k}]",
                    {"decision_id": decision.pk, "person_id": self.person(r["person"]).pk},
                    {"ground": r["ground"]},
                ).pk
            )
        self.delete_missing(decision.recusals.all(), keep)
        self.approvals.append((path, decision, {"approved_immediately": d["approved_immediately"]}))

    def write_memberships(self) -> None:
        for path, r, events in self.plan["memberships"]:
            membership = self.upsert(
                Membership,
                path,
                {
                    "federation_id": self.org(r["federation"]).pk,
                    "member_id": self.org(r["member"]).pk,
                },
                {k: r[k] for k in ("joined_on", "notice_years", "may_leave")},
            )
            for epath, e in events:
                decision = self.decision(e["decision"])
                lookup = {
                    "membership_id": membership.pk,
                    "kind": e["kind"],
                    "decision_id": decision.pk if decision else None,
                }
                values = {k: e[k] for k in ("occurred_on", "occurred_not_after", "note")}
                if decision is None:
                    lookup["occurred_on"] = values.pop("occurred_on")
                self.upsert(MembershipEvent, epath, lookup, values)


def _flatten(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)
