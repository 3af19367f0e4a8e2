"""The organisations of the synthetic register, their organs, registers and classification,
the people of each term of office and their seats, and the förbund memberships."""

from __future__ import annotations

import datetime as dt

from .plan import Organ
from .words import CLASSES, COMMITTEES, NUMBER_FORMATS, PARTIES, PARTY_WEIGHTS, TERM_STARTS


class Organisations:
    """Part of ``Generator``: the first and the last step of a run."""

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
                name=name,
                short_name=place if kind != "agency" else name.split()[1],
                kind=kind,
                org_number=f"212000-{rng.randrange(1000, 9999)}",
                formed_on=dt.date(1971, 1, 1) if kind != "federation" else dt.date(2008, 1, 1),
                seat=place,
                when=dt.date(self.first_year, 1, 1),
            )
            self.orgs.append({"id": org_id, "name": name, "kind": kind, "place": place})

        federations = [o for o in self.orgs if o["kind"] == "federation"]
        for index, org in enumerate(o for o in self.orgs if o["kind"] != "federation"):
            if federations:
                org["federation"] = federations[index % len(federations)]
        scheme = t["scheme"].add(
            name="Kommunförbundets diarieplan",
            version=f"gen-{self.seed}",
            when=dt.date(self.first_year, 1, 1),
        )
        self.classes = []
        for code, title, topics in CLASSES:
            cid = t["classification"].add(
                code=code, title=title, scheme_id=scheme, when=dt.date(self.first_year, 1, 1)
            )
            self.classes.append((cid, code, topics))

        person_no = 0
        for org in self.orgs:
            organs: list[Organ] = []

            def organ(code, name, kind, parent, size, org=org, organs=organs):
                oid = t["organ"].add(
                    name=name,
                    code=code,
                    kind=kind,
                    parent_id=parent.id if parent else None,
                    organisation_id=org["id"],
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
                        code=o.code,
                        name=f"{o.name}s diarium",
                        number_format=fmt,
                        organ_id=o.id,
                        organisation_id=org["id"],
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
                            key=f"gen-{self.seed}-{person_no}",
                            name=self.person_name(),
                            party=party,
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
                            role=role,
                            party=party,
                            start_on=start,
                            end_on=end,
                            note="",
                            organ_id=o.id,
                            represents_id=None,
                            person_id=pid,
                            when=start,
                        )
                        (members if n < seats else subs).append((pid, party, role))
                    o.members[term] = members
                    o.substitutes[term] = subs
        for key in ("organisation", "organ", "scheme", "classification", "register", "person"):
            t[key].flush(cursor)
        t["assignment"].flush(cursor)

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
            mid = t["membership"].add(
                joined_on=joined,
                notice_years=3,
                may_leave=may_leave,
                federation_id=fed["id"],
                member_id=member["id"],
                when=joined,
            )
            event = {"occurred_not_after": None, "note": "", "membership_id": mid}
            t["event"].add(
                kind="joined", occurred_on=joined, decision_id=None, **event, when=joined
            )
            for key, kind in (("notice", "notice"), ("withdraw", "notice_withdrawn")):
                if key in member:
                    dec_id, day = member[key]
                    t["event"].add(
                        kind=kind, occurred_on=day, decision_id=dec_id, **event, when=day
                    )
        for key in ("membership", "event"):
            t[key].flush(cursor)
