"""Meetings of the synthetic register: when each organ meets, who attends and justerar, the
§§ with their yrkanden, voteringar, reservationer and jäv, and the COPY of one organisation
while Python plans the next."""

from __future__ import annotations

import bisect
import datetime as dt

from decisions.rules import last_appeal_day

from .copy import WRITE_ORDER, copy, fmt
from .plan import Dec, Meeting, Organ
from .words import CLASSES, DECISION_PHRASES, PROPOSE_PHRASES, TERM_STARTS, YEARS


class Meetings:
    """Part of ``Generator``: the meetings and §§ of one organisation, and their writing."""

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

    def term_of(self, day: dt.date) -> int:
        return max(term for term in TERM_STARTS if term <= max(day.year, TERM_STARTS[0]))

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
                if removed:  # never before the day after the last appeal day (rule 5, 39)
                    removed = max(removed, last_appeal_day(posted_on=posted) + dt.timedelta(1))
                if removed and removed > self.until:
                    removed = None
                values = {
                    "held_on": held,
                    "year": held.year,
                    "date_note": "",
                    "place": f"Kommunhuset, {org['place']}",
                    "secretary": self.person_name(),
                    "approval_place": "Kommunkansliet",
                    "approved_on": None,
                    "posted_on": None,
                    "removed_on": None,
                    "minutes_kept_at": "Kommunkansliet",
                    "chair_id": chair,
                    "organ_id": o.id,
                }
                meeting.id = t["meeting"].add(**values, when=held)
                if approved:
                    final = {**values, "approved_on": approved, "posted_on": posted}
                    line = t["meeting"].line(meeting.id, {**final, "removed_on": removed})
                    t["meeting"].add_history(line, when=approved, reason="Justerat", kind="~")
                    approvals.append(f"{meeting.id}\t{approved}\t{fmt(posted)}\t{fmt(removed)}")
                # Attendance: the ledamöter less a few absent, their places taken by ersättare.
                present = []
                absent = {p for p in members if rng.random() < 0.08 and p[2] == "member"}
                serving = subs[: len(absent)]
                for pid, party, role in members:
                    if (pid, party, role) in absent:
                        continue
                    fn = "ordförande" if role == "chair" else ""
                    t["attendance"].add(
                        role="member",
                        function=fn,
                        party=party,
                        person_id=pid,
                        meeting_id=meeting.id,
                    )
                    present.append((pid, party, "member"))
                for pid, party, _role in serving:
                    t["attendance"].add(
                        role="serving_substitute",
                        function="",
                        party=party,
                        person_id=pid,
                        meeting_id=meeting.id,
                    )
                    present.append((pid, party, "serving_substitute"))
                for pid in {p[0] for p in members[2:4]}:
                    t["approver"].add(meeting_id=meeting.id, person_id=pid)
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
                        t["link"].add(
                            target_reference="",
                            kind=kind,
                            note="",
                            source_id=src.id,
                            target_id=tgt.id,
                            when=src.meeting.held_on,
                        )
        batch = [statement for key in WRITE_ORDER for statement in t[key].take()]
        # PostgreSQL loads this organisation while Python generates the next one.
        if self.pending is not None:
            self.pending.result()
        self.pending = self.writer.submit(self.write_batch, cursor, batch, immediate, approvals)

    @staticmethod
    def write_batch(cursor, batch, immediate: list[int], approvals: list[str]) -> None:
        for sql, lines in batch:
            copy(cursor, sql, lines)
        if immediate:
            cursor.execute(
                "UPDATE decisions_decision SET approved_immediately = true WHERE id = ANY(%s)",
                [immediate],
            )
        if approvals:
            cursor.execute("TRUNCATE gen_approval")
            copy(cursor, "COPY gen_approval FROM STDIN", approvals)
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
            year=held.year,
            number=dec.number,
            kind=dec.kind,
            title=dec.title[:500],
            description=description,
            preparation="Ärendet har beretts av förvaltningen."
            if dec.kind != "notification"
            else "",
            procedure=procedure,
            decision_text=text,
            basis=f"Tjänsteskrivelse {held.isoformat()}" if dec.case_id else "",
            sent_to=sent_to,
            approved_immediately=False,
            enforcement_stayed=False,
            case_id=dec.case_id,
            organ_id=o.id,
            meeting_id=dec.meeting.id,
            when=held,
        )
        if oj:
            immediate.append(dec.id)
        reservation = vote and rng.random() < 0.5
        recusal = not vote and rng.random() < 0.004 and len(present) > 3
        if vote or recusal:
            skip = rng.choice(present[2:]) if recusal else None
            for pid, party, role in present:
                if skip and pid == skip[0]:
                    continue
                t["participation"].add(
                    role=role, function="", party=party, decision_id=dec.id, person_id=pid
                )
            if recusal:
                t["recusal"].add(
                    ground="Släktskap med sökanden",
                    decision_id=dec.id,
                    person_id=skip[0],
                    when=held,
                )
        if vote:
            opposition = {"SD", "M", "KD"} if rng.random() < 0.5 else {"V", "MP"}
            motion = {"decision_id": dec.id, "when": held}
            t["motion"].add(
                order=1,
                text="Bifall till förvaltningens förslag.",
                mover_id=present[0][0],
                **motion,
            )
            mover2 = next((p for p in present if p[1] in opposition), present[-1])
            t["motion"].add(order=2, text="Avslag på förslaget.", mover_id=mover2[0], **motion)
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
                order=1,
                question="Bifall till förvaltningens förslag mot avslag.",
                yes_means="bifall",
                no_means="avslag",
                yes_count=yes,
                no_count=no,
                abstain_count=abstain,
                appendix="Bilaga 1",
                result=f"Med {yes} ja-röster mot {no} nej-röster, {abstain} avstår, beslutar "
                f"{o.name.lower()} enligt {'ja' if yes >= no else 'nej'}.",
                decision_id=dec.id,
                when=held,
            )
            for order, (pid, party, choice) in enumerate(choices, 1):
                t["ballot"].add(
                    choice=choice,
                    role="ledamot",
                    party=party,
                    order=order,
                    person_id=pid,
                    vote_id=vote_id,
                )
            if reservation:
                dissent = [c for c in choices if c[2] == ("no" if yes >= no else "yes")]
                for order, (pid, _party, _c) in enumerate(dissent[:3], 1):
                    t["reservation"].add(
                        motivation="Till förmån för eget yrkande.",
                        order=order,
                        decision_id=dec.id,
                        person_id=pid,
                        when=held,
                    )
        elif rng.random() < 0.05 and present:
            t["motion"].add(
                order=1,
                text="Bifall till förslaget.",
                decision_id=dec.id,
                mover_id=rng.choice(present)[0],
                when=held,
            )
