"""axe-core on the main pages for every role (WCAG 2.0 A/AA and 2.1 A/AA, lag 2018:1937):
the flows check the pages they pass through; this sweep adds the lists and detail pages they
do not, as each role sees them (secret masking, edit forms and buttons differ per role)."""

import pytest

from cases.models import Case
from decisions.models import Decision, Meeting
from members.models import Organisation
from tests.browser.conftest import ROLE_USERS, check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)


def pages() -> list[str]:
    case = Case.objects.get(number="2022VFN360")
    decision = Decision.objects.get(organ__code="KF", number=128, year=2020)
    meeting = Meeting.objects.get(decisions=decision)
    harryda = Organisation.objects.get(short_name="Härryda")
    federation = Organisation.objects.get(short_name="Insjöriket")
    return [
        "/",
        "/tillganglighet/",
        "/arenden/",
        f"/arenden/{case.pk}/",
        f"/arenden/{case.pk}/historik/",
        "/arenden/sok/?q=utträde",
        "/anslagstavla/",
        "/anslagstavla/arkiv/",
        f"/beslut/{decision.pk}/",
        "/beslut/citat/",
        "/forbund/",
        f"/forbund/{federation.pk}/",
        "/medlemmar/",
        f"/medlemmar/{harryda.pk}/",
        "/sammantraden/",
        f"/sammantraden/{meeting.pk}/",
        f"/sammantraden/paragraf/{decision.pk}/",
    ]


@pytest.mark.parametrize(
    "role",
    [None, "registrator", "sekreterare", "förtroendevald", "administratör"],
    ids=["anonym", "registrator", "sekreterare", "fortroendevald", "administrator"],
)
def test_every_main_page_has_no_axe_violations(live_server, insjoriket, page, role):
    if role:
        login(page, live_server, ROLE_USERS[role])
    else:
        page.goto(f"{live_server.url}/logga-in/")
        check_axe(page, "anonym")
    checked = 0
    for path in pages():
        response = page.goto(f"{live_server.url}{path}")
        if response.status >= 400 or "/logga-in/" in page.url and path != "/logga-in/":
            continue  # a page this role may not open: nothing to check
        check_axe(page, role or "anonym")
        checked += 1
    assert checked >= 8, checked
