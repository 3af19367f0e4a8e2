"""Flow (issue 13): the secretary sends a finished protocol to justering, the ordförande and two
justerare approve it under their own logins with a one-time code (TOTP), the protocol becomes
justerat, is sealed and posted, and the anslagstavla links the sealed original — the file the
public downloads is byte for byte the stored original, and pyHanko's validator finds the seal
intact. Rules 37 (justering), 38 (the frozen original), 39 (anslag)."""

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions import rules as date_rules
from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import Meeting, ProtocolOriginal
from decisions.publishing import seal
from insjoriket.history import save_recorded
from members.models import Organ, Person
from tests.browser.conftest import PASSWORD, check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

SIGNERS = {
    # username: (Person's name, TOTP key)
    "ordf-flode": ("Olle Ordförande", "3132333435363738393031323334353637383930"),
    "just1-flode": ("Jenny Justerare", "0102030405060708090a0b0c0d0e0f1011121314"),
    "just2-flode": ("Jonas Justerare", "a1a2a3a4a5a6a7a8a9aab1b2b3b4b5b6b7b8b9ba"),
}


def _code(key: str) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


@pytest.fixture
def meeting_to_justera(insjoriket):
    """A held meeting of Härryda's kommunstyrelse with three signers who each have a login and
    a TOTP device, and one finished §."""
    people = {}
    for username, (name, key) in SIGNERS.items():
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True)
        people[username] = Person.objects.create(key=f"flode-{username}", name=name, user=user)
    organ = Organ.objects.get(organisation__short_name="Härryda", code="KS")
    meeting = services.plan_meeting(
        organ=organ, held_on=date_rules.today() - dt.timedelta(days=2), place="Kommunhuset"
    )
    services.set_attendance(
        meeting=meeting, attendees=[Attendee(person=p) for p in people.values()]
    )
    meeting.chair = people["ordf-flode"]
    save_recorded(meeting, reason="test: ordförande")
    services.add_decision(
        meeting=meeting, title="Riktlinjer för bidrag", decision_text="Riktlinjerna antas."
    )
    return meeting


def test_two_justerare_and_the_chair_approve_with_codes_and_the_board_links_the_seal(
    live_server, meeting_to_justera, page, shot
):
    meeting = meeting_to_justera
    base = live_server.url

    # The secretary sends the protocol to justering.
    login(page, live_server, "sekreterare")
    page.goto(f"{base}/sammantraden/{meeting.pk}/")
    form = page.locator("#send-to-justering")
    form.get_by_label("Jenny Justerare").check()
    form.get_by_label("Jonas Justerare").check()
    form.get_by_label("Plats för justeringen").fill("Kommunhuset")
    form.get_by_label(re.compile("Protokollet är klart")).check()
    shot(page, "skicka-pa-justering")
    form.get_by_role("button", name="Skicka på justering").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "väntar" in main and "Dra tillbaka från justering" in main
    shot(page, "pa-justering")
    check_axe(page, "sekreterare")
    page.get_by_role("button", name=re.compile(r"^Logga ut")).click()

    # Each signer approves under their own login with a one-time code.
    for username in ("just1-flode", "ordf-flode", "just2-flode"):
        login(page, live_server, username)
        page.goto(f"{base}/sammantraden/att-justera/")
        check_axe(page, "justerare")
        page.get_by_role("link", name=re.compile("Kommunstyrelsen")).first.click()
        page.wait_for_url(f"**/sammantraden/{meeting.pk}/justering/")
        assert "Riktlinjer för bidrag" in page.inner_text("main")
        check_axe(page, "justerare")
        page.get_by_label("Engångskod").fill(_code(SIGNERS[username][1]))
        page.get_by_role("button", name="Godkänn").click()
        page.wait_for_load_state()
        shot(page, f"godkant-{username}")
        page.get_by_role("button", name=re.compile(r"^Logga ut")).click()

    meeting.refresh_from_db()
    assert meeting.approved_on == date_rules.today()
    stored = {o.version: o for o in ProtocolOriginal.objects.filter(meeting=meeting)}
    assert set(stored) == {"full", "public"}  # sealed as soon as the justering committed

    # The secretary posts it on the anslagstavla.
    login(page, live_server, "sekreterare")
    page.goto(f"{base}/sammantraden/{meeting.pk}/")
    page.get_by_label("Anslaget uppsatt").fill(date_rules.today().isoformat())
    page.get_by_role("button", name="Anslå", exact=True).click()
    page.wait_for_load_state()
    assert Meeting.objects.get(pk=meeting.pk).posted_on == date_rules.today()
    page.get_by_role("button", name=re.compile(r"^Logga ut")).click()

    # The public: the anslagstavla links the sealed original.
    page.goto(f"{base}/anslagstavla/")
    shot(page, "anslagstavlan")
    link = page.get_by_role("link", name=re.compile(r"Protokoll Kommunstyrelsen .*\(PDF\)")).first
    href = link.get_attribute("href")
    response = page.request.get(base + href)
    assert response.status == 200
    content = response.body()
    assert hashlib.sha256(content).hexdigest() == stored["public"].sha256
    status = seal.validate(content)
    assert status.intact and status.valid and status.trusted
