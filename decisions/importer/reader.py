"""Reading: the parsed file (``schema.DataFile``) becomes a plan of plain records whose
references are resolved to natural keys (or to primary keys of rows already in the database).

Field types are the schema's; here is what needs more than one record: references to
organisations, organs, people, registers, cases, classes and decisions (first in the file,
then in the database), duplicates, dates in order within a record, ballots against the §'s
participants (``decisions.meetings.rules.check_ballots``) and the time order of a link
(``decisions.chains.rules.check_link_time``). Every problem is collected; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from cases.models import Case, Classification, Register
from decisions.importer import schema
from decisions.importer.messages import (
    AMBIGUOUS_CASE,
    BAD_DATE,
    CASE_LINK_TO_SELF,
    DATES_OUT_OF_ORDER,
    DUPLICATE,
    NOT_A_MAPPING,
    NUMBER_DOES_NOT_FIT,
    NUMBER_MISMATCH,
    ORGAN_CYCLE,
    REQUIRED,
    UNKNOWN_CASE,
    UNKNOWN_CLASSIFICATION,
    UNKNOWN_DECISION,
    UNKNOWN_ORGAN,
    UNKNOWN_ORGANISATION,
    UNKNOWN_PERSON,
    UNKNOWN_REGISTER,
    describe,
    path_of,
)
from decisions.importer.proceedings import ProceedingsReader
from decisions.importer.result import ImportFailed
from decisions.models import Decision
from members import rules as member_rules
from members.models import Membership, Organ, Organisation, Person

DECISION_REF_RE = re.compile(
    r"^(?P<organ>.+?)\s+(?P<when>\d{4}(?:-\d{2}-\d{2})?)\s+§\s*(?P<number>\d+)$"
)


def parse(data: Any) -> tuple[schema.DataFile, list[str]]:
    """The file as typed records, and the errors of its fields. With errors, the records are
    those of the recovering pass (see ``schema``), for the cross-record checks."""
    if not isinstance(data, dict):
        raise ImportFailed([f"filen: {NOT_A_MAPPING}"])
    try:
        return schema.DataFile.model_validate(data), []
    except ValidationError as exc:
        errors = [describe(e, data) for e in exc.errors()]
    try:
        recovered = schema.DataFile.model_validate(data, context={"recover": True})
    except ValidationError:
        raise ImportFailed(errors) from None
    return recovered, errors


def _items(records: list) -> list[tuple[int, Any]]:
    """(index, record) of a list, skipping the holes the recovering pass left."""
    return [(i, r) for i, r in enumerate(records) if r is not None]


def _secrecy(s: schema.SecrecyIn | None) -> dict:
    if s is None:
        return {
            "is_secret": False,
            "secrecy_ground": "",
            "secrecy_marked_on": None,
            "secrecy_marked_by": "",
            "public_title": "",
        }
    return {
        "is_secret": True,
        "secrecy_ground": s.ground,
        "secrecy_marked_on": s.marked_on,
        "secrecy_marked_by": s.marked_by,
        "public_title": s.public_title,
    }


class Reader(ProceedingsReader):
    """Collects errors and the plan (section -> records, each with the path that names it)."""

    def __init__(self, data: Any):
        self.raw = data
        self.errors: list[str] = []
        self.plan: dict[str, Any] = defaultdict(list)
        # File indexes: natural keys of what the file declares.
        self.org_alias: dict[str, str] = {}  # name or short name -> name
        self.organs: set[tuple[str, str]] = set()
        self.people: dict[str, dict] = {}
        self.classes: set[tuple[str, str, str]] = set()
        self.registers: dict[tuple[str, str], dict] = {}
        self.cases: set[tuple[tuple[str, str], str]] = set()
        self.meetings: set[tuple] = set()
        self.decisions: set[tuple] = set()
        self.decision_by_year: dict[tuple, tuple] = {}
        self.decision_by_date: dict[tuple, tuple] = {}
        self.decision_by_key: dict[str, tuple] = {}

    def err(self, path: str, msg: str) -> None:
        self.errors.append(f"{path}: {msg}")

    def path(self, *loc: int | str) -> str:
        return path_of(loc, self.raw)

    def read(self) -> dict:
        parsed, self.errors = parse(self.raw)
        # Index first what later sections refer to, in dependency order.
        self.read_organisations(parsed.organisations)
        self.read_organs(parsed.organs)
        self.read_people(parsed.people)
        self.read_assignments(parsed.assignments)
        self.read_schemes(parsed.classification_schemes)
        self.read_registers(parsed.registers)
        self.read_cases(parsed.cases)
        self.read_case_links(parsed.case_links)
        self.read_meetings(parsed.meetings)
        self.read_decision_links(parsed.decision_links)
        self.read_memberships(parsed.memberships)
        self.read_contributions(parsed.contributions)
        if self.errors:
            raise ImportFailed(self.errors)
        return self.plan

    # references -----------------------------------------------------------------------------

    def _org_quiet(self, ref: str) -> str | None:
        if ref in self.org_alias:
            return self.org_alias[ref]
        row = (
            Organisation.objects.filter(name=ref).first()
            or Organisation.objects.filter(short_name=ref).first()
        )
        if row is not None:
            self.org_alias[ref] = row.name
        return row.name if row else None

    def ref_organisation(self, ref: str, path: str) -> str | None:
        """Organisation by name or short name → its name (the natural key)."""
        if not ref:
            self.err(path, REQUIRED)
            return None
        name = self._org_quiet(ref)
        if name is None:
            self.err(path, UNKNOWN_ORGANISATION.format(ref=ref))
        return name

    def _split(self, ref: str) -> tuple[str, str] | None:
        parts = ref.rsplit(None, 1)
        return (parts[0], parts[1]) if len(parts) == 2 else None

    def _ref_coded(self, ref: str, path: str, *, known, model, message) -> tuple[str, str] | None:
        """``"Härryda KF"`` → (organisation name, code) of an organ or register in the file
        or the database."""
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

    def ref_organ(self, ref: str, path: str) -> tuple[str, str] | None:
        return self._ref_coded(ref, path, known=self.organs, model=Organ, message=UNKNOWN_ORGAN)

    def ref_register(self, ref: str, path: str) -> tuple[str, str] | None:
        return self._ref_coded(
            ref, path, known=self.registers, model=Register, message=UNKNOWN_REGISTER
        )

    def ref_person(self, ref: str, path: str) -> str | None:
        if not ref:
            self.err(path, REQUIRED)
            return None
        if ref in self.people or Person.objects.filter(key=ref).exists():
            return ref
        self.err(path, UNKNOWN_PERSON.format(ref=ref))
        return None

    def party_of(self, person: str | None) -> str:
        return self.people.get(person, {}).get("party", "") if person else ""

    def ref_case(self, ref: schema.CaseRef, path: str) -> tuple[str, str, str] | None:
        """A diarienummer, or ``{register: …, number: …}`` → (org, register code, number)."""
        number = ref.number
        if ref.register_:
            register = self.ref_register(ref.register_, f"{path}.register")
            if not register:
                return None
            if (register, number) in self.cases or Case.objects.filter(
                register__organisation__name=register[0], register__code=register[1], number=number
            ).exists():
                return (register[0], register[1], number)
            self.err(path, UNKNOWN_CASE.format(ref=number))
            return None
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

    def ref_classification(self, ref: schema.ClassificationRef, path: str) -> tuple | None:
        key = (ref.scheme, ref.version, ref.code)
        if (
            key in self.classes
            or Classification.objects.filter(
                scheme__name=ref.scheme, scheme__version=ref.version, code=ref.code
            ).exists()
        ):
            return key
        self.err(path, UNKNOWN_CLASSIFICATION.format(code=ref.code, scheme=ref.scheme))
        return None

    def ref_decision(self, ref: str, path: str) -> tuple | None:
        """``"Härryda KF 2020 § 128"``, ``"Härryda KF 2020-06-15 § 128"`` or a key → the
        decision's natural key (file) or ``("db", pk)``."""
        if not ref:
            self.err(path, REQUIRED)
            return None
        if ref in self.decision_by_key:
            return self.decision_by_key[ref]
        m = DECISION_REF_RE.match(ref)
        split = self._split(m["organ"]) if m else None
        org = self._org_quiet(split[0]) if split else None
        if org:
            organ, number, when = (org, split[1]), int(m["number"]), m["when"]
            if len(when) == 4:
                hit = self.decision_by_year.get((organ, int(when), number))
                query: dict[str, Any] = {"year": int(when)}
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

    # the register's frame ------------------------------------------------------------------

    def read_organisations(self, records: list) -> None:
        for i, o in _items(records):
            path = self.path("organisations", i)
            if o.name in self.org_alias.values():
                self.err(path, DUPLICATE.format(key=o.name))
                continue
            self.org_alias[o.name] = o.name
            if o.short_name:
                self.org_alias[o.short_name] = o.name
            rec = o.model_dump(include={"name", "short_name", "org_number", "formed_on", "seat"})
            self.plan["organisations"].append((path, rec | {"kind": o.kind}))

    def read_organs(self, records: list) -> None:
        raws = []
        for i, o in _items(records):
            path = self.path("organs", i)
            org = self.ref_organisation(o.organisation, f"{path}.organisation")
            if org and o.code:
                if (org, o.code) in self.organs:
                    self.err(path, DUPLICATE.format(key=f"{org} {o.code}"))
                    continue
                self.organs.add((org, o.code))
                raws.append((path, org, o))
        for path, org, o in raws:
            parent = None
            if o.parent:
                # A code alone is an organ of the same organisation.
                ref = o.parent if " " in o.parent else f"{org} {o.parent}"
                parent = self.ref_organ(ref, f"{path}.parent")
            rec = {"organisation": org, "code": o.code, "name": o.name, "kind": o.kind}
            self.plan["organs"].append((path, rec | {"parent": parent}))
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
            if by_key[key][1]["parent"]:
                visit(by_key[key][1]["parent"])
            visiting.discard(key)
            done.add(key)
            ordered.append(by_key[key])

        for key in list(by_key):
            visit(key)
        self.plan["organs"] = ordered

    def read_people(self, records: list) -> None:
        for i, p in _items(records):
            path = self.path("people", i)
            if p.key in self.people:
                self.err(path, DUPLICATE.format(key=p.key))
                continue
            rec = {"key": p.key, "name": p.name, "party": p.party}
            self.people[p.key] = rec
            self.plan["people"].append((path, rec))

    def read_assignments(self, records: list) -> None:
        seen = set()
        for i, a in _items(records):
            path = self.path("assignments", i)
            person = self.ref_person(a.person, f"{path}.person")
            rec = {
                "person": person,
                "organ": self.ref_organ(a.organ, f"{path}.organ"),
                "role": a.role,
                "party": a.party or self.party_of(person),
                "represents": (
                    self.ref_organisation(a.represents, f"{path}.represents")
                    if a.represents
                    else None
                ),
                "start_on": a.start_on,
                "end_on": a.end_on,
                "note": a.note,
            }
            self.check_order(path, rec, "start_on", "end_on")
            key = (rec["person"], rec["organ"], rec["role"], rec["start_on"])
            if key in seen:
                self.err(path, DUPLICATE.format(key=f"{a.person} {rec['role']}"))
            seen.add(key)
            self.plan["assignments"].append((path, rec))

    def read_schemes(self, records: list) -> None:
        for i, s in _items(records):
            path = self.path("classification_schemes", i)
            classes = []
            for j, c in _items(s.classes):
                classes.append((f"{path}.classes[{j}]", {"code": c.code, "title": c.title}))
                self.classes.add((s.name, s.version, c.code))
            self.plan["schemes"].append((path, {"name": s.name, "version": s.version}, classes))

    def read_registers(self, records: list) -> None:
        for i, r in _items(records):
            path = self.path("registers", i)
            org = self.ref_organisation(r.organisation, f"{path}.organisation")
            organ = None
            if r.organ and org:
                ref = r.organ if " " in r.organ else f"{org} {r.organ}"
                organ = self.ref_organ(ref, f"{path}.organ")
            rec = {
                "organisation": org,
                "organ": organ,
                "code": r.code,
                "name": r.name,
                "number_format": r.number_format,
            }
            if org and (org, r.code) in self.registers:
                self.err(path, DUPLICATE.format(key=f"{org} {r.code}"))
                continue
            if org:
                self.registers[(org, r.code)] = rec
            self.plan["registers"].append((path, rec))

    def register_format(self, register: tuple[str, str]) -> str | None:
        if register in self.registers:
            return self.registers[register]["number_format"]
        row = Register.objects.filter(organisation__name=register[0], code=register[1]).first()
        return row.number_format if row else None

    def read_cases(self, records: list) -> None:
        for i, c in _items(records):
            path = self.path("cases", i)
            register = self.ref_register(c.register_, f"{path}.register")
            year, serial = c.year, c.serial
            if register and c.number:
                fmt = self.register_format(register) or ""
                rx = schema.number_pattern(fmt, register[1])
                m = rx.match(c.number) if rx else None
                if not m:
                    self.err(
                        f"{path}.number", NUMBER_DOES_NOT_FIT.format(number=c.number, format=fmt)
                    )
                else:
                    year = year or int(m["year"])
                    serial = serial or int(m["seq"])
                    if fmt.format(year=year, seq=serial, code=register[1]) != c.number:
                        self.err(
                            f"{path}.number",
                            NUMBER_MISMATCH.format(number=c.number, year=year, serial=serial),
                        )
            rec = {
                "register": register,
                "number": c.number,
                "year": year,
                "serial": serial,
                "title": c.title,
                "classification": (
                    self.ref_classification(c.classification, f"{path}.classification")
                    if c.classification
                    else None
                ),
                "officer": c.officer,
                "status": c.status,
                "opened_on": c.opened_on,
                "closed_on": c.closed_on,
                **_secrecy(c.secrecy),
            }
            self.check_order(path, rec, "opened_on", "closed_on")
            documents, serials = [], set()
            for j, d in _items(c.documents):
                dpath = f"{path}.documents[{j}]"
                dserial = d.serial or j + 1
                if dserial in serials:
                    self.err(dpath, DUPLICATE.format(key=f"{c.number}:{dserial}"))
                serials.add(dserial)
                fields = {"date", "direction", "counterpart", "description", "author", "text"}
                doc = {"serial": dserial, **d.model_dump(include=fields), **_secrecy(d.secrecy)}
                documents.append((f"{dpath} ({c.number}:{dserial})", doc))
            if register and (register, c.number) in self.cases:
                self.err(path, DUPLICATE.format(key=c.number))
                continue
            if register:
                self.cases.add((register, c.number))
            self.plan["cases"].append((path, rec, documents))

    def read_case_links(self, records: list) -> None:
        for i, link in _items(records):
            path = self.path("case_links", i)
            rec = {
                "from": self.ref_case(link.from_, f"{path}.from"),
                "to": self.ref_case(link.to, f"{path}.to"),
                "note": link.note,
            }
            if rec["from"] and rec["from"] == rec["to"]:
                self.err(path, CASE_LINK_TO_SELF)
            self.plan["case_links"].append((path, rec))

    # memberships and contributions ---------------------------------------------------------

    MEMBERSHIP_FIELDS = ("joined_on", "notice_years", "may_leave")

    def read_memberships(self, records: list) -> None:
        """A field the record leaves out is left out of the plan, so the stored value stays
        (pydantic's ``model_fields_set``: a default is not a value the file gave). Events the
        law makes impossible (RULES.md 34, 36) are refused here, against the file's events
        and the membership as it will be stored; the writer checks again with the events
        already stored."""
        for i, m in _items(records):
            path = self.path("memberships", i)
            rec = {
                "federation": self.ref_organisation(m.federation, f"{path}.federation"),
                "member": self.ref_organisation(m.member, f"{path}.member"),
            }
            rec |= {k: getattr(m, k) for k in self.MEMBERSHIP_FIELDS if k in m.model_fields_set}
            events = []
            for k, e in _items(m.events):
                epath = self.path("memberships", i, "events", k)
                erec = {
                    "kind": e.kind,
                    "occurred_on": e.occurred_on,
                    "occurred_not_after": e.occurred_not_after,
                    "decision": (
                        self.ref_decision(e.decision, f"{epath}.decision") if e.decision else None
                    ),
                    "note": e.note,
                }
                self.check_order(epath, erec, "occurred_on", "occurred_not_after")
                events.append((epath, erec))
            self.check_membership_events(m, rec, events)
            self.plan["memberships"].append((path, rec, events))

    def check_membership_events(self, m: schema.MembershipIn, rec: dict, events: list) -> None:
        stored = (
            Membership.objects.filter(
                federation__name=rec["federation"], member__name=rec["member"]
            ).first()
            if rec["federation"] and rec["member"]
            else None
        )

        def value(name: str):
            if name in rec:
                return rec[name]
            if stored is not None:
                return getattr(stored, name)
            return schema.MembershipIn.model_fields[name].default

        refused = member_rules.impossible_at_entry(
            events=[
                member_rules.Event(e["kind"], e["occurred_on"], e["occurred_not_after"], label=p)
                for p, e in events
            ],
            may_leave=value("may_leave"),
            notice_years=value("notice_years"),
        )
        for refusal in refused:
            self.errors.append(member_rules.entry_message(refusal, record=refusal.event.label))

    def read_contributions(self, records: list) -> None:
        for i, c in _items(records):
            path = self.path("contributions", i)
            federation = self.ref_organisation(c.federation, f"{path}.federation")
            labels = set()
            for k, p in _items(c.payments):
                ppath = f"{path}.payments[{k}]"
                payer = self.ref_organisation(p.payer, f"{ppath}.payer") if p.payer else None
                label = p.payer_label or (payer or "")
                if not label:
                    self.err(f"{ppath}.payer_label", REQUIRED)
                if label in labels:
                    self.err(ppath, DUPLICATE.format(key=label))
                labels.add(label)
                rec = {
                    "federation": federation,
                    "year": c.year,
                    "payer": payer,
                    "payer_label": label,
                    "amount": p.amount,
                    "population": p.population,
                    "source": c.source,
                }
                self.plan["contributions"].append((f"{ppath} ({label})", rec))
