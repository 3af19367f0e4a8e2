"""What a justerat protocol prints from rows other than its own — names, parties, organ and
organisation — frozen at justering (rule 38): :func:`snapshot_data` takes it from a loaded
meeting, :func:`apply_snapshot` prints a loaded meeting or § with it. Pure: no queries beyond
what the loaded instances hold."""

from __future__ import annotations

SNAPSHOT_VERSION = 1


def _people(meeting):
    """Every Person instance of a loaded meeting (``pdf.load_meeting``) or of one loaded §'s
    meeting, wherever the protocol prints one."""
    if meeting.chair_id and meeting.chair is not None:
        yield meeting.chair
    yield from meeting.approvers.all()
    for a in meeting.attendances.all():
        yield a.person
    for d in meeting.decisions.all():
        yield from _decision_people(d)


def _decision_people(decision):
    for m in decision.motions.all():
        if m.mover_id:
            yield m.mover
        yield from m.supporters.all()
    for v in decision.votes.all():
        for b in v.ballots.all():
            yield b.person
    for r in decision.reservations.all():
        yield r.person
    for r in decision.recusals.all():
        yield r.person


RECORDED = "registrerad av sekreteraren"
FROM_SOURCES = "enligt källorna (justerat före registret)"


def _approvals(meeting, signed=(), how=RECORDED) -> list[dict]:
    """Who approved the protocol, in which role, when and how (the signature page).
    ``signed``: the approvals of its completed justering round (digital or on paper); without
    one, the justering the secretary recorded."""
    if signed:
        return [
            {
                "person": a.person_id,
                "role": "Ordförande" if a.role == "chair" else "Justerare",
                "on": a.signed_on.isoformat() if a.signed_on else None,
                "how": "på papper"
                if a.method == "paper"
                else f"digitalt, med engångskod ({a.approved_at:%Y-%m-%d %H:%M} UTC)",
            }
            for a in sorted(signed, key=lambda a: (a.role != "chair", a.pk))
        ]
    when = meeting.approved_on.isoformat() if meeting.approved_on else None
    rows = []
    if meeting.chair_id:
        rows.append({"person": meeting.chair_id, "role": "Ordförande", "on": when})
    for p in meeting.approvers.all():
        if p.pk != meeting.chair_id:
            rows.append({"person": p.pk, "role": "Justerare", "on": when})
    return [row | {"how": how} for row in rows]


def snapshot_data(meeting, participants=(), signed=(), how=RECORDED) -> dict:
    """The snapshot of a loaded meeting (``pdf.load_meeting``); ``participants``: the people
    who took part in its §§ (the decision pages name them); ``signed``: the approvals of its
    completed justering round, with their people; ``how``: how the justering is known without
    one (``RECORDED``, ``FROM_SOURCES``)."""
    organ = meeting.organ
    organisation = organ.organisation
    return {
        "version": SNAPSHOT_VERSION,
        "organ": {"name": organ.name, "code": organ.code},
        "organisation": {"name": organisation.name, "short_name": organisation.short_name},
        "persons": {
            str(p.pk): {"name": p.name, "party": p.party}
            for p in [*participants, *(a.person for a in signed), *_people(meeting)]
        },
        "approvals": _approvals(meeting, signed, how),
        "posted_on": meeting.posted_on.isoformat() if meeting.posted_on else None,
        "removed_on": meeting.removed_on.isoformat() if meeting.removed_on else None,
    }


# --- reading names from the snapshot ----------------------------------------------------------


def _patch_people(people, data: dict) -> None:
    persons = data.get("persons", {})
    for person in people:
        frozen = persons.get(str(person.pk))
        if frozen is not None:
            person.name = frozen["name"]
            person.party = frozen["party"]


def _patch_organ(meeting, data: dict) -> None:
    _patch_organ_instance(meeting.organ, data)


def _patch_organ_instance(organ, data: dict) -> None:
    organ.name = data["organ"]["name"]
    organ.code = data["organ"]["code"]
    organ.organisation.name = data["organisation"]["name"]
    organ.organisation.short_name = data["organisation"]["short_name"]


def apply_snapshot(meeting, data: dict):
    """Print ``meeting`` (loaded with ``pdf.load_meeting``) with the names as they stood at
    justering. Only the in-memory instances change."""
    _patch_organ(meeting, data)
    _patch_people(_people(meeting), data)
    meeting.frozen = data
    return meeting


def frozen_data(meeting) -> dict | None:
    """The snapshot data of a meeting loaded with ``select_related("snapshot")``, or None."""
    if not _loaded(meeting, "snapshot"):
        raise ValueError("frozen_data needs the snapshot loaded with select_related")
    found = meeting._state.fields_cache["snapshot"]
    return found.data if found is not None else None


def _loaded(instance, relation: str) -> bool:
    """Whether ``relation`` of ``instance`` is loaded (select_related or prefetched): the
    snapshot patches only what is in memory and never makes a query."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return relation in cache or relation in instance._state.fields_cache


def apply_snapshot_to_decision(decision, data: dict):
    """As ``apply_snapshot``, for one § loaded with ``pdf.load_decision`` or for the decision
    page: whatever of its meeting, organ, people and participants is loaded."""
    meeting = decision.meeting
    if _loaded(meeting, "organ"):
        _patch_organ(meeting, data)
    if _loaded(decision, "organ"):
        _patch_organ_instance(decision.organ, data)
    people = list(_decision_people(decision))
    if _loaded(meeting, "approvers"):
        people += list(meeting.approvers.all())
    if meeting.chair_id and _loaded(meeting, "chair"):
        people.append(meeting.chair)
    if _loaded(decision, "participations"):
        people += [p.person for p in decision.participations.all()]
    _patch_people(people, data)
    return decision
