"""Reading meetings, their §§ and the links between decisions: the part of ``Reader`` that
checks a protocol against the rules the services enforce (``check_ballots``,
``check_link_time``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from decisions.chains import rules as chain_rules
from decisions.importer import schema
from decisions.importer.messages import (
    BALLOTS_DO_NOT_ADD_UP,
    DATE_NOTE_NEEDED,
    DATE_UNKNOWN_WITH_DATE,
    DATE_UNKNOWN_WITH_POSTING,
    DUPLICATE,
    DUPLICATE_BALLOT,
    DUPLICATE_NUMBER,
    KNOWN_FROM_SOURCES_WITH_PROTOCOL,
    LINK_AGAINST_TIME,
    LINK_TO_SELF,
    LINK_WITHOUT_TARGET,
    NOT_PARTICIPANT,
    NUMBER_NEEDS_YEAR,
    RECUSED_PARTICIPANT,
    UNDATED_NEEDS_KEY,
    YEAR_CONFLICT,
    record_label,
)
from decisions.meetings.rules import check_ballots
from decisions.models import Attendance, Decision

if TYPE_CHECKING:
    from decisions.importer.reader import Reader

    _Base = Reader
else:
    _Base = object

_BALLOT_MESSAGES = {
    "duplicate": DUPLICATE_BALLOT,
    "recused": NOT_PARTICIPANT,
    "not_participant": NOT_PARTICIPANT,
}


def _items(records: list | None) -> list[tuple[int, Any]]:
    return [(i, r) for i, r in enumerate(records or []) if r is not None]


class ProceedingsReader(_Base):
    """Meetings, §§, decision links (a part of ``reader.Reader``)."""

    def read_meetings(self, records: list) -> None:
        # First pass: index every meeting's §§ so that links may point forward in the file.
        parsed = []
        for i, m in _items(records):
            path = self.path("meetings", i)
            organ = self.ref_organ(m.organ, f"{path}.organ")
            if m.held_on and m.year and m.year != m.held_on.year:
                self.err(f"{path}.year", YEAR_CONFLICT.format(year=m.year, held_on=m.held_on))
            year = m.held_on.year if m.held_on else m.year
            undated = not self.raw["meetings"][i].get("held_on")  # a bad date is not missing
            if undated and not m.date_note:
                self.err(path, DATE_NOTE_NEEDED)
            if undated and not m.key:
                self.err(path, UNDATED_NEEDS_KEY)
            mkey = (organ, "date", m.held_on) if m.held_on else (organ, "note", m.date_note)
            if organ and mkey in self.meetings:
                label = record_label("meetings", self.raw["meetings"][i])
                self.err(path, DUPLICATE.format(key=label))
                continue
            self.meetings.add(mkey)
            parsed.append((i, path, m, organ, year, mkey))
            for d in m.decisions:
                if d is None:
                    continue
                dkey = (mkey, d.number) if d.number else (mkey, "title", d.title)
                if dkey in self.decisions:
                    continue  # reported in the second pass
                self.decisions.add(dkey)
                if d.number and organ and year:
                    self.decision_by_year.setdefault((organ, year, d.number), dkey)
                if d.number and organ and m.held_on:
                    self.decision_by_date[(organ, m.held_on, d.number)] = dkey
                if d.key:
                    self.decision_by_key.setdefault(d.key, dkey)
        seen_numbers: set[tuple] = set()
        seen_dkeys: set = set()
        slugs = set()
        for i, path, m, organ, year, mkey in parsed:
            if m.key:
                if m.key in slugs:
                    self.err(f"{path}.key", DUPLICATE.format(key=m.key))
                slugs.add(m.key)
            rec = {
                "organ": organ,
                "held_on": m.held_on,
                "year": year,
                "date_note": m.date_note,
                "place": m.place,
                "chair": self.ref_person(m.chair, f"{path}.chair") if m.chair else None,
                "secretary": m.secretary,
                "approvers": [
                    self.ref_person(p, f"{path}.approvers[{k}]") for k, p in _items(m.approvers)
                ],
                "approval_place": m.approval_place,
                "approved_on": m.approved_on,
                "approved_date_unknown": m.approved_date_unknown,
                "known_from_sources": m.known_from_sources,
                "posted_on": m.posted_on,
                "removed_on": m.removed_on,
                "minutes_kept_at": m.minutes_kept_at,
            }
            raw = self.raw["meetings"][i]
            if m.approved_date_unknown and raw.get("approved_on"):
                self.err(f"{path}.approved_date_unknown", DATE_UNKNOWN_WITH_DATE)
            if m.approved_date_unknown and (raw.get("posted_on") or raw.get("removed_on")):
                self.err(f"{path}.posted_on", DATE_UNKNOWN_WITH_POSTING)
            if m.known_from_sources and (
                m.approved_on or m.approved_date_unknown or m.posted_on or m.removed_on
            ):
                self.err(f"{path}.known_from_sources", KNOWN_FROM_SOURCES_WITH_PROTOCOL)
            self.check_order(path, rec, "held_on", "approved_on")
            self.check_order(path, rec, "approved_on", "posted_on")
            self.check_order(path, rec, "posted_on", "removed_on")
            attendance = self.read_attendance(m, path)
            decisions = []
            for j, d in _items(m.decisions):
                dpath = self.path("meetings", i, "decisions", j)
                drec, dkey = self.read_decision(d, dpath, year, mkey, attendance, m.organ)
                if dkey in seen_dkeys and not drec["number"]:
                    self.err(dpath, DUPLICATE.format(key=drec["label"]))
                    continue
                seen_dkeys.add(dkey)
                if drec["number"] and organ and year:
                    nkey = (organ, year, drec["number"])
                    if nkey in seen_numbers:
                        message = DUPLICATE_NUMBER.format(
                            number=drec["number"], organ=m.organ, year=year
                        )
                        self.err(dpath, message)
                    seen_numbers.add(nkey)
                decisions.append((dpath, drec, dkey))
            self.plan["meetings"].append((path, mkey, rec, attendance, decisions))

    def read_attendance(self, m: schema.MeetingIn, path: str) -> list[tuple[str, dict]]:
        out, seen = [], set()
        for k, a in _items(m.attendance):
            apath = f"{path}.attendance[{k}]"
            person = self.ref_person(a.person, f"{apath}.person")
            if person in seen:
                self.err(apath, DUPLICATE.format(key=person))
                continue
            seen.add(person)
            party = a.party or self.party_of(person)
            rec = {"person": person, "role": a.role, "function": a.function, "party": party}
            out.append((apath, rec))
        return out

    def read_decision(self, d: schema.DecisionIn, path, year, mkey, attendance, organ_label):
        label = f"{organ_label} {year or '?'} § {d.number}" if d.number else None
        label = label or f"{organ_label} {d.key}"
        if d.number and not year:
            self.err(path, NUMBER_NEEDS_YEAR)
        if not d.number and not d.key:
            self.err(path, UNDATED_NEEDS_KEY)
        dkey = (mkey, d.number) if d.number else (mkey, "title", d.title)
        texts = (
            "kind", "title", "description", "preparation", "procedure", "decision_text",
            "basis", "sent_to", "approved_immediately", "enforcement_stayed",
        )  # fmt: skip
        rec: dict[str, Any] = {"label": label, "number": d.number}
        rec |= {name: getattr(d, name) for name in texts}
        rec["case"] = self.ref_case(d.case, f"{path}.case") if d.case else None
        # Participants: as listed, or by default every ledamot and tjänstgörande ersättare
        # present at the meeting.
        participants = []
        if d.participants is not None:
            for k, p in _items(d.participants):
                person = self.ref_person(p.person, f"{path}.participants[{k}].person")
                participants.append(
                    {
                        "person": person,
                        "role": p.role,
                        "function": p.function,
                        "party": p.party or self.party_of(person),
                    }
                )
        else:
            serving = Attendance.SERVING_ROLES
            for _apath, a in attendance:
                if a["role"] in serving:
                    participants.append({k: a[k] for k in ("person", "role", "function", "party")})
        present = {p["person"] for p in participants}
        rec["participants"] = participants

        motions = []
        for k, m in _items(d.motions):
            mpath = f"{path}.motions[{k}]"
            motions.append(
                {
                    "order": k + 1,
                    "mover": self.ref_person(m.mover, f"{mpath}.mover") if m.mover else None,
                    "supporters": [
                        self.ref_person(s, f"{mpath}.supporters[{n}]")
                        for n, s in _items(m.supporters)
                    ],
                    "text": m.text,
                }
            )
        rec["motions"] = motions

        recused, recusals = set(), []
        for k, r in _items(d.recusals):
            rpath = f"{path}.recusals[{k}]"
            person = self.ref_person(r.person, f"{rpath}.person")
            if person and person in present:
                self.err(f"{rpath}.person", RECUSED_PARTICIPANT.format(ref=person))
            recused.add(person)
            recusals.append({"person": person, "ground": r.ground})
        rec["recusals"] = recusals
        rec["votes"] = [
            self.read_vote(v, f"{path}.votes[{k}]", k, present, recused) for k, v in _items(d.votes)
        ]

        reservations, reserved = [], set()
        for k, r in _items(d.reservations):
            rpath = f"{path}.reservations[{k}]"
            person = self.ref_person(r.person, f"{rpath}.person")
            if person and (person not in present or person in recused):
                self.err(f"{rpath}.person", NOT_PARTICIPANT.format(ref=person))
            if person in reserved:
                self.err(f"{rpath}.person", DUPLICATE.format(key=person))
            reserved.add(person)
            reservations.append({"order": k + 1, "person": person, "motivation": r.motivation})
        rec["reservations"] = reservations
        return rec, dkey

    def read_vote(self, v: schema.VoteIn, vpath: str, k: int, present, recused) -> dict:
        vote = {
            "order": k + 1,
            **v.model_dump(
                include={
                    "question",
                    "yes_means",
                    "no_means",
                    "yes_count",
                    "no_count",
                    "abstain_count",
                    "appendix",
                    "result",
                }  # fmt: skip
            ),
        }
        ballots, indexes = [], []
        for n, b in _items(v.ballots):
            person = self.ref_person(b.person, f"{vpath}.ballots[{n}].person")
            ballots.append(
                {
                    "order": n + 1,
                    "person": person,
                    "choice": b.choice,
                    "role": b.role,
                    "party": b.party or self.party_of(person),
                }
            )
            indexes.append(n)
        stated = (vote["yes_count"], vote["no_count"], vote["abstain_count"])
        check = check_ballots(
            ballots=[(b["person"], b["choice"]) for b in ballots],
            participants=present,
            recused=recused,
            counts=stated if ballots and None not in stated else None,
        )
        for problem in check.problems:
            if problem.kind in _BALLOT_MESSAGES:
                self.err(
                    f"{vpath}.ballots[{indexes[problem.index]}].person",
                    _BALLOT_MESSAGES[problem.kind].format(ref=problem.person),
                )
        if not check.counts_match:
            yes, no, abstain = check.tally
            self.err(
                f"{vpath}.ballots",
                BALLOTS_DO_NOT_ADD_UP.format(
                    yes=yes,
                    no=no,
                    abstain=abstain,
                    yes_count=stated[0],
                    no_count=stated[1],
                    abstain_count=stated[2],
                ),
            )
        vote["ballots"] = ballots
        return vote

    def read_decision_links(self, records: list) -> None:
        for i, link in _items(records):
            path = self.path("decision_links", i)
            rec = {
                "source": self.ref_decision(link.source, f"{path}.source"),
                "kind": link.kind,
                "target": self.ref_decision(link.target, f"{path}.target") if link.target else None,
                "target_reference": link.target_reference,
                "note": link.note,
            }
            if not link.target and not link.target_reference:
                self.err(path, LINK_WITHOUT_TARGET)
            if rec["source"] and rec["source"] == rec["target"]:
                self.err(path, LINK_TO_SELF)
            source_date = self.decision_date(rec["source"])
            target_date = self.decision_date(rec["target"])
            if rec["kind"] and chain_rules.check_link_time(
                kind=rec["kind"], source_date=source_date, target_date=target_date
            ):
                self.err(
                    path,
                    LINK_AGAINST_TIME.format(
                        source=link.source,
                        source_date=source_date,
                        kind=rec["kind"],
                        target=link.target,
                        target_date=target_date,
                    ),
                )
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
