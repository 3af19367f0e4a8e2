"""Rule 39 (KL 8 kap. 12 §, 13 kap. 5 §): once posted, an anslag keeps its date; a wrong date
is mended only by a recorded correction that recomputes the appeal window; it comes down no
earlier than the day after the last appeal day and never in advance; a posting dated in the
future is "anslås <datum>" until that day. Every path that could move an anslag date or
un-justera a protocol is listed in ``PATHS`` and refused with a Swedish message."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from decisions import rules as date_rules
from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import (
    ANSLAG_MESSAGE,
    JUSTERAT_MESSAGE,
    Meeting,
    PostingCorrection,
    is_anslag_refusal,
    is_justerat_refusal,
)
from decisions.views import meetings as secretary_views
from insjoriket.access import setup_roles
from insjoriket.history_admin import REVERT_REFUSED
from members.models import Assignment
from tests.factories import make_case, make_document, make_organ, make_person

pytestmark = pytest.mark.django_db

D = dt.date
HELD_ON = D(2024, 3, 4)
APPROVED_ON = D(2024, 3, 6)
POSTED_ON = D(2024, 3, 7)  # last appeal day 2024-03-28, may come down from 2024-03-29
REMOVED_POSTED_ON = D(2024, 1, 10)  # last appeal day 2024-01-31
REMOVED_ON = D(2024, 2, 5)


def justerat_meeting(organ, *, held_on=HELD_ON, approved_on=APPROVED_ON):
    """A meeting with närvaro and one §, justerat through the services."""
    people = [make_person(name=f"Ledamot {held_on} {i}") for i in range(3)]
    for p in people:
        Assignment.objects.create(person=p, organ=organ, role="member")
    meeting = services.plan_meeting(organ=organ, held_on=held_on, place="Rådhuset")
    services.set_attendance(meeting=meeting, attendees=[Attendee(person=p) for p in people])
    services.add_decision(meeting=meeting, title="Budget", decision_text="Budgeten fastställs.")
    services.approve_minutes(meeting=meeting, approved_on=approved_on, approvers=people[1:2])
    return Meeting.objects.get(pk=meeting.pk)


def _user(role: str, username: str):
    setup_roles()
    user = get_user_model().objects.create_user(username=username, password="x-lösenord-123")
    user.groups.add(Group.objects.get(name=role))
    return user


class World:
    def __init__(self, client, admin_client):
        organ = make_organ(name="Socialnämnden", code="SN", kind="committee")
        self.posted = justerat_meeting(organ)
        services.post_minutes(meeting=self.posted, posted_on=POSTED_ON)
        self.removed = justerat_meeting(organ, held_on=D(2024, 1, 8), approved_on=D(2024, 1, 9))
        services.post_minutes(meeting=self.removed, posted_on=REMOVED_POSTED_ON)
        services.remove_posting(meeting=self.removed, removed_on=REMOVED_ON)
        self.posted.refresh_from_db()
        self.removed.refresh_from_db()
        self.admin = admin_client
        self.secretary = client.__class__()
        self.secretary.force_login(_user("sekreterare", "sekreterare"))

    def dates(self):
        return [
            Meeting.objects.filter(pk=m.pk).values_list("approved_on", "posted_on", "removed_on")[0]
            for m in (self.posted, self.removed)
        ]


@pytest.fixture
def world(client, admin_client):
    return World(client, admin_client)


# --- every path -------------------------------------------------------------------------------


def _page(response) -> str:
    assert response.status_code < 500
    return response.content.decode()


def _secretary(w, name, meeting, data):
    url = reverse(f"secretary:{name}", args=[meeting.pk])
    return _page(w.secretary.post(url, data, follow=True))


def _admin_change(w, meeting, **fields):
    url = reverse("admin:decisions_meeting_change", args=[meeting.pk])
    data = {"minutes_kept_at": meeting.minutes_kept_at}
    for prefix in ("decisions", "attendances"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return _page(w.admin.post(url, data | fields))


def _admin_revert(w, meeting, version):
    """Restore ``version`` (0 = the first, before the justering) through simple-history's
    revert form, with the fields that version held."""
    history = list(meeting.history.order_by("history_id"))
    old = history[version]
    url = reverse("admin:decisions_meeting_simple_history", args=[meeting.pk, old.history_id])
    data = {
        "organ": old.organ_id,
        "held_on": old.held_on or "",
        "year": old.year or "",
        "place": old.place,
        "posted_on": old.posted_on or "",
        "removed_on": old.removed_on or "",
        "approved_on": old.approved_on or "",
        "minutes_kept_at": old.minutes_kept_at,
    }
    return _page(w.admin.post(url, data, follow=True))


def _service(call):
    from django.core.exceptions import ValidationError

    try:
        call()
    except ValidationError as error:
        return " ".join(error.messages)
    raise AssertionError("the service did not refuse")


def _sql(sql, params, check=is_anslag_refusal):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as error:
        assert check(error), error
        return error.__cause__.diag.message_primary
    raise AssertionError("the database did not refuse")


def _orm_save(meeting, **fields):
    def save():
        m = Meeting.objects.get(pk=meeting.pk)
        for k, v in fields.items():
            setattr(m, k, v)
        m.save()

    try:
        with transaction.atomic():
            save()
    except IntegrityError as error:
        assert is_anslag_refusal(error)
        return error.__cause__.diag.message_primary
    raise AssertionError("the database did not refuse")


TODAY = date_rules.today()
FUTURE = TODAY + dt.timedelta(days=3)
FIXED = services.POSTING_FIXED.format(posted=POSTED_ON)
REMOVAL_FIXED = services.REMOVAL_FIXED.format(removed=REMOVED_ON)
IN_FUTURE = services.REMOVAL_IN_FUTURE.format(today=TODAY.isoformat())
TOO_EARLY = services.REMOVAL_TOO_EARLY.format(day=D(2024, 3, 29))

PATHS = {
    # the secretary's pages
    "page: anslå igen i dag": (
        lambda w: _secretary(w, "meeting-post", w.posted, {"posted_on": TODAY.isoformat()}),
        FIXED,
    ),
    "page: anslå igen med ett senare datum": (
        lambda w: _secretary(w, "meeting-post", w.posted, {"posted_on": FUTURE.isoformat()}),
        FIXED,
    ),
    "page: ta ned i förväg": (
        lambda w: _secretary(w, "meeting-remove", w.posted, {"removed_on": FUTURE.isoformat()}),
        IN_FUTURE,
    ),
    "page: ta ned före dagen efter sista dag för överklagande": (
        lambda w: _secretary(w, "meeting-remove", w.posted, {"removed_on": "2024-03-28"}),
        TOO_EARLY,
    ),
    "page: ta ned igen, ett annat datum": (
        lambda w: _secretary(w, "meeting-remove", w.removed, {"removed_on": "2024-02-20"}),
        REMOVAL_FIXED,
    ),
    "page: rättelse utan skäl": (
        lambda w: _secretary(
            w, "meeting-correct-posting", w.posted, {"posted_on": "2024-03-08", "reason": " "}
        ),
        services.CORRECTION_WITHOUT_REASON,
    ),
    "page: rättelse som gör nedtagningen för tidig": (
        lambda w: _secretary(
            w,
            "meeting-correct-posting",
            w.removed,
            {"posted_on": "2024-01-17", "reason": "Fel datum"},
        ),
        services.CORRECTION_AFTER_REMOVAL.format(
            removed=REMOVED_ON, posted=D(2024, 1, 17), last_day=D(2024, 2, 7)
        ),
    ),
    "page: justera igen (avjustera genom ny justering)": (
        lambda w: _secretary(
            w, "meeting-approve", w.posted, {"approved_on": "2024-03-10", "approvers": []}
        ),
        services.PROTOCOL_IS_APPROVED,
    ),
    # the admin's change page and simple-history's revert
    "admin: flytta anslagsdatum": (
        lambda w: _admin_change(w, w.posted, posted_on="2024-03-08"),
        FIXED,
    ),
    "admin: tömma anslagsdatum": (lambda w: _admin_change(w, w.posted, posted_on=""), FIXED),
    "admin: ta ned i förväg": (
        lambda w: _admin_change(w, w.posted, removed_on=FUTURE.isoformat()),
        IN_FUTURE,
    ),
    "admin: ta ned för tidigt": (
        lambda w: _admin_change(w, w.posted, removed_on="2024-03-28"),
        TOO_EARLY,
    ),
    "admin: flytta nedtagningsdatum": (
        lambda w: _admin_change(w, w.removed, removed_on="2024-02-20"),
        REMOVAL_FIXED,
    ),
    "admin: tömma nedtagningsdatum": (
        lambda w: _admin_change(w, w.removed, removed_on=""),
        REMOVAL_FIXED,
    ),
    "admin: återställ version före anslaget": (lambda w: _admin_revert(w, w.posted, -2), None),
    "admin: återställ version före justeringen": (lambda w: _admin_revert(w, w.posted, 0), None),
    # the ORM services
    "service: post_minutes igen": (
        lambda w: _service(lambda: services.post_minutes(meeting=w.posted, posted_on=TODAY)),
        FIXED,
    ),
    "service: remove_posting i förväg": (
        lambda w: _service(lambda: services.remove_posting(meeting=w.posted, removed_on=FUTURE)),
        IN_FUTURE,
    ),
    "service: remove_posting för tidigt": (
        lambda w: _service(
            lambda: services.remove_posting(meeting=w.posted, removed_on=D(2024, 3, 28))
        ),
        TOO_EARLY,
    ),
    "service: remove_posting igen": (
        lambda w: _service(
            lambda: services.remove_posting(meeting=w.removed, removed_on=D(2024, 2, 20))
        ),
        REMOVAL_FIXED,
    ),
    "service: approve_minutes igen": (
        lambda w: _service(
            lambda: services.approve_minutes(
                meeting=w.posted, approved_on=D(2024, 3, 10), approvers=[]
            )
        ),
        services.PROTOCOL_IS_APPROVED,
    ),
    "service: correct_posting till samma datum": (
        lambda w: _service(
            lambda: services.correct_posting(meeting=w.posted, posted_on=POSTED_ON, reason="x")
        ),
        services.CORRECTION_SAME_DATE.format(posted=POSTED_ON),
    ),
    # the ORM directly and SQL: the trigger
    "orm: save() med flyttat anslagsdatum": (
        lambda w: _orm_save(w.posted, posted_on=D(2024, 3, 8)),
        ANSLAG_MESSAGE,
    ),
    "orm: update() som tömmer anslagsdatum": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET posted_on = NULL WHERE id = %s", [w.posted.pk]
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: flytta anslagsdatum": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET posted_on = posted_on + 1 WHERE id = %s", [w.posted.pk]
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: ta ned i förväg": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET removed_on = %s WHERE id = %s", [FUTURE, w.posted.pk]
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: ta ned på sista dag för överklagande": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET removed_on = %s WHERE id = %s",
            [D(2024, 3, 28), w.posted.pk],
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: tömma nedtagningsdatum": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET removed_on = NULL WHERE id = %s", [w.removed.pk]
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: rättelse som inte utgår från nuvarande datum": (
        lambda w: _sql(
            "INSERT INTO decisions_postingcorrection "
            "(meeting_id, old_posted_on, new_posted_on, reason, made_at) "
            "VALUES (%s, %s, %s, 'x', now())",
            [w.posted.pk, D(2024, 3, 1), D(2024, 3, 8)],
        ),
        ANSLAG_MESSAGE,
    ),
    "sql: avjustera": (
        lambda w: _sql(
            "UPDATE decisions_meeting SET approved_on = NULL, posted_on = NULL WHERE id = %s",
            [w.posted.pk],
            check=lambda e: is_anslag_refusal(e) or is_justerat_refusal(e),
        ),
        None,
    ),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_rule_39_every_path_that_moves_an_anslag_date_or_unjusterar_is_refused(world, path):
    before = world.dates()
    run, expected = PATHS[path]

    shown = run(world)

    assert world.dates() == before
    if expected is None:  # the revert and the un-justering: one of the refusals' own words
        expected_any = [REVERT_REFUSED, ANSLAG_MESSAGE, JUSTERAT_MESSAGE]
        assert any(text in shown for text in expected_any), shown
    else:
        assert expected in shown.replace("&#x27;", "'"), shown
    assert not any(word in shown for word in ("Traceback", "Server Error", "IntegrityError"))


def test_rule_39_the_page_names_a_database_refusal_by_its_code(world):
    """Were a service check missing, the trigger's refusal is the page's own Swedish message."""
    try:
        with transaction.atomic():
            Meeting.objects.filter(pk=world.posted.pk).update(posted_on=None)
    except IntegrityError as error:
        message = secretary_views._database_message(error)
    assert message == secretary_views.ANSLAG_FIXED_BY_DATABASE


# --- the correction ---------------------------------------------------------------------------


def test_rule_39_a_correction_moves_the_date_records_why_and_recomputes_the_appeal_window(world):
    response = world.secretary.post(
        reverse("secretary:meeting-correct-posting", args=[world.posted.pk]),
        {"posted_on": "2024-03-08", "reason": "Anslaget sattes upp en dag senare än antecknat."},
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    # 2024-03-08 + 3 weeks = långfredagen 2024-03-29; then påskafton, påskdagen, annandag påsk.
    assert "Sista dag för överklagande är nu 2024-04-02 (var 2024-03-28)" in page
    assert "anslaget får tas ned tidigast 2024-04-03" in page
    world.posted.refresh_from_db()
    assert world.posted.posted_on == D(2024, 3, 8)
    correction = PostingCorrection.objects.get(meeting=world.posted)
    assert (correction.old_posted_on, correction.new_posted_on) == (POSTED_ON, D(2024, 3, 8))
    assert correction.made_by.username == "sekreterare"
    assert correction.new_last_appeal_day == D(2024, 4, 2)
    detail = world.secretary.get(reverse("secretary:meeting-detail", args=[world.posted.pk]))
    assert "Anslaget sattes upp en dag senare än antecknat." in detail.content.decode()
    assert "2024-04-02" in detail.content.decode()
    assert "Anslagsdatum rättat från 2024-03-07 till 2024-03-08" in (
        world.posted.history.latest().history_change_reason
    )


def test_rule_39_a_correction_cannot_be_used_twice_nor_changed(world):
    services.correct_posting(meeting=world.posted, posted_on=D(2024, 3, 8), reason="Fel dag")
    # Back to the old date without a new correction: the latest says 03-07 → 03-08.
    assert _sql(
        "UPDATE decisions_meeting SET posted_on = %s WHERE id = %s", [POSTED_ON, world.posted.pk]
    )
    assert _sql("UPDATE decisions_postingcorrection SET reason = 'annat'", [])
    assert _sql("DELETE FROM decisions_postingcorrection", [])
    services.correct_posting(meeting=world.posted, posted_on=POSTED_ON, reason="Ändå rätt")
    world.posted.refresh_from_db()
    assert world.posted.posted_on == POSTED_ON
    assert world.posted.posting_corrections.count() == 2


def test_rule_39_the_database_counts_the_last_appeal_day_as_the_rules_do_every_day_2000_2040():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d::date, insjoriket_last_appeal_day(d::date) "
            "FROM generate_series('2000-01-01'::date, '2040-12-31'::date, '1 day') d"
        )
        rows = cursor.fetchall()
    assert len(rows) == 14976
    wrong = [(d, sql) for d, sql in rows if sql != date_rules.last_appeal_day(posted_on=d)]
    assert wrong == []


# --- a posting dated in the future --------------------------------------------------------------


def test_rule_39_a_future_posting_is_anslas_on_every_page_until_that_day(client):
    organ = make_organ(name="Kultur- och fritidsnämnden", code="KFN", kind="committee")
    held = TODAY - dt.timedelta(days=3)
    meeting = justerat_meeting(organ, held_on=held, approved_on=TODAY)
    secretary = client.__class__()
    secretary.force_login(_user("sekreterare", "sekreterare"))
    future = TODAY + dt.timedelta(days=2)

    posted = secretary.post(
        reverse("secretary:meeting-post", args=[meeting.pk]),
        {"posted_on": future.isoformat()},
        follow=True,
    ).content.decode()
    listing = secretary.get(reverse("secretary:meeting-list")).content.decode()
    filtered = secretary.get(reverse("secretary:meeting-list"), {"status": "anslas"})
    board = client.get(reverse("public:anslagstavla")).content.decode()

    text = f"Anslås {future.isoformat()}"
    assert "Protokollet är anslaget på anslagstavlan" not in posted
    assert f"Protokollet anslås på anslagstavlan {future.isoformat()}." in posted
    assert text in posted  # the meeting page's status
    assert text in listing
    assert [m.pk for m in filtered.context["page"].object_list] == [meeting.pk]
    assert f"anslås {future.isoformat()}" in board
    assert "Inga protokoll är anslagna just nu." in board  # not in the table of the board
    assert meeting.pk not in Meeting.objects.on_board(TODAY).values_list("pk", flat=True)
    assert Meeting.objects.get(pk=meeting.pk).status(future) == Meeting.Status.ON_BOARD


# --- no revert of registered or justerade records -------------------------------------------


def test_rule_39_the_admin_offers_no_revert_of_registered_or_justerade_records(world):
    case = make_case(title="Ett registrerat ärende")
    document = make_document(case=case)
    case.title = "Ändrad"
    case.save()
    draft = services.plan_meeting(organ=world.posted.organ, held_on=D(2024, 5, 2))
    draft.place = "Annat rum"
    draft.save()
    records = [
        ("cases_case", case, True),
        ("cases_document", document, True),
        ("decisions_meeting", world.posted, True),
        ("decisions_meeting", draft, False),  # not justerat: revert stays possible
    ]
    for name, obj, refused in records:
        version = obj.history.order_by("history_id").first()
        url = reverse(f"admin:{name}_simple_history", args=[obj.pk, version.history_id])
        page = world.admin.get(url)
        assert page.status_code == 200
        assert page.context["revert_disabled"] is refused, name
    case_version = case.history.order_by("history_id").first()
    response = world.admin.post(
        reverse("admin:cases_case_simple_history", args=[case.pk, case_version.history_id]),
        {"title": "Ett registrerat ärende"},
        follow=True,
    )
    assert REVERT_REFUSED in response.content.decode()
    case.refresh_from_db()
    assert case.title == "Ändrad"
