"""Ärenden of the synthetic register with their handlingar, and the chains of §§ that handle
them: a case's way up the organs, a matter of 20 §§, a kommun's notice to leave its förbund."""

from __future__ import annotations

import datetime as dt

from cases.models import normalise_number

from .plan import Dec
from .words import COUNTERPARTS, SECRET_CLASSES

NOT_SECRET = {
    "is_secret": False,
    "secrecy_ground": "",
    "secrecy_marked_on": None,
    "secrecy_marked_by": "",
    "public_title": "",
}


def secret_marking(day: dt.date, marked_by: str, public_title: str) -> dict:
    return {
        "is_secret": True,
        "secrecy_ground": "OSL 26 kap. 1 §",
        "secrecy_marked_on": day,
        "secrecy_marked_by": marked_by,
        "public_title": public_title,
    }


class Cases:
    """Part of ``Generator``: ärenden and their chains for one organisation."""

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
        secrecy = (
            secret_marking(opened, organs[code].name, "Ärende inom socialtjänsten")
            if secret
            else NOT_SECRET
        )
        case_id = t["case"].add(
            **secrecy,
            year=year,
            serial=serial,
            number=number,
            number_key=normalise_number(number),
            title=title,
            officer=officer,
            status="closed" if closed else "open",
            opened_on=opened,
            closed_on=closed,
            classification_id=class_id,
            register_id=register_id,
            when=opened,
        )
        self.made_cases += 1
        # The same matter in another register (e.g. 2022VFN360 and 2022KS554).
        other = org.setdefault("last_case", {})
        linked = [cid for reg, cid in other.items() if reg != register_id]
        if linked and rng.random() < 0.04:
            t["caselink"].add(
                note="Samma ärende i annat diarium",
                from_case_id=linked[-1],
                to_case_id=case_id,
                when=opened,
            )
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
            t["document"].add(
                **(secrecy if direction == "incoming" else NOT_SECRET),
                serial=serial_doc,
                date=day,
                direction=direction,
                counterpart=rng.choice(COUNTERPARTS) if direction != "drawn_up" else "",
                description=what,
                author=officer if direction != "incoming" else "",
                text="",
                file="",
                case_id=case_id,
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
            **NOT_SECRET,
            year=year,
            serial=serial,
            number=number,
            number_key=normalise_number(number),
            title=title,
            officer=self.person_name(),
            status="open",
            opened_on=opened,
            closed_on=None,
            classification_id=self.classes[0][0],
            register_id=register_id,
            when=opened,
        )
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
