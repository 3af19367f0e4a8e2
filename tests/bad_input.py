"""Bad input, table-driven (issue 6): what the tables of the test_bad_input_* modules share.

Each case must be answered with a clear Swedish message and a 4xx (or a form error, or a
refused import), never a 500 or a traceback; a form must come back with what was typed; and
the database must be unchanged: the rows of every model of the three apps *and* their
django-simple-history records are counted before and after (rule 23: nothing half-saved, no
stray history).

The Insjöriket data file is loaded once per module (the ``world`` fixture of tests/conftest.py)
inside one outer transaction that is rolled back at the end; every test runs in a savepoint
inside it (pytest-django's ``db``).
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cases.api import issue_token
from cases.models import ApiToken, Case, Register
from cases.services import close_case, register_case
from decisions.meetings import justering
from decisions.meetings import services as meetings
from decisions.models import Decision, JusteringRound, Meeting
from insjoriket.access import setup_roles
from insjoriket.history import save_recorded
from members.models import Organ, Person

PASSWORD = "hemligt-lösenord-1"
APPS = ("cases", "decisions", "members")
REQUIRED = "Detta fält måste fyllas i."
INVALID_DATE = "Fyll i ett giltigt datum: ÅÅÅÅ-MM-DD"
INVALID_CHOICE = "Välj ett giltigt alternativ"
MEGABYTE = "Å" * (1024 * 1024)
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def minimal_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = minimal_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class World:
    """What the cases refer to, built once."""

    users: dict[str, object]
    register: Register
    case: Case
    other_case: Case
    closed_case: Case
    meeting: Meeting
    decision: Decision
    participants: list[Person]
    outsider: Person
    approved_meeting: Meeting
    approved_decision: Decision
    token: str
    revoked_token: str


def build_world() -> World:
    """The Insjöriket data file and the users, cases, meetings and tokens the cases refer to."""
    w = World()
    setup_roles()
    call_command("load_insjoriket", verbosity=0)
    w.users = {}
    for role in ("registrator", "sekreterare", "förtroendevald", "administratör"):
        user = get_user_model().objects.create_user(
            username=f"bad-{role}".replace("ö", "o").replace("ä", "a"), password=PASSWORD
        )
        user.groups.add(Group.objects.get(name=role))
        w.users[role] = user
    w.users["admin"] = get_user_model().objects.create_superuser(
        username="bad-admin", password=PASSWORD
    )
    # A justerare of a digital justering (rule 37): no role, a Person of their own in the
    # round that ``on_justering`` builds.
    w.users["justerare"] = get_user_model().objects.create_user(
        username="bad-justerare", password=PASSWORD
    )
    w.register = Register.objects.get(organisation__short_name="Alingsås", code="KS")
    w.case = register_case(register=w.register, title="Ärende för felaktig inmatning")
    w.other_case = Case.objects.get(number="2023.076 SN")
    w.closed_case = register_case(register=w.register, title="Avslutat ärende")
    close_case(case=w.closed_case)

    ks = Organ.objects.get(organisation__short_name="Alingsås", code="KS")
    people = list(Person.objects.order_by("key"))
    w.participants, w.outsider = people[:4], people[10]
    w.meeting = meetings.plan_meeting(organ=ks, held_on=dt.date(2026, 10, 5), place="Stadshuset")
    meetings.set_attendance(
        meeting=w.meeting, attendees=[meetings.Attendee(person=p) for p in w.participants]
    )
    w.decision = meetings.add_decision(
        meeting=w.meeting,
        title="Motion om cykelvägar",
        case=w.case,
        decision_text="Motionen bifalls.",
        procedure="Ordföranden ställer proposition på bifall och avslag.",
    )
    w.approved_meeting = meetings.plan_meeting(organ=ks, held_on=dt.date(2026, 9, 7))
    meetings.set_attendance(
        meeting=w.approved_meeting,
        attendees=[meetings.Attendee(person=p) for p in w.participants],
    )
    w.approved_decision = meetings.add_decision(
        meeting=w.approved_meeting, title="Taxa", case=w.case, decision_text="Taxan fastställs."
    )
    meetings.approve_minutes(
        meeting=w.approved_meeting, approved_on=dt.date(2026, 9, 10), approvers=w.participants[:2]
    )
    meetings.post_minutes(meeting=w.approved_meeting, posted_on=dt.date(2026, 9, 11))
    w.token = issue_token(name="E-tjänst")
    w.revoked_token = issue_token(name="Gammal e-tjänst")
    ApiToken.objects.filter(name="Gammal e-tjänst").update(revoked=True)
    return w


def on_justering(w: World) -> JusteringRound:
    """A protocol on justering (rule 37) with the ordförande and one justerare, the user
    "justerare". Built inside the test's savepoint when a case first asks (its url or data),
    so that the world the other tables share is not changed."""
    existing = JusteringRound.objects.open().filter(meeting__organ__code="JUSTU").first()
    if existing is not None:
        return existing
    organ = Organ.objects.create(
        organisation=w.register.organisation,
        name="Justeringsutskottet",
        code="JUSTU",
        kind="working_committee",
    )
    signer = Person.objects.create(
        key="bad-justerare", name="Justa Justerare", user=w.users["justerare"]
    )
    chair = w.participants[0]
    meeting = meetings.plan_meeting(organ=organ, held_on=dt.date(2026, 10, 6))
    meetings.set_attendance(
        meeting=meeting, attendees=[meetings.Attendee(person=p) for p in (chair, signer)]
    )
    meeting.chair = chair
    save_recorded(meeting, reason="Ordförande")
    meetings.add_decision(meeting=meeting, title="Taxa", decision_text="Taxan antas.")
    return justering.send_to_justering(meeting=meeting, approvers=[signer])


def counts() -> dict[str, int]:
    """Rows of every model of the three apps, historical models included."""
    out = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            out[model._meta.label] = model._default_manager.count()
    return out


def client_for(world: World, role: str | None) -> Client:
    client = Client()
    if role:
        client.force_login(world.users[role])
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# --- forms and pages ---------------------------------------------------------------------------


@dataclass
class Post:
    """A POST (or GET) to a page; ``message`` must be in the answer, ``kept`` values too."""

    id: str
    role: str | None
    url: Callable[[World], str]
    data: Callable[[World], dict]
    message: str
    kept: tuple[str, ...] = ()
    status: int = 400
    method: str = "post"
    follow: bool = False  # a refusal answered by a redirect to the page with its message


def case_form(**over) -> Callable[[World], dict]:
    def build(w: World) -> dict:
        base = {"register": w.register.pk, "title": "Skrivelse om skolskjuts", "officer": "Ola"}
        return {k: v for k, v in (base | over).items() if v is not None}

    return build


def document_form(**over) -> Callable[[World], dict]:
    def build(w: World) -> dict:
        base = {
            "date": "2026-11-02",
            "direction": "incoming",
            "counterpart": "Föreningen Åsen",
            "description": "Skrivelse om vägbelysning",
        }
        out = {k: v for k, v in (base | over).items() if v is not None}
        if "file" in out and isinstance(out["file"], tuple):
            name, content = out["file"]
            out["file"] = SimpleUploadedFile(name, content)
        return out

    return build


def vote_form(**over) -> Callable[[World], dict]:
    def build(w: World) -> dict:
        base = {"question": "Bifall till motionen röstar ja", "yes_means": "bifall"}
        for i, p in enumerate(w.participants):
            base[f"ballot_{p.pk}"] = "yes" if i < 3 else "no"
        return base | over

    return build


CASE_NEW = lambda w: "/arenden/nytt/"  # noqa: E731
DOC_NEW = lambda w: f"/arenden/{w.case.pk}/handlingar/ny/"  # noqa: E731
LINK = lambda w: f"/arenden/{w.case.pk}/koppla/"  # noqa: E731
MEETING = lambda w: f"/sammantraden/{w.meeting.pk}/"  # noqa: E731
DECISION = lambda w: f"/sammantraden/paragraf/{w.decision.pk}/"  # noqa: E731

FILE_TYPE = "Filtypen är inte tillåten."
FILE_MISMATCH = "Filens innehåll stämmer inte med filändelsen."
SECRECY = "En sekretessmarkering måste ange lagrum, datum och vem som beslutat om den"


def check_post(case: Post, world: World, media_root) -> None:
    """Send the case's request; the answer has its status and message, keeps what was typed,
    and nothing is saved: no row, no history row, no file."""
    client = client_for(world, case.role)
    url, data = case.url(world), case.data(world)
    before = counts()
    if case.method == "post":
        response = client.post(url, data, follow=case.follow)
    elif case.method == "urlencoded":
        from urllib.parse import urlencode

        response = client.post(
            url, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.get(url)
    after = counts()

    assert response.status_code == case.status, response.content.decode()[:2000]
    text = page_text(response)
    assert case.message in text
    for value in case.kept:
        assert value in text, f"the form lost {value[:60]!r}"
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not Path(media_root).exists() or not any(Path(media_root).rglob("*.*"))
