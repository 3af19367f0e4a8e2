"""HTML and JavaScript typed into every text field a user can type are shown escaped on the
pages, and are text in a protokollsutdrag (tests/bad_input.py)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cases.models import Case
from decisions.meetings import services as meetings
from decisions.models import Meeting
from tests.bad_input import (
    CASE_NEW,
    DOC_NEW,
    LINK,
    XSS,
    World,
    case_form,
    client_for,
    document_form,
    page_text,
)

pytestmark = pytest.mark.django_db


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
