"""Data the browser flows need beyond the Insjöriket file, built through the services (the
same writes the pages make), so the rows carry history like real ones."""

import datetime as dt

from cases.models import Case, Document, Register
from cases.services import add_document, register_case
from decisions.meetings import services as meetings
from decisions.models import Decision, Meeting
from members.models import Organ, Person
from tests.factories import SECRET

SECRET_TITLE = "Ansökan om skyddat boende för Karin Hemligsdotter"
SECRET_DOCUMENT = "Läkarintyg för Karin Hemligsdotter"
SECRET_PUBLIC_TITLE = "Ansökan om bistånd"


def secret_case(user=None) -> tuple[Case, Document]:
    """A secret ärende (OSL 26 kap. 1 §) in Alingsås socialnämnd's diarium, with a secret
    handling that has a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    register = Register.objects.get(organisation__short_name="Alingsås", code="SN")
    secrecy = {**SECRET, "secrecy_marked_on": dt.date(2026, 11, 2)}
    case = register_case(
        register=register,
        title=SECRET_TITLE,
        officer="Sara Socialsekreterare",
        public_title=SECRET_PUBLIC_TITLE,
        user=user,
        **secrecy,
    )
    document = add_document(
        case=case,
        date=dt.date(2026, 11, 2),
        direction="incoming",
        counterpart="Vårdcentralen Hemligsdotter",
        description=SECRET_DOCUMENT,
        file=SimpleUploadedFile("intyg.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        user=user,
        **secrecy,
    )
    return case, document


def organ(org: str, code: str) -> Organ:
    return Organ.objects.get(organisation__short_name=org, code=code)


def posted_meeting(
    *,
    organ_: Organ,
    held_on: dt.date,
    approved_on: dt.date,
    posted_on: dt.date,
    titles: list[str],
    case: Case | None = None,
    members: int = 5,
) -> Meeting:
    """A justerad and anslagen protocol with one § per title, decided by ``members`` people."""
    meeting = meetings.plan_meeting(organ=organ_, held_on=held_on, place="Stadshuset")
    people = list(Person.objects.order_by("key")[:members])
    meetings.set_attendance(
        meeting=meeting, attendees=[meetings.Attendee(person=p) for p in people]
    )
    for title in titles:
        meetings.add_decision(
            meeting=meeting,
            title=title,
            case=case,
            kind=Decision.Kind.DECISION,
            decision_text=f"Beslut: {title.lower()} godkänns.",
        )
    meetings.approve_minutes(meeting=meeting, approved_on=approved_on, approvers=people[:2])
    meetings.post_minutes(meeting=meeting, posted_on=posted_on)
    return Meeting.objects.get(pk=meeting.pk)
