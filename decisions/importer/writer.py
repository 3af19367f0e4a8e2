"""Writing: the plan the reader made is upserted by natural key, saving only what differs, in
the caller's transaction. Each save goes through ``full_clean()`` and ``save()`` so that
django-simple-history records the change with the import's reason; a second import of the same
file writes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

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
from decisions.importer.messages import SAVE_FAILED
from decisions.importer.result import ImportFailed, ImportResult
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
from decisions.publishing import originals
from insjoriket.history import record_change
from members import services as member_services
from members.models import (
    Assignment,
    Contribution,
    Membership,
    MembershipEvent,
    Organ,
    Organisation,
    Person,
)


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        try:
            return Decimal(current) == Decimal(wanted)
        except (TypeError, InvalidOperation):
            return False
    return current == wanted


class Writer:
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
        record_change(obj, reason=self.reason)
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
        record_change(obj, reason=self.reason)
        manager.set(wanted)
        # Filling the people of a row created in this run is part of creating it.
        return (type(obj), obj.pk) not in self.created

    def delete_missing(self, queryset: models.QuerySet, keep_ids: set[int]) -> None:
        for obj in queryset.exclude(pk__in=keep_ids):
            record_change(obj, reason=self.reason)
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
        # A protocol justerat before the register: its names as the sources give them, frozen
        # now (rule 38); the sealed originals are rendered when first printed.
        originals.take_missing_snapshots()
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
                "known_from_sources": r["known_from_sources"],
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
                {k: r[k] for k in ("joined_on", "notice_years", "may_leave") if k in r},
            )
            records = {}
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
                records[str(self.upsert(MembershipEvent, epath, lookup, values).pk)] = epath
            # RULES.md 34, 36 with the events already stored: refused, the transaction
            # rolls back and nothing is saved.
            try:
                member_services.check_membership(
                    membership, member_services.stored_events(membership), records=records
                )
            except ValidationError as exc:
                raise ImportFailed(list(exc.messages)) from exc


def _flatten(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in exc.message_dict.items()
        )
    return " ".join(str(m) for m in exc.messages)
