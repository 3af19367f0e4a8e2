"""Digital justering (issue 13 item 1; rule 37): the secretary sends the protocol to
justering, the ordförande and the justerare approve it with a second factor (TOTP), or on
paper as the secretary records, and the last approval makes it justerat through
``approve_minutes``. Rule 37: a comment is not an approval, and a withdrawal voids every
approval."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from decisions import rules as date_rules
from decisions.meetings import justering, services
from decisions.meetings.services import Attendee
from decisions.meetings.signing import TotpMethod
from decisions.models import Approval, JusteringRound, Meeting, ProtocolOriginal
from decisions.publishing import seal
from insjoriket.history import save_recorded
from tests.factories import make_organ, make_person

pytestmark = pytest.mark.django_db

KEYS = {
    "ordf": "3132333435363738393031323334353637383930",
    "just1": "0102030405060708090a0b0c0d0e0f1011121314",
    "just2": "a1a2a3a4a5a6a7a8a9aab1b2b3b4b5b6b7b8b9ba",
    "other": "ffeeddccbbaa99887766554433221100ffeeddcc",
}


def code_for(name: str) -> str:
    return f"{TOTP(bytes.fromhex(KEYS[name])).token():06d}"


def signer(name: str, person_name: str):
    user = get_user_model().objects.create_user(username=name, password="hemligt-lösenord-1")
    TOTPDevice.objects.create(user=user, name="app", key=KEYS[name], confirmed=True)
    return make_person(name=person_name, user=user), user


@pytest.fixture
def people():
    return {
        "ordf": signer("ordf", "Olle Ordförande"),
        "just1": signer("just1", "Jenny Justerare"),
        "just2": signer("just2", "Jonas Justerare"),
        "other": signer("other", "Annan Ledamot"),
    }


@pytest.fixture
def meeting(people):
    held_on = date_rules.today() - dt.timedelta(days=3)
    meeting = services.plan_meeting(
        organ=make_organ(name="Socialnämnden", code="SN"), held_on=held_on, place="Rådhuset"
    )
    services.set_attendance(
        meeting=meeting, attendees=[Attendee(person=p) for p, _user in people.values()]
    )
    meeting.chair = people["ordf"][0]
    save_recorded(meeting, reason="test: ordförande")
    services.add_decision(meeting=meeting, title="Riktlinjer", decision_text="Riktlinjerna antas.")
    return meeting


@pytest.fixture
def sent(meeting, people):
    return justering.send_to_justering(
        meeting=meeting,
        approvers=[people["just1"][0], people["just2"][0]],
        place="Kommunhuset",
    )


def approve(justering_round, people, name, *, code=None):
    person, user = people[name]
    verified = TotpMethod().verify(user, {"code": code or code_for(name)})
    return justering.approve(round=justering_round, person=person, user=user, otp_verified=verified)


# --- services ---------------------------------------------------------------------------------


def test_sending_creates_a_round_with_the_chair_and_each_justerare_waiting(sent, people):
    approvals = list(sent.approvals.all())

    assert sent.is_open
    assert [(a.person, a.role) for a in approvals] == [
        (people["ordf"][0], Approval.Role.CHAIR),
        (people["just1"][0], Approval.Role.APPROVER),
        (people["just2"][0], Approval.Role.APPROVER),
    ]
    assert not any(a.is_approved for a in approvals)


def test_rule_37_justerat_when_the_chair_and_every_justerare_have_approved(sent, people, meeting):
    first = approve(sent, people, "just1")
    second = approve(sent, people, "ordf")
    meeting.refresh_from_db()
    assert not first.completed and not second.completed
    assert not meeting.is_approved

    last = approve(sent, people, "just2")

    meeting.refresh_from_db()
    sent.refresh_from_db()
    assert last.completed
    assert meeting.approved_on == date_rules.today()
    assert meeting.approval_place == "Kommunhuset"
    assert set(meeting.approvers.all()) == {people["just1"][0], people["just2"][0]}
    assert sent.status == JusteringRound.Status.COMPLETED
    assert meeting.history.first().history_change_reason == "Protokollet justerat"


def test_rule_37_a_wrong_code_is_refused(sent, people):
    with pytest.raises(ValidationError, match="engångskod"):
        approve(sent, people, "just1", code="000000" if code_for("just1") != "000000" else "1")

    assert not sent.approvals.get(person=people["just1"][0]).is_approved


def test_rule_37_another_user_cannot_approve_for_a_signer(sent, people):
    person, _user = people["just1"]
    _other_person, other_user = people["other"]

    with pytest.raises(ValidationError, match="ditt eget namn"):
        justering.approve(round=sent, person=person, user=other_user, otp_verified=True)


def test_rule_37_someone_who_is_not_a_signer_cannot_approve(sent, people):
    person, user = people["other"]

    with pytest.raises(ValidationError, match="ska inte justera"):
        justering.approve(round=sent, person=person, user=user, otp_verified=True)


def test_rule_37_a_comment_does_not_justera(sent, people, meeting):
    approve(sent, people, "ordf")
    approve(sent, people, "just1")
    person, user = people["just2"]

    justering.comment(round=sent, person=person, text="§ 1: fel datum i texten.", user=user)

    meeting.refresh_from_db()
    approval = sent.approvals.get(person=person)
    assert approval.comment == "§ 1: fel datum i texten." and not approval.is_approved
    assert not meeting.is_approved
    assert JusteringRound.objects.get(pk=sent.pk).is_open


def test_rule_37_the_paragraphs_cannot_be_changed_while_on_justering(sent, meeting):
    decision = meeting.decisions.get()

    with pytest.raises(ValidationError, match="skickat på justering"):
        services.update_decision_texts(decision=decision, decision_text="Ändrat.")
    with pytest.raises(ValidationError, match="skickat på justering"):
        services.add_decision(meeting=meeting, title="Ny", decision_text="Ny.")
    with pytest.raises(ValidationError, match="skickat på justering"):
        services.set_attendance(meeting=meeting, attendees=[])


def test_rule_37_withdrawal_voids_the_approvals_and_the_protocol_can_be_changed(
    sent, people, meeting
):
    approve(sent, people, "ordf")
    approve(sent, people, "just1")

    justering.withdraw(round=sent, user=None, reason="Fel i § 1.")
    decision = services.update_decision_texts(
        decision=meeting.decisions.get(), decision_text="Riktlinjerna antas med ändringen."
    )
    again = justering.send_to_justering(
        meeting=meeting, approvers=[people["just1"][0]], place="Kommunhuset"
    )

    sent.refresh_from_db()
    assert sent.status == JusteringRound.Status.WITHDRAWN
    assert sent.withdrawal_reason == "Fel i § 1."
    assert decision.decision_text == "Riktlinjerna antas med ändringen."
    assert not any(a.is_approved for a in again.approvals.all())
    with pytest.raises(ValidationError, match="inte \\(längre\\) skickat"):
        approve(sent, people, "just2")


def test_rule_37_a_withdrawal_needs_a_reason(sent):
    with pytest.raises(ValidationError, match="skälet"):
        justering.withdraw(round=sent, user=None, reason="  ")


def test_rule_37_sending_is_refused_twice_when_justerat_and_for_a_justerare_not_serving(
    sent, meeting, people
):
    with pytest.raises(ValidationError, match="redan skickat"):
        justering.send_to_justering(meeting=meeting, approvers=[people["just1"][0]])
    stranger = make_person(name="Inte Närvarande")
    justering.withdraw(round=sent, user=None, reason="Byter justerare.")
    with pytest.raises(ValidationError, match="inte \\(längre\\) antecknad som tjänstgörande"):
        justering.send_to_justering(meeting=meeting, approvers=[stranger])


def test_rule_37_sending_an_incomplete_protocol_is_refused_with_the_justering_check(
    meeting, people
):
    services.add_decision(meeting=meeting, title="Utan text")

    with pytest.raises(ValidationError, match="kan inte justeras: .*saknar beslutstext"):
        justering.send_to_justering(meeting=meeting, approvers=[people["just1"][0]])


def test_rule_37_the_direct_justering_is_refused_while_on_justering(sent, meeting, people):
    with pytest.raises(ValidationError, match="skickat på justering"):
        services.approve_minutes(
            meeting=meeting, approved_on=date_rules.today(), approvers=[people["just1"][0]]
        )


def test_rule_37_paper_justering_is_dated_by_the_last_signature(sent, meeting, people):
    held_on = meeting.held_on
    justering.record_paper_signature(
        round=sent, person=people["ordf"][0], signed_on=held_on + dt.timedelta(days=2), user=None
    )
    approve(sent, people, "just1")
    last = justering.record_paper_signature(
        round=sent, person=people["just2"][0], signed_on=held_on + dt.timedelta(days=1), user=None
    )

    meeting.refresh_from_db()
    assert last.completed
    assert meeting.approved_on == date_rules.today()  # the digital approval was today
    assert sent.approvals.get(person=people["ordf"][0]).method == Approval.Method.PAPER


def test_rule_37_paper_justering_alone_is_dated_by_the_latest_signed_on(sent, meeting, people):
    day = meeting.held_on + dt.timedelta(days=1)
    for i, name in enumerate(("ordf", "just1", "just2")):
        justering.record_paper_signature(
            round=sent, person=people[name][0], signed_on=day + dt.timedelta(days=i), user=None
        )

    meeting.refresh_from_db()
    assert meeting.approved_on == day + dt.timedelta(days=2)


def test_rule_37_a_paper_date_before_the_meeting_is_refused(sent, meeting, people):
    with pytest.raises(ValidationError, match="före sammanträdesdatumet"):
        justering.record_paper_signature(
            round=sent,
            person=people["ordf"][0],
            signed_on=meeting.held_on - dt.timedelta(days=1),
            user=None,
        )


def test_rule_37_a_refusal_by_approve_minutes_undoes_the_last_approval(sent, meeting, people):
    approve(sent, people, "ordf")
    approve(sent, people, "just1")
    # Närvaro cannot change while on justering; the owner's fix-up simulates a stale state.
    Meeting.objects.get(pk=meeting.pk).attendances.filter(person=people["just2"][0]).delete()

    with pytest.raises(ValidationError, match="tjänstgörande"):
        approve(sent, people, "just2")

    assert not sent.approvals.get(person=people["just2"][0]).is_approved
    assert JusteringRound.objects.get(pk=sent.pk).is_open


# --- demo users ------------------------------------------------------------------------------


def test_the_demo_signers_are_the_chair_and_a_justerare_of_a_meeting_not_yet_justerat(db):
    import io

    from django.core.management import call_command

    chair, member = make_person(name="Siv Stol"), make_person(name="Bo Bänk")
    meeting = services.plan_meeting(
        organ=make_organ(name="Kultur", code="KN"), held_on=date_rules.today()
    )
    services.set_attendance(
        meeting=meeting, attendees=[Attendee(person=chair), Attendee(person=member)]
    )
    meeting.chair = chair
    save_recorded(meeting, reason="test: ordförande")
    out = io.StringIO()

    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=out)

    chair.refresh_from_db()
    member.refresh_from_db()
    assert chair.user.username == "ordforande"
    assert member.user.username == "justerare"
    device = TOTPDevice.objects.get(user=member.user)
    assert device.verify_token(code_for("just1"))  # the demo secret, printed
    assert "ENDAST DEMO" in out.getvalue() and "otpauth://" in out.getvalue()


def test_without_a_meeting_the_demo_signers_get_demo_persons(db):
    import io

    from django.core.management import call_command

    call_command("create_demo_users", stdout=io.StringIO())

    assert get_user_model().objects.get(username="ordforande").person.key == "demo-ordforande"
    assert TOTPDevice.objects.filter(user__username="justerare", confirmed=True).exists()


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def secretary(client, make_user):
    client.force_login(make_user("sekreterare"))
    return client


def signer_client(people, name):
    from django.test import Client

    client = Client()
    client.force_login(people[name][1])
    return client


def send_url(meeting):
    from django.urls import reverse

    return reverse("secretary:meeting-send-to-justering", args=[meeting.pk])


def test_rule_37_the_secretary_sends_the_protocol_to_justering_with_a_confirmation(
    secretary, meeting, people
):
    from django.urls import reverse

    approvers = [people["just1"][0].pk, people["just2"][0].pk]
    refused = secretary.post(send_url(meeting), {"approvers": approvers, "place": "Kommunhuset"})
    sent = secretary.post(
        send_url(meeting), {"approvers": approvers, "place": "Kommunhuset", "confirm": "on"}
    )
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk])).content.decode()

    assert refused.status_code == 400
    assert "Bekräfta att protokollet är klart" in refused.content.decode()
    assert 'value="Kommunhuset"' in refused.content.decode()  # kept what was typed
    assert sent.status_code == 302
    assert JusteringRound.objects.open().get(meeting=meeting).place == "Kommunhuset"
    assert page.count("väntar") == 3
    assert "Dra tillbaka från justering" in page and "Registrera pappersjustering" in page
    assert "Lägg till paragraf" not in page


def test_rule_37_the_signers_approve_with_a_code_and_the_protocol_becomes_justerat(
    secretary, meeting, people, settings
):
    from django.urls import reverse

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secretary.post(
        send_url(meeting),
        {"approvers": [people["just1"][0].pk, people["just2"][0].pk], "confirm": "on"},
    )
    just1 = signer_client(people, "just1")
    listing = just1.get(reverse("secretary:justering-list")).content.decode()
    page = just1.get(reverse("secretary:justering-detail", args=[meeting.pk]))
    approve_url = reverse("secretary:justering-approve", args=[meeting.pk])
    wrong = "000000" if code_for("just1") != "000000" else "111111"

    bad = just1.post(approve_url, {"code": wrong})
    malformed = just1.post(approve_url, {"code": "12ab"})
    responses = [
        signer_client(people, name).post(approve_url, {"code": code_for(name)})
        for name in ("just1", "ordf", "just2")
    ]

    assert "Socialnämnden" in listing and "väntar på dig" in listing
    assert page.status_code == 200
    assert reverse("decisions:protocol-pdf", args=[meeting.pk]) in page.content.decode()
    assert "Riktlinjerna antas." in page.content.decode()
    assert bad.status_code == 400 and justering.SECOND_FACTOR_REQUIRED in bad.content.decode()
    assert f'value="{wrong}"' in bad.content.decode()
    assert malformed.status_code == 400 and "sex siffror" in malformed.content.decode()
    assert [r.status_code for r in responses] == [302, 302, 302]
    meeting.refresh_from_db()
    assert meeting.approved_on == date_rules.today()
    assert set(meeting.approvers.all()) == {people["just1"][0], people["just2"][0]}


def test_rule_37_another_user_cannot_open_or_approve_a_signers_round(secretary, meeting, people):
    from django.urls import reverse

    secretary.post(send_url(meeting), {"approvers": [people["just1"][0].pk], "confirm": "on"})
    other = signer_client(people, "other")

    page = other.get(reverse("secretary:justering-detail", args=[meeting.pk]))
    post = other.post(
        reverse("secretary:justering-approve", args=[meeting.pk]), {"code": code_for("other")}
    )

    assert page.status_code == 403 and post.status_code == 403
    assert not Approval.objects.filter(signed_on__isnull=False).exists()


def test_rule_37_a_comment_on_the_page_shows_as_kommenterat_and_does_not_justera(
    secretary, meeting, people
):
    from django.urls import reverse

    secretary.post(send_url(meeting), {"approvers": [people["just1"][0].pk], "confirm": "on"})
    just1 = signer_client(people, "just1")

    empty = just1.post(reverse("secretary:justering-comment", args=[meeting.pk]), {"comment": ""})
    done = just1.post(
        reverse("secretary:justering-comment", args=[meeting.pk]), {"comment": "Stavfel i § 1."}
    )
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk])).content.decode()

    assert empty.status_code == 400 and "Skriv en kommentar." in empty.content.decode()
    assert done.status_code == 302
    assert "kommenterat" in page and "Stavfel i § 1." in page
    meeting.refresh_from_db()
    assert not meeting.is_approved


def test_rule_37_editing_is_refused_while_open_and_allowed_after_withdrawal(
    secretary, meeting, people
):
    from django.urls import reverse

    secretary.post(send_url(meeting), {"approvers": [people["just1"][0].pk], "confirm": "on"})
    decision = meeting.decisions.get()
    texts_url = reverse("secretary:decision-texts", args=[decision.pk])
    texts = {"title": "Riktlinjer", "decision_text": "Ändrat."}
    withdraw_url = reverse("secretary:meeting-withdraw-justering", args=[meeting.pk])

    page_while_open = secretary.get(reverse("secretary:decision-detail", args=[decision.pk]))
    while_open = secretary.post(texts_url, texts)
    no_reason = secretary.post(withdraw_url, {"reason": " "})
    withdrawn = secretary.post(withdraw_url, {"reason": "Texten i § 1 ändras."})
    after = secretary.post(texts_url, texts)

    assert services.PROTOCOL_ON_JUSTERING in page_while_open.content.decode()
    assert "Spara paragrafen" not in page_while_open.content.decode()
    assert while_open.status_code == 400
    assert services.PROTOCOL_ON_JUSTERING in while_open.content.decode()
    assert no_reason.status_code == 400 and "Ange skälet" in no_reason.content.decode()
    assert withdrawn.status_code == 302 and after.status_code == 302
    decision.refresh_from_db()
    assert decision.decision_text == "Ändrat."
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Skicka på justering" in page and "Lägg till paragraf" in page


def test_rule_37_paper_justering_on_the_page_dates_the_protocol_by_the_last_signature(
    secretary, meeting, people
):
    from django.urls import reverse

    secretary.post(send_url(meeting), {"approvers": [people["just1"][0].pk], "confirm": "on"})
    round_ = JusteringRound.objects.open().get(meeting=meeting)
    chair, just1 = (round_.approvals.get(person=people[n][0]) for n in ("ordf", "just1"))
    url = reverse("secretary:meeting-paper-justering", args=[meeting.pk])
    day1, day2 = meeting.held_on + dt.timedelta(days=1), meeting.held_on + dt.timedelta(days=2)

    nothing = secretary.post(url, {})
    early = secretary.post(url, {f"signed_on_{chair.pk}": "2000-01-01"})
    first = secretary.post(url, {f"signed_on_{chair.pk}": day2.isoformat()})
    last = secretary.post(url, {f"signed_on_{just1.pk}": day1.isoformat()})

    assert nothing.status_code == 400 and "minst en" in nothing.content.decode()
    assert early.status_code == 400 and "före sammanträdesdatumet" in early.content.decode()
    assert 'value="2000-01-01"' in early.content.decode()
    assert first.status_code == 302 and last.status_code == 302
    meeting.refresh_from_db()
    assert meeting.approved_on == day2


def test_rule_37_the_round_page_warns_after_the_justering_deadline(secretary, people):
    from django.urls import reverse

    held_on = date_rules.today() - dt.timedelta(days=20)
    meeting = services.plan_meeting(organ=make_organ(name="Tekniska", code="TN"), held_on=held_on)
    services.set_attendance(
        meeting=meeting, attendees=[Attendee(person=p) for p, _user in people.values()]
    )
    meeting.chair = people["ordf"][0]
    save_recorded(meeting, reason="test: ordförande")
    services.add_decision(meeting=meeting, title="Taxa", decision_text="Taxan antas.")
    secretary.post(send_url(meeting), {"approvers": [people["just1"][0].pk], "confirm": "on"})

    page = signer_client(people, "just1").get(
        reverse("secretary:justering-detail", args=[meeting.pk])
    )

    deadline = date_rules.justering_deadline(held_on=held_on).isoformat()
    assert f"Sista dag för justering var {deadline}" in page.content.decode()


def test_my_protocols_to_justera_is_one_set_of_queries_for_one_round_and_for_several(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def new_round(n):
        meeting = services.plan_meeting(
            organ=make_organ(name=f"Nämnd {n}", code=f"N{n}"), held_on=date_rules.today()
        )
        services.set_attendance(
            meeting=meeting, attendees=[Attendee(person=p) for p, _user in people.values()]
        )
        meeting.chair = people["ordf"][0]
        save_recorded(meeting, reason="test: ordförande")
        services.add_decision(meeting=meeting, title="Taxa", decision_text="Taxan antas.")
        justering.send_to_justering(meeting=meeting, approvers=[people["just1"][0]])

    client = signer_client(people, "just1")
    url = reverse("secretary:justering-list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    new_round(1)
    one = count()
    for n in range(2, 6):
        new_round(n)
    several = count()

    assert one == several


def test_rule_38_the_sealed_original_lists_each_approval_who_when_and_how(
    sent, people, meeting, django_capture_on_commit_callbacks
):
    """The signature page of the frozen original (issue 13 item 2): the ordförande first, then
    each justerare, each with the day and the way they approved; the seal holds."""
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("just1", "ordf", "just2"):
            approve(sent, people, name)

    original = ProtocolOriginal.objects.get(meeting=meeting, version="full")
    content = bytes(original.pdf)
    assert seal.validate(content).intact
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )
    page = text[text.rindex("Justering Namn") :]
    today = date_rules.today().isoformat()
    assert page.index("Olle Ordförande Ordförande") < page.index("Jenny Justerare Justerare")
    assert f"Jonas Justerare Justerare {today} digitalt, med engångskod" in page
