"""Bad input, table-driven (issue 6): malformed input to every form, the search, the import
command, the API and the decision services. Each case must be answered with a clear Swedish
message and a 4xx (or a form error, or a refused import), never a 500 or a traceback; a form
must come back with what was typed; and the database must be unchanged: the rows of every
model of the three apps *and* their django-simple-history records are counted before and
after (rule 23: nothing half-saved, no stray history).

A second table puts HTML and JavaScript into every text field a user can type and checks that
the pages (and a protokollsutdrag's text) show it escaped.

The Insjöriket data file is loaded once for the module inside one outer transaction that is
rolled back at the end; every test runs in a savepoint inside it (pytest-django's ``db``).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from cases.api import issue_token
from cases.models import ApiToken, Case, Register
from cases.services import close_case, register_case
from decisions.meetings import services as meetings
from decisions.models import Decision, Meeting
from insjoriket.access import setup_roles
from members.models import Organ, Person

pytestmark = pytest.mark.django_db

PASSWORD = "hemligt-lösenord-1"
APPS = ("cases", "decisions", "members")
REQUIRED = "Detta fält måste fyllas i."
INVALID_DATE = "Fyll i ett giltigt datum."
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


# --- data for the whole module -----------------------------------------------------------------


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
    token: str
    revoked_token: str


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build_world() -> World:
    from django.core.management import call_command

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
    meetings.add_decision(
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


def counts() -> dict[str, int]:
    """Rows of every model of the three apps, historical models included."""
    out = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            out[model._meta.label] = model._default_manager.count()
    return out


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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
    xfail: str = ""


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

POSTS = [
    # The registrator's case form (rules 20, 22, 24).
    Post("case-title-empty", "registrator", CASE_NEW, case_form(title=""), REQUIRED, ("Ola",)),
    Post("case-title-spaces", "registrator", CASE_NEW, case_form(title="   "), REQUIRED, ("Ola",)),
    Post(
        "case-title-501",
        "registrator",
        CASE_NEW,
        case_form(title="x" * 501),
        "har som mest 500 tecken",
        ("x" * 501,),
    ),
    Post(
        "case-title-1mb",
        "registrator",
        CASE_NEW,
        case_form(title=MEGABYTE),
        "har som mest 500 tecken",
        ("Ola",),
    ),
    Post(
        "case-title-nul",
        "registrator",
        CASE_NEW,
        case_form(title="Skrivelse\x00om skolskjuts"),
        "Null-tecken är inte tillåtna",
        ("Ola",),
    ),
    # A browser's urlencoded form with 1 MB of 'Å' (6 MB encoded) is over
    # DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses it before the view reads the form, so the
    # answer is the Swedish 400 page (insjoriket/errors.py); the typed text is not kept.
    Post(
        "case-title-1mb-urlencoded",
        "registrator",
        CASE_NEW,
        case_form(title=MEGABYTE),
        "Texten är för lång för att skickas",
        method="urlencoded",
    ),
    Post("case-register-missing", "registrator", CASE_NEW, case_form(register=None), REQUIRED),
    Post(
        "case-register-unknown",
        "registrator",
        CASE_NEW,
        case_form(register=987654),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-register-not-a-number",
        "registrator",
        CASE_NEW,
        case_form(register="KS'; drop table"),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-register-huge-number",
        "registrator",
        CASE_NEW,
        case_form(register="99999999999999999999999"),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-classification-unknown",
        "registrator",
        CASE_NEW,
        case_form(classification=123456),
        INVALID_CHOICE,
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-officer-201",
        "registrator",
        CASE_NEW,
        case_form(officer="O" * 201),
        "har som mest 200 tecken",
        ("Skrivelse om skolskjuts",),
    ),
    Post(
        "case-secret-without-ground",
        "registrator",
        CASE_NEW,
        case_form(is_secret="on", secrecy_marked_by="Socialnämnden"),
        SECRECY,
        ("Skrivelse om skolskjuts", "Socialnämnden"),
    ),
    Post(
        "case-secrecy-date-impossible",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="2023-02-30",
            secrecy_marked_by="Socialnämnden",
        ),
        INVALID_DATE,
        ("OSL 26 kap. 1 §", "2023-02-30"),
    ),
    Post(
        "case-secrecy-date-words",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="igår",
            secrecy_marked_by="Socialnämnden",
        ),
        INVALID_DATE,
        ("igår",),
    ),
    # The document form with its file checks (rules 20, 25).
    Post("doc-date-missing", "registrator", DOC_NEW, document_form(date=""), REQUIRED),
    Post(
        "doc-date-impossible",
        "registrator",
        DOC_NEW,
        document_form(date="2026-02-29"),
        INVALID_DATE,
        ("2026-02-29", "Föreningen Åsen", "Skrivelse om vägbelysning"),
    ),
    Post(
        "doc-date-month-13",
        "registrator",
        DOC_NEW,
        document_form(date="2026-13-01"),
        INVALID_DATE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-direction-unknown",
        "registrator",
        DOC_NEW,
        document_form(direction="sidled"),
        INVALID_CHOICE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-description-empty",
        "registrator",
        DOC_NEW,
        document_form(description=""),
        REQUIRED,
        ("Föreningen Åsen",),
    ),
    Post(
        "doc-file-exe",
        "registrator",
        DOC_NEW,
        document_form(file=("program.exe", b"MZ\x90\x00" + b"\x00" * 60)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-html-as-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", b"<html><script>alert(1)</script></html>")),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-png-named-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", PNG)),
        FILE_MISMATCH,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-without-extension",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse", PDF)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-zip-named-docx",
        "registrator",
        DOC_NEW,
        document_form(file=("brev.docx", b"PK\x03\x04" + b"\x00" * 40)),
        FILE_TYPE,
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-too-large",
        "registrator",
        DOC_NEW,
        document_form(file=("stor.pdf", PDF[:-6] + b" " * (20 * 1024 * 1024) + b"%%EOF\n")),
        "Filen är för stor. Största tillåtna storlek är 20 MB.",
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-file-truncated-pdf",
        "registrator",
        DOC_NEW,
        document_form(file=("skrivelse.pdf", PDF[: len(PDF) // 2])),
        "Filen är ingen fullständig PDF",
        ("Skrivelse om vägbelysning",),
    ),
    Post(
        "doc-in-closed-case",
        "registrator",
        lambda w: f"/arenden/{w.closed_case.pk}/handlingar/ny/",
        document_form(),
        "Handlingar kan inte registreras i ett avslutat ärende.",
        ("Skrivelse om vägbelysning",),
    ),
    # Linking cases.
    Post(
        "link-unknown-number",
        "registrator",
        LINK,
        lambda w: {"number": "2099KS99999", "note": "Samma ärende"},
        "Det finns inget ärende med det diarienumret.",
        ("2099KS99999", "Samma ärende"),
    ),
    Post(
        "link-to-itself",
        "registrator",
        LINK,
        lambda w: {"number": w.case.number, "note": "Samma"},
        "Ett ärende kan inte kopplas till sig självt.",
        ("Samma",),
    ),
    Post(
        "link-same-register",
        "registrator",
        LINK,
        lambda w: {"number": w.closed_case.number, "note": "Samma"},
        "Kopplingen gäller samma ärende i ett annat diarium.",
    ),
    # The case list's filters and the search box (GET: a 200 with an error or no hits).
    Post(
        "list-year-not-a-number",
        None,
        lambda w: "/arenden/?year=tjugotjugo",
        lambda w: {},
        "Fyll i ett heltal.",
        ("tjugotjugo",),
        status=200,
        method="get",
    ),
    Post(
        "list-register-huge-number",
        None,
        lambda w: "/arenden/?register=99999999999999999999999",
        lambda w: {},
        INVALID_CHOICE,
        status=200,
        method="get",
    ),
    Post(
        "list-page-not-a-number",
        None,
        lambda w: "/arenden/?sida=sista'",
        lambda w: {},
        "Alla",
        status=200,
        method="get",
    ),
    Post(
        "search-10000-characters",
        None,
        lambda w: "/arenden/sok/?q=" + "belysning " * 1000,
        lambda w: {},
        "träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-tsquery-operators",
        None,
        lambda w: "/arenden/sok/?q=%21%26%7C%28%29%3A%2A%27%5C",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-nul-byte",
        None,
        lambda w: "/arenden/sok/?q=utträde%00insjöriket",
        lambda w: {},
        "träff",
        status=200,
        method="get",
    ),
    Post(
        "search-huge-serial",
        None,
        lambda w: "/arenden/sok/?q=2023.99999999999999999999%20KS",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    Post(
        "search-sql-quote",
        None,
        lambda w: "/arenden/sok/?q=%27%3B%20DROP%20TABLE%20cases_case%3B--",
        lambda w: {},
        "0 träffar",
        status=200,
        method="get",
    ),
    # The secretary's pages (rules 11, 13, 1–5).
    Post(
        "meeting-date-impossible",
        "sekreterare",
        lambda w: "/sammantraden/planera/",
        lambda w: {"organ": w.meeting.organ_id, "held_on": "2026-02-30", "place": "Rådhuset"},
        INVALID_DATE,
        ("Rådhuset", "2026-02-30"),
    ),
    Post(
        "meeting-organ-unknown",
        "sekreterare",
        lambda w: "/sammantraden/planera/",
        lambda w: {"organ": 987654, "held_on": "2026-12-01", "place": "Rådhuset"},
        INVALID_CHOICE,
        ("Rådhuset",),
    ),
    Post(
        "paragraph-number-out-of-series",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {"number": 7, "title": "Budget 2027", "kind": "notification", "case_number": ""},
        "följer inte på föregående paragraf",
        ("Budget 2027",),
    ),
    Post(
        "paragraph-number-taken",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {
            "number": w.decision.number,
            "title": "Budget 2027",
            "kind": "notification",
        },
        "finns redan",
        ("Budget 2027",),
    ),
    Post(
        "paragraph-case-unknown",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {"number": 2, "title": "Budget 2027", "kind": "decision", "case_number": "1"},
        "Det finns inget ärende med diarienummer 1",
        ("Budget 2027",),
    ),
    Post(
        "vote-ballots-do-not-add-up",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=35, no_count=12, abstain_count=3),
        "Rösterna stämmer inte med resultatet",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "vote-counts-incomplete",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=3),
        "Ange antal ja, nej och avstår, eller lämna alla tre tomma.",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "vote-negative-count",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/votering/",
        vote_form(yes_count=-1, no_count=1, abstain_count=0),
        "större än eller lika med 0",
        ("Bifall till motionen röstar ja",),
    ),
    Post(
        "reservation-by-outsider",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/reservation/",
        lambda w: {"person": w.outsider.pk, "motivation": "Jag reserverar mig."},
        "Bara den som deltog i beslutet kan reservera sig",
        ("Jag reserverar mig.",),
    ),
    Post(
        "approve-before-meeting",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/justera/",
        lambda w: {
            "approved_on": "2026-10-01",
            "place": "Kansliet",
            "approvers": [w.participants[0].pk],
        },
        "Justeringsdatumet kan inte ligga före sammanträdesdatumet.",
        ("Kansliet",),
    ),
    Post(
        "remove-posting-too-early",
        "sekreterare",
        lambda w: f"/sammantraden/{w.approved_meeting.pk}/anslag/ta-ned/",
        lambda w: {"removed_on": "2026-09-20"},
        "Anslaget får inte tas ned före den",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)])
        if c.xfail
        else pytest.param(c, id=c.id)
        for c in POSTS
    ],
)
def test_bad_input_to_a_page(case: Post, world, media_root):
    client = client_for(world, case.role)
    url, data = case.url(world), case.data(world)
    before = counts()
    if case.method == "post":
        response = client.post(url, data)
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


# --- the import command ------------------------------------------------------------------------


@dataclass
class ImportCase:
    id: str
    content: bytes
    message: str
    name: str = "data.yaml"
    xfail: str = ""


def yaml_bytes(text: str) -> bytes:
    return ("format: 1\n" + text).encode()


MEETING_WITH_VOTE = """
meetings:
  - organ: Alingsås KS
    held_on: 2025-03-03
    attendance:
      - {{person: per-vorberg, role: ledamot}}
      - {{person: grim-pedersen, role: ledamot}}
    decisions:
      - number: 1
        title: Motion om lekplatser
        decision_text: Motionen bifalls.
        procedure: Proposition på bifall och avslag.
{extra}
"""

IMPORTS = [
    ImportCase("yaml-syntax", yaml_bytes("cases: [ {number: 2024KS1\n"), "inte giltig YAML"),
    ImportCase("yaml-tab-indent", yaml_bytes("cases:\n\t- number: 1\n"), "inte giltig YAML"),
    ImportCase("yaml-not-a-mapping", b"- bara\n- en lista\n", "ska vara en mappning"),
    ImportCase(
        "csv-file",
        "number;register;title\n2024KS1;Härryda KS;Bygglov\n".encode(),
        "ska vara en mappning",
        name="register.csv",
    ),
    ImportCase(
        "non-utf8-latin1",
        "format: 1\ncases:\n  - {number: 2024KS1, register: Härryda KS, title: Bygglov}\n".encode(
            "latin-1"
        ),
        "data.yaml: filen är inte kodad som UTF-8",
    ),
    ImportCase(
        "impossible-date",
        yaml_bytes(MEETING_WITH_VOTE.format(extra="").replace("2025-03-03", "2025-02-30")),
        'ogiltigt datum "2025-02-30"',
    ),
    ImportCase(
        "date-in-words",
        yaml_bytes(MEETING_WITH_VOTE.format(extra="").replace("2025-03-03", "tredje mars")),
        'ogiltigt datum "tredje mars"',
    ),
    ImportCase(
        "duplicate-diarienummer",
        yaml_bytes(
            "cases:\n"
            "  - {number: 2025KS17, register: Härryda KS, title: Bygglov}\n"
            "  - {number: 2025KS17, register: Härryda KS, title: Bygglov igen}\n"
        ),
        "finns redan i filen",
    ),
    ImportCase(
        "diarienummer-does-not-fit-format",
        yaml_bytes("cases:\n  - {number: KS-17/2025, register: Härryda KS, title: Bygglov}\n"),
        "passar inte diariets format",
    ),
    ImportCase(
        "unknown-field",
        yaml_bytes("cases:\n  - {number: 2025KS18, register: Härryda KS, titel: Bygglov}\n"),
        'okänt fält "titel"',
    ),
    ImportCase(
        "unknown-register",
        yaml_bytes("cases:\n  - {number: 2025KS18, register: Göteborg KS, title: Bygglov}\n"),
        'okänt diarium "Göteborg KS"',
    ),
    ImportCase(
        "ballots-do-not-add-up",
        yaml_bytes(
            MEETING_WITH_VOTE.format(
                extra="""        votes:
          - question: Bifall?
            ja: 5
            nej: 0
            avstår: 0
            ballots:
              - {person: per-vorberg, choice: ja}
              - {person: grim-pedersen, choice: nej}
"""
            )
        ),
        "voteringslistan ger 1 ja, 1 nej, 0 avstår men resultatet anger 5 ja",
    ),
    ImportCase(
        "reservation-by-non-participant",
        yaml_bytes(
            MEETING_WITH_VOTE.format(extra="        reservations:\n          - patrik-linde\n")
        ),
        'person "patrik-linde" deltar inte i paragrafen',
    ),
    ImportCase(
        "paragraph-twice",
        yaml_bytes(
            MEETING_WITH_VOTE.format(
                extra="      - {number: 1, title: Samma nummer igen, decision_text: Bifall.}\n"
            )
        ),
        "§ 1 förekommer två gånger",
    ),
    ImportCase(
        "link-points-forward",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda VFN 2019 § 256, kind: upphäver, "
            "target: Härryda KF 2020 § 128}\n"
        ),
        "kopplingen går mot tiden",
    ),
    ImportCase(
        "link-to-itself",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KF 2020 § 128, kind: ändrar, target: Härryda KF 2020 § 128}\n"
        ),
        "ett beslut kan inte kopplas till sig självt",
    ),
    ImportCase(
        "link-forms-a-cycle",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KS 2020 § 242, kind: återremitterar, "
            "target: Härryda VFN 2020 § 114}\n"
        ),
        "cirkel",
    ),
    ImportCase(
        "revocation-without-competence",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda VFN 2022 § 222, kind: upphäver, "
            "target: Härryda KF 2020 § 128}\n"
        ),
        "behörighet",
    ),
    ImportCase(
        "unknown-decision-in-link",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KF 2031 § 1, kind: upphäver, target: Härryda KF 2020 § 128}\n"
        ),
        "okänt beslut",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)])
        if c.xfail
        else pytest.param(c, id=c.id)
        for c in IMPORTS
    ],
)
def test_a_bad_import_file_is_refused_whole(case: ImportCase, world, tmp_path):
    path = tmp_path / case.name
    path.write_bytes(case.content)
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_register", str(path), stdout=io.StringIO())
    assert counts() == before
    message = str(refused.value)
    assert message.startswith("Importen avbröts; inget har sparats."), message
    assert case.message in message, message


def test_an_import_file_that_is_not_there_is_named(world, tmp_path):
    with pytest.raises(CommandError, match="Filen .*saknas.yaml finns inte."):
        call_command("import_register", str(tmp_path / "saknas.yaml"))


# --- the API -----------------------------------------------------------------------------------


@dataclass
class ApiCase:
    id: str
    body: Callable[[World], bytes]
    status: int
    message: str
    token: str = "good"  # good, revoked, unknown, none
    field_errors: tuple[str, ...] = ()
    xfail: str = ""


def body(**fields) -> Callable[[World], bytes]:
    def build(w: World) -> bytes:
        base = {"register": w.register.pk, "title": "Ansökan via e-tjänst"}
        return json.dumps({k: v for k, v in (base | fields).items() if v is not None}).encode()

    return build


API = [
    ApiCase("no-token", body(), 401, "Ange en API-nyckel", token="none"),
    ApiCase("unknown-token", body(), 401, "Okänd API-nyckel.", token="unknown"),
    ApiCase("revoked-token", body(), 403, "API-nyckeln är återkallad.", token="revoked"),
    ApiCase("not-json", lambda w: b"{register: 1, title: ", 400, "måste vara ett JSON-objekt"),
    ApiCase("json-list", lambda w: b"[1, 2, 3]", 400, "måste vara ett JSON-objekt"),
    ApiCase("json-null", lambda w: b"null", 400, "måste vara ett JSON-objekt"),
    ApiCase("empty-body", lambda w: b"", 400, "måste vara ett JSON-objekt"),
    ApiCase(
        "non-utf8-body",
        lambda w: '{"title": "Bygglov i Härryda", "register": 1}'.encode("latin-1"),
        400,
        "måste vara ett JSON-objekt",
    ),
    ApiCase("unknown-field", body(titel="Bygglov"), 400, "Okänt fält.", field_errors=("titel",)),
    ApiCase(
        "title-1mb",
        body(title="x" * (1024 * 1024)),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("title",),
    ),
    ApiCase(
        "body-over-the-upload-limit",
        body(title=MEGABYTE * 3),
        400,
        "för stor",
    ),
    ApiCase("title-missing", body(title=None), 400, "Ogiltiga uppgifter.", field_errors=("title",)),
    ApiCase(
        "register-unknown",
        body(register=987654),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("register",),
    ),
    ApiCase(
        "register-as-object",
        body(register={"code": "KS"}),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("register",),
    ),
    ApiCase(
        "secret-without-ground",
        body(is_secret=True),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("secrecy",),
    ),
    ApiCase(
        "secrecy-date-impossible",
        body(
            is_secret=True,
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="2025-02-29",
            secrecy_marked_by="SN",
        ),
        400,
        "Ogiltiga uppgifter.",
        field_errors=("secrecy_marked_on",),
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)])
        if c.xfail
        else pytest.param(c, id=c.id)
        for c in API
    ],
)
def test_bad_input_to_the_api(case: ApiCase, world):
    tokens = {
        "good": world.token,
        "revoked": world.revoked_token,
        "unknown": "x" * 43,
    }
    headers = {}
    if case.token in tokens:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[case.token]}"
    before = counts()
    response = Client().post(
        "/api/v1/cases/", data=case.body(world), content_type="application/json", **headers
    )
    assert counts() == before
    assert response.status_code == case.status, response.content[:500]
    answer = response.json()
    assert case.message in answer["error"]
    for name in case.field_errors:
        assert answer["fields"][name], answer


# --- decision services (the writes behind every page and the admin) ----------------------------


@dataclass
class ServiceCase:
    id: str
    call: Callable[[World], object]
    message: str
    xfail: str = ""


def _ballots(w: World, extra=()):
    return [(p, "yes") for p in w.participants[:3]] + [(w.participants[3], "no"), *extra]


SERVICES = [
    ServiceCase(
        "vote-counts-do-not-add-up",
        lambda w: meetings.record_vote(
            decision=w.decision, question="Bifall?", ballots=_ballots(w), counts=(4, 0, 0)
        ),
        "Rösterna stämmer inte med resultatet: voteringslistan ger 3 ja, 1 nej, 0 avstår",
    ),
    ServiceCase(
        "vote-by-non-participant",
        lambda w: meetings.record_vote(
            decision=w.decision,
            question="Bifall?",
            ballots=_ballots(w, [(w.outsider, "yes")]),
        ),
        "deltar inte i paragrafen och kan inte rösta",
    ),
    ServiceCase(
        "vote-twice",
        lambda w: meetings.record_vote(
            decision=w.decision,
            question="Bifall?",
            ballots=_ballots(w, [(w.participants[0], "no")]),
        ),
        "har redan röstat i voteringen",
    ),
    ServiceCase(
        "vote-invalid-choice",
        lambda w: meetings.record_vote(
            decision=w.decision, question="Bifall?", ballots=[(w.participants[0], "kanske")]
        ),
        "Ogiltig röst: kanske",
    ),
    ServiceCase(
        "reservation-by-non-participant",
        lambda w: meetings.add_reservation(decision=w.decision, person=w.outsider),
        "deltog inte i beslutet och kan inte reservera sig",
    ),
    ServiceCase(
        "paragraph-out-of-series",
        lambda w: meetings.add_decision(meeting=w.meeting, title="Budget", number=40),
        "§ 40 följer inte på föregående paragraf",
    ),
    ServiceCase(
        "paragraph-number-taken",
        lambda w: meetings.add_decision(
            meeting=w.meeting, title="Budget", number=w.decision.number
        ),
        "finns redan för Kommunstyrelsen 2026",
    ),
    ServiceCase(
        "paragraph-in-justerat-protocol",
        lambda w: meetings.add_decision(meeting=w.approved_meeting, title="Sent tillägg"),
        "Protokollet är justerat och kan inte ändras.",
    ),
    ServiceCase(
        "posting-before-justering",
        lambda w: meetings.post_minutes(meeting=w.meeting, posted_on=dt.date(2026, 10, 6)),
        "Protokollet kan inte anslås innan det är justerat.",
    ),
    ServiceCase(
        "removal-before-last-appeal-day",
        lambda w: meetings.remove_posting(
            meeting=w.approved_meeting, removed_on=dt.date(2026, 9, 25)
        ),
        "Anslaget får inte tas ned före den 2026-10-03",
    ),
    ServiceCase(
        "minority-referral-in-a-board",
        lambda w: meetings.check_minority_referral(decision=w.decision, supporters=5, present=9),
        "Minoritetsåterremiss är bara möjlig i fullmäktige",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)])
        if c.xfail
        else pytest.param(c, id=c.id)
        for c in SERVICES
    ],
)
def test_a_decision_service_refuses_bad_input(case: ServiceCase, world):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        case.call(world)
    assert counts() == before
    assert any(case.message in m for m in refused.value.messages), refused.value.messages


# --- decision links through the admin (the only page that writes them) -------------------------


@dataclass
class LinkCase:
    id: str
    source: str
    kind: str
    target: str
    message: str


def _decision(label: str) -> Decision:
    org, code, year, number = label.split()
    return Decision.objects.get(
        organ__organisation__short_name=org, organ__code=code, year=int(year), number=int(number)
    )


LINKS = [
    LinkCase("cycle", "Härryda KS 2020 242", "refers_back", "Härryda VFN 2020 114", "cirkel"),
    LinkCase(
        "points-forward", "Härryda VFN 2019 256", "amends", "Härryda VFN 2022 222", "senare beslut"
    ),
    LinkCase(
        "revocation-without-competence",
        "Härryda VFN 2022 222",
        "revokes",
        "Härryda KF 2020 128",
        "behörighet",
    ),
    LinkCase(
        "across-organisations",
        "Alingsås SN 2023 56",
        "revokes",
        "Härryda VFN 2019 256",
        "annan organisation",
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in LINKS])
def test_a_decision_link_that_breaks_the_chain_rules_is_refused(case: LinkCase, world):
    client = client_for(world, "admin")
    source, target = _decision(case.source), _decision(case.target)
    before = counts()
    response = client.post(
        "/admin/decisions/decisionlink/add/",
        {"source": source.pk, "kind": case.kind, "target": target.pk, "note": "prov"},
    )
    assert response.status_code in (200, 400), response.status_code
    assert counts() == before
    assert case.message in page_text(response)


# --- HTML and JavaScript in every text field are shown escaped ---------------------------------


def _assert_escaped(response, where: str) -> None:
    assert response.status_code == 200, (where, response.status_code)
    body = response.content.decode()
    assert "<script>alert(" not in body, f"unescaped <script> on {where}"
    assert "<img src=x onerror" not in body, f"unescaped <img onerror> on {where}"
    assert "&lt;script&gt;alert(" in body, f"the typed text is not shown on {where}"


@dataclass
class Echo:
    id: str
    role: str
    post_url: Callable[[World], str]
    data: Callable[[World], dict]
    shown_on: Callable[[World], list[str]]
    viewer: str | None = "same"  # who looks at the pages: the same role, or None (anonymous)


def _new_case_pages(w: World) -> list[str]:
    case = Case.objects.order_by("-pk").first()
    return [f"/arenden/{case.pk}/", "/arenden/", f"/arenden/{case.pk}/historik/"]


def _new_case_page(w: World) -> list[str]:
    return [f"/arenden/{Case.objects.order_by('-pk').first().pk}/"]


def _new_secret_case_pages(w: World) -> list[str]:
    case = Case.objects.order_by("-pk").first()
    return [f"/arenden/{case.pk}/", "/arenden/", "/arenden/sok/?q=" + case.number]


ECHOES = [
    Echo("case-title", "registrator", CASE_NEW, case_form(title=XSS), _new_case_pages),
    Echo("case-officer", "registrator", CASE_NEW, case_form(officer=XSS), _new_case_page),
    Echo(
        "case-public-title",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground="OSL 26 kap. 1 §",
            secrecy_marked_on="2026-11-01",
            secrecy_marked_by=XSS,
            public_title=XSS,
        ),
        _new_secret_case_pages,
        viewer=None,
    ),
    Echo(
        "case-secrecy-marking",
        "registrator",
        CASE_NEW,
        case_form(
            is_secret="on",
            secrecy_ground=XSS[:100],
            secrecy_marked_on="2026-11-01",
            secrecy_marked_by=XSS,
        ),
        _new_case_page,
    ),
    Echo(
        "document-description-and-counterpart",
        "registrator",
        DOC_NEW,
        document_form(description=XSS, counterpart=XSS),
        lambda w: [f"/arenden/{w.case.pk}/"],
    ),
    Echo(
        "link-note",
        "registrator",
        LINK,
        lambda w: {"number": "2022VFN360", "note": XSS},
        lambda w: [f"/arenden/{w.case.pk}/historik/"],
    ),
    Echo(
        "meeting-place",
        "sekreterare",
        lambda w: "/sammantraden/planera/",
        lambda w: {"organ": w.meeting.organ_id, "held_on": "2026-12-07", "place": XSS},
        lambda w: [f"/sammantraden/{Meeting.objects.order_by('-pk').first().pk}/"],
    ),
    Echo(
        "paragraph-title",
        "sekreterare",
        lambda w: f"/sammantraden/{w.meeting.pk}/paragrafer/ny/",
        lambda w: {
            "number": meetings.next_decision_number(organ=w.meeting.organ, year=2026),
            "title": XSS,
            "kind": "decision",
            "case_number": w.case.number,
        },
        lambda w: [f"/sammantraden/{w.meeting.pk}/", "/arenden/sok/?q=alert"],
    ),
    Echo(
        "paragraph-texts",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/texter/",
        lambda w: {
            "title": XSS,
            "description": XSS,
            "preparation": XSS,
            "procedure": XSS,
            "decision_text": XSS,
            "basis": XSS,
            "sent_to": XSS,
        },
        lambda w: [f"/sammantraden/paragraf/{w.decision.pk}/", f"/beslut/{w.decision.pk}/"],
    ),
    Echo(
        "reservation-motivation",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/reservation/",
        lambda w: {"person": w.participants[3].pk, "motivation": XSS},
        lambda w: [f"/sammantraden/paragraf/{w.decision.pk}/"],
    ),
    Echo(
        "motion-text",
        "sekreterare",
        lambda w: f"/sammantraden/paragraf/{w.decision.pk}/yrkande/",
        lambda w: {"mover": w.participants[0].pk, "text": XSS},
        lambda w: [f"/sammantraden/paragraf/{w.decision.pk}/"],
    ),
    Echo(
        "search-query",
        "registrator",
        lambda w: "",
        lambda w: {},
        lambda w: ["/arenden/sok/?q=" + XSS],
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in ECHOES])
def test_html_typed_into_a_field_is_shown_escaped(case: Echo, world, media_root):
    client = client_for(world, case.role)
    url = case.post_url(world)
    if url:
        response = client.post(url, case.data(world))
        assert response.status_code == 302, page_text(response)[:3000]
    viewer = client if case.viewer == "same" else client_for(world, case.viewer)
    for page in case.shown_on(world):
        _assert_escaped(viewer.get(page), page)


def test_html_in_a_paragraph_is_text_in_its_protokollsutdrag(world):
    """The extract PDF shows the typed characters as text, not as markup (WeasyPrint renders
    HTML: unescaped, the <script> would vanish and the <img> would be fetched)."""
    from pypdf import PdfReader

    meeting = meetings.plan_meeting(organ=world.meeting.organ, held_on=dt.date(2026, 11, 2))
    meetings.set_attendance(
        meeting=meeting, attendees=[meetings.Attendee(person=p) for p in world.participants]
    )
    decision = meetings.add_decision(
        meeting=meeting,
        title="Rubrik " + XSS,
        case=world.case,
        decision_text="Beslut " + XSS,
    )
    meetings.approve_minutes(
        meeting=meeting, approved_on=dt.date(2026, 11, 4), approvers=world.participants[:2]
    )
    client = client_for(world, "sekreterare")
    response = client.get(f"/beslut/{decision.pk}/utdrag.pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert '<script>alert("xss")</script>' in flat.replace("“", '"').replace("”", '"'), flat
    assert "onerror=alert(1)" in flat


def test_the_table_is_big_enough():
    """Issue 6 asks for at least 50 malformed inputs."""
    total = len(POSTS) + len(IMPORTS) + 1 + len(API) + len(SERVICES) + len(LINKS)
    assert total >= 50, total
