"""Rule 9: after justering a protocol's §§, yrkanden, votes and participants never change.

Every path is tried: the services, ``Model.save()``, ``QuerySet.update()``, ``delete()``, raw
SQL, the admin's change and delete pages, the importer. Each fails with a clear Swedish message
and leaves the row as it was. What must still work is tried too: the justering itself, the
anslag after it, an unchanged save, and the rättelse, which is printed on the next
protokollsutdrag.
"""

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from pypdf import PdfReader

from decisions.importer import ImportFailed, import_text
from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import (
    JUSTERAT_MESSAGE,
    JUSTERAT_SQLSTATE,
    Attendance,
    Ballot,
    Correction,
    Decision,
    Meeting,
    Motion,
    Participation,
    Recusal,
    Reservation,
    Vote,
    is_justerat_refusal,
)
from decisions.publishing import pdf
from tests.factories import make_organ, make_person

pytestmark = pytest.mark.django_db

# The database's message (migration 0010) and the services' messages.
DB_REFUSES = JUSTERAT_MESSAGE
REFUSED = "justerad|justerat"
HELD_ON = dt.date(2024, 3, 4)
APPROVED_ON = dt.date(2024, 3, 6)
SEED = Path(__file__).resolve().parents[2] / "insjoriket" / "data" / "insjoriket.yaml"


def _protocol(*, approve: bool) -> SimpleNamespace:
    """A meeting written through the services: attendance, one § with a yrkande, a votering
    with its ballots and a reservation, a second § with jäv. Justerad if ``approve``."""
    organ = make_organ(name="Kommunfullmäktige", code="KF", kind="assembly")
    people = [make_person(name=f"Ledamot {i}", party="S") for i in range(1, 6)]
    meeting = services.plan_meeting(organ=organ, held_on=HELD_ON, place="Rådhuset")
    services.set_attendance(
        meeting=meeting,
        attendees=[Attendee(person=p) for p in people[:4]]
        + [Attendee(person=people[4], role=Attendance.Role.SERVING_SUBSTITUTE)],
    )
    decision = services.add_decision(
        meeting=meeting,
        title="Utträde ur samordningsförbundet",
        description="Ärendet gäller utträde.",
        procedure="Ordföranden ställer proposition på förslagen.",
        decision_text="Kommunfullmäktige beslutar att utträda.",
    )
    motion = services.add_motion(
        decision=decision, text="bifall", mover=people[0], supporters=[people[1]]
    )
    vote = services.record_vote(
        decision=decision,
        question="Ja för bifall, nej för avslag.",
        ballots=[(people[0], "yes"), (people[1], "yes"), (people[2], "yes"), (people[3], "no")],
        counts=(3, 1, 0),
    )
    services.add_reservation(decision=decision, person=people[3], motivation="Fel väg.")
    other = services.add_decision(
        meeting=meeting, title="Val av revisor", decision_text="Beslutet fattas."
    )
    services.record_recusal(decision=other, person=people[4], ground="Släkt med den valde")
    if approve:
        warnings = services.approve_minutes(
            meeting=meeting, approved_on=APPROVED_ON, approvers=people[:2], place="Rådhuset"
        )
        assert warnings == []
    meeting.refresh_from_db()
    return SimpleNamespace(
        meeting=meeting,
        decision=decision,
        other=other,
        people=people,
        motion=motion,
        vote=vote,
        ballot=vote.ballots.order_by("order").first(),
        participation=decision.participations.first(),
        reservation=decision.reservations.get(),
        recusal=other.recusals.get(),
        attendance=meeting.attendances.first(),
    )


@pytest.fixture
def justerat():
    return _protocol(approve=True)


@pytest.fixture
def omedelbart():
    """A § justerad omedelbart (rule 7) in a protocol that is not yet justerat."""
    p = _protocol(approve=False)
    services.approve_immediately(decision=p.decision)
    p.decision.refresh_from_db()
    return p


# Each row of a justerad protocol, a column to change and a value for it.
ROWS = [
    ("meeting", "place", "Annan plats"),
    ("meeting", "approved_on", dt.date(2024, 3, 7)),
    ("decision", "title", "Ändrad rubrik"),
    ("decision", "decision_text", "Ett annat beslut."),
    ("decision", "approved_immediately", True),
    ("participation", "function", "ordförande"),
    ("motion", "text", "avslag"),
    ("vote", "yes_count", 4),
    ("ballot", "choice", "no"),
    ("reservation", "motivation", "Annan motivering."),
    ("recusal", "ground", "Annan grund"),
    ("attendance", "function", "vice ordförande"),
]
# Rows of a § (not the meeting's): what an omedelbart justerad § protects.
DECISION_ROWS = [
    ("decision", "title", "Ändrad rubrik"),
    ("decision", "approved_immediately", False),
    ("participation", "function", "ordförande"),
    ("motion", "text", "avslag"),
    ("vote", "yes_count", 4),
    ("ballot", "choice", "no"),
    ("reservation", "motivation", "Annan motivering."),
]
ROW_IDS = [f"{name}.{column}" for name, column, _value in ROWS]


def _assert_refused_by_database(exc_info):
    """The project's own SQLSTATE (what callers check), the message citing the law, the
    table named."""
    assert is_justerat_refusal(exc_info.value)
    cause = exc_info.value.__cause__
    assert cause.sqlstate == JUSTERAT_SQLSTATE
    assert cause.diag.message_primary == JUSTERAT_MESSAGE
    assert "KL 5 kap. 69 §" in str(exc_info.value) and "regel 9" not in str(exc_info.value)
    assert "avvisades" in cause.diag.message_detail


# --- the services refuse first (rule 9) --------------------------------------------------------


SERVICE_CALLS = {
    "update_decision_texts": lambda p: services.update_decision_texts(
        decision=p.decision, title="Ändrad"
    ),
    "add_motion": lambda p: services.add_motion(decision=p.decision, text="ny", mover=None),
    "record_vote": lambda p: services.record_vote(
        decision=p.decision, question="?", ballots=[(p.people[0], "yes")]
    ),
    "add_reservation": lambda p: services.add_reservation(decision=p.decision, person=p.people[1]),
    "record_recusal": lambda p: services.record_recusal(decision=p.decision, person=p.people[2]),
    "approve_immediately": lambda p: services.approve_immediately(decision=p.decision),
}
MEETING_CALLS = {
    "set_attendance": lambda p: services.set_attendance(meeting=p.meeting, attendees=[]),
    "add_decision": lambda p: services.add_decision(meeting=p.meeting, title="Ny paragraf"),
    "approve_minutes": lambda p: services.approve_minutes(
        meeting=p.meeting, approved_on=dt.date(2024, 3, 8), approvers=[]
    ),
}


@pytest.mark.parametrize("call", list(SERVICE_CALLS | MEETING_CALLS))
def test_services_refuse_every_change_of_a_justerat_protocol(justerat, call):
    """Rule 9, through decisions.services."""
    with pytest.raises(ValidationError, match="är justera[dt] och kan inte ändras"):
        (SERVICE_CALLS | MEETING_CALLS)[call](justerat)
    assert Decision.objects.get(pk=justerat.decision.pk).title == justerat.decision.title


@pytest.mark.parametrize("call", list(SERVICE_CALLS))
def test_services_refuse_every_change_of_an_omedelbart_justerad_paragraph(omedelbart, call):
    """Rules 7 and 9: a § justerad omedelbart is closed while the rest of the protocol is
    still open."""
    with pytest.raises(ValidationError, match="Paragrafen är justerad och kan inte ändras"):
        SERVICE_CALLS[call](omedelbart)
    services.update_decision_texts(decision=omedelbart.other, title="Val av två revisorer")


# --- the database refuses every other path (rule 9) ----------------------------------------------


@pytest.mark.parametrize(("name", "column", "value"), ROWS, ids=ROW_IDS)
def test_orm_save_of_a_justerad_row_is_refused(justerat, name, column, value):
    row = getattr(justerat, name)
    before = getattr(type(row).objects.get(pk=row.pk), column)
    setattr(row, column, value)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        row.save()

    _assert_refused_by_database(exc_info)
    assert getattr(type(row).objects.get(pk=row.pk), column) == before


@pytest.mark.parametrize(("name", "column", "value"), ROWS, ids=ROW_IDS)
def test_queryset_update_of_a_justerad_row_is_refused(justerat, name, column, value):
    row = getattr(justerat, name)
    model = type(row)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{column: value})

    _assert_refused_by_database(exc_info)
    assert getattr(model.objects.get(pk=row.pk), column) == getattr(row, column)


@pytest.mark.parametrize(
    "name", ["decision", "participation", "motion", "vote", "ballot", "reservation", "recusal",
             "attendance"],
)  # fmt: skip
def test_delete_of_a_justerad_row_is_refused(justerat, name):
    row = getattr(justerat, name)
    model = type(row)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        model.objects.filter(pk=row.pk).delete()

    _assert_refused_by_database(exc_info)
    assert model.objects.filter(pk=row.pk).exists()


def test_delete_of_a_justerad_meeting_is_refused():
    """Its §§ protect it from the ORM (ProtectedError); a justerad meeting without §§ is
    refused by the database."""
    meeting = services.plan_meeting(organ=make_organ(), held_on=HELD_ON)
    services.approve_minutes(meeting=meeting, approved_on=APPROVED_ON, approvers=[])

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Meeting.objects.get(pk=meeting.pk).delete()

    _assert_refused_by_database(exc_info)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_queryset_delete_of_all_ballots_is_refused(justerat):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Ballot.objects.all().delete()
    _assert_refused_by_database(exc_info)
    assert justerat.vote.ballots.count() == 4


@pytest.mark.parametrize(
    "add",
    [
        pytest.param(
            lambda p: Participation.objects.create(decision=p.decision, person=make_person()),
            id="participation",
        ),
        pytest.param(
            lambda p: Motion.objects.create(decision=p.decision, order=9, text="nytt yrkande"),
            id="motion",
        ),
        pytest.param(
            lambda p: Vote.objects.create(
                decision=p.decision,
                order=9,
                question="?",
                yes_count=0,
                no_count=0,
                abstain_count=0,
            ),
            id="vote",
        ),  # fmt: skip
        pytest.param(
            lambda p: Ballot.objects.create(vote=p.vote, person=p.people[4], choice="yes"),
            id="ballot",
        ),
        pytest.param(
            lambda p: Reservation.objects.create(decision=p.decision, person=p.people[1]),
            id="reservation",
        ),
        pytest.param(
            lambda p: Recusal.objects.create(decision=p.decision, person=make_person()),
            id="recusal",
        ),
        pytest.param(
            lambda p: Attendance.objects.create(
                meeting=p.meeting, person=make_person(), role="other"
            ),
            id="attendance",
        ),
        pytest.param(
            lambda p: Decision.objects.create(meeting=p.meeting, number=3, title="Ny paragraf"),
            id="decision",
        ),
        pytest.param(lambda p: p.motion.supporters.add(p.people[2]), id="motion-supporter"),
        pytest.param(lambda p: p.motion.supporters.clear(), id="motion-supporters-cleared"),
        pytest.param(lambda p: p.meeting.approvers.add(p.people[2]), id="approver"),
        pytest.param(lambda p: p.meeting.approvers.clear(), id="approvers-cleared"),
    ],
)
def test_adding_to_or_removing_from_a_justerat_protocol_is_refused(justerat, add):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        add(justerat)
    _assert_refused_by_database(exc_info)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE decisions_decision SET title = 'Ändrad' WHERE meeting_id = %(meeting)s",
        "UPDATE decisions_decision SET meeting_id = meeting_id WHERE meeting_id = %(meeting)s "
        "AND number IS NULL",  # changes nothing: allowed (no rows anyway)
        "DELETE FROM decisions_ballot WHERE vote_id = %(vote)s",
        "UPDATE decisions_ballot SET choice = 'no' WHERE vote_id = %(vote)s",
        "DELETE FROM decisions_participation WHERE decision_id = %(decision)s",
        "UPDATE decisions_vote SET yes_count = 47 WHERE id = %(vote)s",
        "DELETE FROM decisions_motion_supporters WHERE motion_id = %(motion)s",
        "UPDATE decisions_meeting SET held_on = '2024-03-05' WHERE id = %(meeting)s",
        "DELETE FROM decisions_meeting_approvers WHERE meeting_id = %(meeting)s",
        "DELETE FROM decisions_attendance WHERE meeting_id = %(meeting)s",
        "DELETE FROM decisions_meeting WHERE id = %(meeting)s",
    ],
    ids=lambda sql: " ".join(sql.split()[:2]).lower(),
)
def test_raw_sql_cannot_change_a_justerat_protocol(justerat, sql):
    params = {
        "meeting": justerat.meeting.pk,
        "decision": justerat.decision.pk,
        "vote": justerat.vote.pk,
        "motion": justerat.motion.pk,
    }
    if "number IS NULL" in sql:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    _assert_refused_by_database(exc_info)
    assert justerat.vote.ballots.filter(choice="yes").count() == 3


@pytest.mark.parametrize(("name", "column", "value"), DECISION_ROWS)
def test_an_omedelbart_justerad_paragraph_is_refused_by_the_database(
    omedelbart, name, column, value
):
    row = getattr(omedelbart, name)
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**{column: value})
    _assert_refused_by_database(exc_info)


def test_the_rest_of_a_protocol_with_an_omedelbart_justerad_paragraph_stays_open(omedelbart):
    """Only the § justerad omedelbart is closed (rule 7); the meeting and its other §§ are
    written until the protocol is justerat."""
    Decision.objects.filter(pk=omedelbart.other.pk).update(title="Val av två revisorer")
    omedelbart.recusal.ground = "Jäv enligt KL 6 kap. 28 §"
    omedelbart.recusal.save()
    Attendance.objects.filter(pk=omedelbart.attendance.pk).update(function="ordförande")
    services.approve_minutes(
        meeting=omedelbart.meeting, approved_on=APPROVED_ON, approvers=omedelbart.people[:2]
    )
    assert Decision.objects.get(pk=omedelbart.other.pk).title == "Val av två revisorer"
    assert Recusal.objects.get(pk=omedelbart.recusal.pk).ground == "Jäv enligt KL 6 kap. 28 §"
    assert Attendance.objects.get(pk=omedelbart.attendance.pk).function == "ordförande"
    assert Meeting.objects.get(pk=omedelbart.meeting.pk).approved_on == APPROVED_ON


# --- what still works after justering -----------------------------------------------------------


def test_justering_closes_the_protocol_it_was_written_in(justerat):
    """approve_minutes wrote the justerare and the date; the protocol is then justerat."""
    assert justerat.meeting.approved_on == APPROVED_ON
    assert list(justerat.meeting.approvers.order_by("name")) == justerat.people[:2]
    assert Decision.objects.get(pk=justerat.decision.pk).is_justerad


def test_saving_an_unchanged_justerad_row_is_allowed(justerat):
    """An unchanged save (the importer's re-run, a save() without edits) passes."""
    names = ("meeting", "decision", "participation", "motion", "vote", "ballot")
    before = {name: model_to_dict(getattr(justerat, name)) for name in names}
    for name in names:
        getattr(justerat, name).save()
    assert (
        Decision.objects.filter(pk=justerat.decision.pk).update(title=justerat.decision.title) == 1
    )
    for name in names:
        row = getattr(justerat, name)
        assert model_to_dict(type(row).objects.get(pk=row.pk)) == before[name], name


def test_the_anslag_is_posted_and_taken_down_after_justering(justerat):
    """post_minutes and remove_posting write the only columns open after justering."""
    services.post_minutes(meeting=justerat.meeting, posted_on=dt.date(2024, 3, 7))
    services.remove_posting(meeting=justerat.meeting, removed_on=dt.date(2024, 4, 1))
    Meeting.objects.filter(pk=justerat.meeting.pk).update(minutes_kept_at="Kommunarkivet")

    meeting = Meeting.objects.get(pk=justerat.meeting.pk)
    assert (meeting.posted_on, meeting.removed_on, meeting.minutes_kept_at) == (
        dt.date(2024, 3, 7),
        dt.date(2024, 4, 1),
        "Kommunarkivet",
    )


def test_the_anslag_and_another_column_together_are_refused(justerat):
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Meeting.objects.filter(pk=justerat.meeting.pk).update(
            posted_on=dt.date(2024, 3, 7), place="Annan plats"
        )
    _assert_refused_by_database(exc_info)
    assert Meeting.objects.get(pk=justerat.meeting.pk).posted_on is None


def test_a_correction_is_recorded_beside_the_justerad_text(justerat):
    """Rule 9: a mistake is fixed by a rättelse (who, when, what, why), never in the text."""
    correction = services.correct_decision(
        decision=justerat.decision,
        what="Beslutet ska lyda: Kommunfullmäktige beslutar att inte utträda.",
        why="Skrivfel vid protokollföringen.",
        made_by="Karin Sekreterare",
        made_on=dt.date(2024, 3, 12),
    )

    assert Correction.objects.get(pk=correction.pk).decision == justerat.decision
    justerat.decision.refresh_from_db()
    assert justerat.decision.decision_text == "Kommunfullmäktige beslutar att utträda."


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_correction_is_printed_on_the_next_extract(justerat, client):
    """Rule 9: the rättelse is shown on every later print, here the next protokollsutdrag
    issued through the view (a new stored extract; the one issued before stays as it was)."""
    user = get_user_model().objects.create_user(
        username="sekr", first_name="Karin", last_name="Sekreterare"
    )
    client.force_login(user)
    url = reverse("decisions:extract-pdf", args=[justerat.decision.pk])
    before = client.get(url)
    services.correct_decision(
        decision=justerat.decision,
        what="Beslutet ska lyda: Kommunfullmäktige beslutar att inte utträda.",
        why="Skrivfel vid protokollföringen.",
        made_by="Karin Sekreterare",
        made_on=dt.date(2024, 3, 12),
    )

    after = client.get(url)

    assert before.status_code == after.status_code == 200
    assert "Rättelse" not in _pdf_text(before.content)
    text = _pdf_text(after.content)
    assert "Rättelse 2024-03-12" in text
    assert "Skäl: Skrivfel vid protokollföringen." in text
    assert "Kommunfullmäktige beslutar att utträda." in text  # the justerad text is kept
    protocol = _pdf_text(pdf.render_protocol_pdf(meeting=justerat.meeting))
    assert "Rättelse 2024-03-12" in protocol


# --- the admin is read-only for a justerat protocol (rule 9) ------------------------------------


def _admin_url(obj, action: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])


@pytest.mark.parametrize(
    "name",
    ["decision", "participation", "motion", "vote", "ballot", "reservation", "recusal",
     "attendance"],
)  # fmt: skip
def test_admin_change_and_delete_of_a_justerad_row_are_forbidden(admin_client, justerat, name):
    row = getattr(justerat, name)
    assert type(row) in site._registry

    page = admin_client.get(_admin_url(row, "change"))
    changed = admin_client.post(_admin_url(row, "change"), {})
    deleted = admin_client.post(_admin_url(row, "delete"), {"post": "yes"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_admin_shows_a_justerad_meeting_read_only_except_the_anslag(admin_client, justerat):
    meeting = justerat.meeting
    page = admin_client.get(_admin_url(meeting, "change"))
    deleted = admin_client.post(_admin_url(meeting, "delete"), {"post": "yes"})

    form = page.context["adminform"].form
    assert set(form.fields) == {"posted_on", "removed_on", "minutes_kept_at"}
    assert page.context["has_delete_permission"] is False
    assert deleted.status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def _meeting_post(meeting, **fields) -> dict:
    """The change form of a justerad meeting as posted: only the anslag fields, plus the empty
    (read-only) inline management forms."""
    data = {"posted_on": "", "removed_on": "", "minutes_kept_at": meeting.minutes_kept_at}
    for prefix in ("decisions", "attendances"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def test_admin_posts_the_anslag_of_a_justerad_meeting_but_not_its_place(admin_client, justerat):
    meeting = justerat.meeting
    response = admin_client.post(
        _admin_url(meeting, "change"),
        _meeting_post(meeting, posted_on="2024-03-07", place="Annan plats"),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.posted_on == dt.date(2024, 3, 7)
    assert meeting.place == "Rådhuset"


def test_admin_refuses_taking_the_anslag_down_early_with_the_rule_5_message(admin_client, justerat):
    meeting = justerat.meeting
    services.post_minutes(meeting=meeting, posted_on=dt.date(2024, 3, 7))

    response = admin_client.post(
        _admin_url(meeting, "change"),
        _meeting_post(meeting, posted_on="2024-03-07", removed_on="2024-03-20"),
    )

    assert response.status_code == 200
    assert "Anslaget får inte tas ned före den 2024-03-29" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.removed_on is None


def test_admin_adds_a_correction_to_a_justerad_paragraph(admin_client, justerat):
    response = admin_client.post(
        reverse("admin:decisions_correction_add"),
        {
            "decision": justerat.decision.pk,
            "made_by": "Karin Sekreterare",
            "made_on": "2024-03-12",
            "what": "Rätt beslutstext.",
            "why": "Skrivfel.",
        },
    )

    assert response.status_code == 302
    assert justerat.decision.corrections.get().what == "Rätt beslutstext."


# --- the importer writes the justering last and changes nothing on a re-run -------------------


def test_the_seed_data_imports_twice_with_the_trigger_in_place():
    text = SEED.read_text(encoding="utf-8")
    import_text(text, source_name="insjoriket.yaml")
    assert Decision.objects.filter(approved_immediately=True).exists()

    again = import_text(text, source_name="insjoriket.yaml")

    assert not again.changed_anything


def test_reimporting_an_edited_justerad_paragraph_fails_with_the_rule_9_message():
    text = SEED.read_text(encoding="utf-8")
    import_text(text, source_name="insjoriket.yaml")
    title = "title: Tillbakadragande av utträde ur samordningsförbundet Insjöriket\n"
    ks_440 = title + "        case: 2022KS554\n        approved_immediately: true"
    assert text.count(ks_440) == 1  # KS § 440, justerad omedelbart in the seed
    edited = text.replace(ks_440, ks_440.replace(title, title[:-1] + " (ändrad)\n"))

    with pytest.raises(ImportFailed) as exc_info:
        import_text(edited, source_name="insjoriket.yaml")

    assert DB_REFUSES in str(exc_info.value)
    assert is_justerat_refusal(exc_info.value)
    assert not Decision.objects.filter(title__endswith="(ändrad)").exists()


# --- the secretary's forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("secretary:decision-texts", {"title": "Ändrad rubrik", "decision_text": "Annat."}),
        ("secretary:decision-motion", {"text": "nytt yrkande"}),
        ("secretary:decision-reservation", {"motivation": "sent"}),
    ],
)
def test_a_form_post_to_a_justerad_paragraph_is_refused_with_the_reason(
    admin_client, justerat, url_name, data
):
    response = admin_client.post(reverse(url_name, args=[justerat.decision.pk]), data)

    assert response.status_code == 409
    assert services.DECISION_IS_APPROVED in response.content.decode()
    decision = Decision.objects.get(pk=justerat.decision.pk)
    assert decision.title == "Utträde ur samordningsförbundet"
    assert decision.motions.count() == 1


def test_another_integrity_error_is_not_taken_for_a_rule_9_refusal():
    """Callers tell the refusal by its SQLSTATE: a check constraint on the justering columns
    (``meeting_date_unknown_only_without_date``) is not it."""
    meeting = services.plan_meeting(organ=make_organ(), held_on=HELD_ON)

    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            approved_on=APPROVED_ON, approved_date_unknown=True
        )

    assert exc_info.value.__cause__.sqlstate == "23514"  # check_violation
    assert not is_justerat_refusal(exc_info.value)
