"""The nämndsekreterare's pages through the test client: plan, närvaro, §§, votering,
reservation, justering, anslag, rättelse; bad input, immutability after justering (rule 9),
permissions and query counts."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.meetings import forms as secretary_forms
from decisions.meetings import services
from decisions.meetings.services import Attendee
from decisions.models import Attendance, Ballot, Correction, Decision, Meeting, Reservation, Vote
from decisions.views import meetings as secretary_views
from insjoriket.access import setup_roles
from members.models import Assignment
from tests.factories import make_case, make_organ, make_person, make_register

pytestmark = pytest.mark.django_db

HELD_ON = dt.date(2024, 3, 6)  # a Wednesday


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def organ():
    return make_organ(name="Socialnämnden", code="SN", kind="committee")


@pytest.fixture
def assembly():
    return make_organ(name="Kommunfullmäktige", code="KF", kind="assembly")


@pytest.fixture
def members(organ):
    people = [make_person(name=f"Ledamot {chr(65 + i)}", party="S") for i in range(4)]
    for p in people:
        Assignment.objects.create(person=p, organ=organ, role="member", party=p.party)
    return people


@pytest.fixture
def substitute(organ):
    person = make_person(name="Ersättare E", party="M")
    Assignment.objects.create(person=person, organ=organ, role="substitute", party="M")
    return person


@pytest.fixture
def official():
    return make_person(name="Sekreterare S", party="")


@pytest.fixture
def case(organ):
    register = make_register(organisation=organ.organisation, code="SN")
    return make_case(register=register, number="2024.17 SN", title="Riktlinjer för hemtjänst")


def _user(role: str, username: str):
    setup_roles()
    user = get_user_model().objects.create_user(username=username, password="x-lösenord-123")
    user.first_name, user.last_name = "Sara", "Sekreterare"
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def secretary(client):
    user = _user("sekreterare", "sekreterare")
    client.force_login(user)
    return client


@pytest.fixture
def registrator(client):
    user = _user("registrator", "registrator")
    client.force_login(user)
    return client


@pytest.fixture
def meeting(organ, members, substitute):
    meeting = services.plan_meeting(organ=organ, held_on=HELD_ON, place="Kommunhuset")
    services.set_attendance(
        meeting=meeting,
        attendees=[Attendee(person=p) for p in members]
        + [Attendee(person=substitute, role=Attendance.Role.SERVING_SUBSTITUTE)],
    )
    return meeting


def _decision(meeting, **kw):
    defaults = {
        "title": "Riktlinjer",
        "decision_text": "Riktlinjerna antas.",
        "procedure": "Bifall",
    }
    return services.add_decision(meeting=meeting, **(defaults | kw))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the full flow ----------------------------------------------------------------------------


def test_a_secretary_plans_writes_votes_justerar_and_posts_a_protocol_in_the_browser(
    secretary, organ, members, substitute, official, case
):
    # plan
    response = secretary.post(
        reverse("secretary:meeting-plan"),
        {"organ": organ.pk, "held_on": "2024-03-06", "time": "13:00", "place": "Kommunhuset"},
    )
    meeting = Meeting.objects.get(organ=organ)
    assert response.status_code == 302
    assert response["Location"] == reverse("secretary:meeting-detail", args=[meeting.pk])
    assert (meeting.held_on, meeting.place) == (HELD_ON, "Kommunhuset, kl. 13.00")

    # närvaro: four ledamöter, the ersättare serving, the sekreterare among others present
    page = secretary.get(reverse("secretary:meeting-attendance", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Ledamot A" in page.content.decode() and "Ersättare E" in page.content.decode()
    data = {f"role_{p.pk}": "member" for p in members}
    data |= {f"role_{substitute.pk}": "serving_substitute", f"function_{members[0].pk}": "ordf."}
    data |= {"extra_person_0": official.pk, "extra_role_0": "other", "extra_function_0": "sekr."}
    response = secretary.post(reverse("secretary:meeting-attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    roles = dict(meeting.attendances.values_list("person__name", "role"))
    assert roles == {
        **{p.name: "member" for p in members},
        "Ersättare E": "serving_substitute",
        "Sekreterare S": "other",
    }

    # two §§: the next number is proposed; one tied to the ärende, one an anmälan
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk]))
    assert page.context["add_form"].initial["number"] == 1
    add = reverse("secretary:decision-add", args=[meeting.pk])
    response = secretary.post(
        add, {"number": 1, "title": "Riktlinjer", "kind": "decision", "case_number": "2024.17 sn"}
    )
    first = Decision.objects.get(meeting=meeting, number=1)
    assert response.status_code == 302 and first.case == case
    response = secretary.post(
        add, {"number": 2, "title": "Delegationsbeslut", "kind": "delegation", "case_number": ""}
    )
    second = Decision.objects.get(meeting=meeting, number=2)
    assert response.status_code == 302 and second.case is None
    # rule 15: the serving members are the §'s participants, the official is not
    assert set(first.participants.all()) == {*members, substitute}

    # texts, a yrkande, a votering with one ballot per participant, a reservation
    response = secretary.post(
        reverse("secretary:decision-texts", args=[first.pk]),
        {
            "title": "Riktlinjer för hemtjänst",
            "description": "Nya riktlinjer.",
            "preparation": "Förvaltningen föreslår.",
            "procedure": "Ordföranden ställer förslagen mot varandra och finner bifall.",
            "decision_text": "Riktlinjerna antas.",
            "basis": "Tjänsteskrivelse",
            "sent_to": "Förvaltningen\nRevisionen",
        },
    )
    assert response.status_code == 302
    response = secretary.post(
        reverse("secretary:decision-motion", args=[first.pk]),
        {"mover": members[3].pk, "supporters": [substitute.pk], "text": "Avslag."},
    )
    assert response.status_code == 302
    ballots = {
        f"ballot_{members[0].pk}": "yes",
        f"ballot_{members[1].pk}": "yes",
        f"ballot_{members[2].pk}": "yes",
        f"ballot_{members[3].pk}": "no",
        f"ballot_{substitute.pk}": "abstain",
    }
    vote_url = reverse("secretary:decision-vote", args=[first.pk])
    assert secretary.get(vote_url).status_code == 200
    response = secretary.post(
        vote_url,
        {"question": "Bifall mot avslag", "yes_count": 3, "no_count": 1, "abstain_count": 1}
        | ballots,
    )
    assert response.status_code == 302
    vote = Vote.objects.get(decision=first)
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (3, 1, 1)
    assert dict(vote.ballots.values_list("person__name", "choice")) == {
        "Ledamot A": "yes",
        "Ledamot B": "yes",
        "Ledamot C": "yes",
        "Ledamot D": "no",
        "Ersättare E": "abstain",
    }
    response = secretary.post(
        reverse("secretary:decision-reservation", args=[first.pk]),
        {"person": members[3].pk, "motivation": "Till förmån för eget yrkande."},
    )
    assert response.status_code == 302
    assert Reservation.objects.get(decision=first).person == members[3]

    # justering: a draft PDF is offered before, read-only pages and extract after
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk]))
    assert "Utkast till protokoll, ojusterat (PDF)" in page.content.decode()
    draft = secretary.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    assert "ojusterat-protokoll" in draft["Content-Disposition"]
    response = secretary.post(
        reverse("secretary:meeting-approve", args=[meeting.pk]),
        {"approved_on": "2024-03-08", "place": "Kommunhuset", "approvers": [members[1].pk]},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.approved_on == dt.date(2024, 3, 8)
    assert list(meeting.approvers.all()) == [members[1]]
    page = secretary.get(reverse("secretary:decision-detail", args=[first.pk]))
    body = page.content.decode()
    assert reverse("decisions:extract-pdf", args=[first.pk]) in body
    assert "Paragrafen är justerad och kan inte ändras" in body
    assert "texts_form" not in page.context and "Spara paragrafen" not in body

    # anslag: posted three days after justering gives the rule-2 warning
    response = secretary.post(
        reverse("secretary:meeting-post", args=[meeting.pk]),
        {"posted_on": "2024-03-11", "minutes_kept_at": "Kommunkansliet"},
        follow=True,
    )
    meeting.refresh_from_db()
    assert (meeting.posted_on, meeting.minutes_kept_at) == (dt.date(2024, 3, 11), "Kommunkansliet")
    assert any("senast 2024-03-10" in m for m in _messages(response))

    # the protokollsutdrag of the justerad § (rule 30)
    extract = secretary.get(reverse("decisions:extract-pdf", args=[first.pk]))
    assert extract.status_code == 200
    assert extract["Content-Type"] == "application/pdf"
    assert bytes(extract.content).startswith(b"%PDF")


# --- immutability after justering (rule 9) ----------------------------------------------------


@pytest.fixture
def approved(meeting, members):
    decision = _decision(meeting)
    services.approve_minutes(
        meeting=meeting, approved_on=dt.date(2024, 3, 8), approvers=[members[0]]
    )
    return decision


def test_editing_a_justerad_paragraph_through_the_page_is_refused_with_a_message(
    secretary, approved
):
    response = secretary.post(
        reverse("secretary:decision-texts", args=[approved.pk]),
        {"title": "Ändrad", "decision_text": "Något annat."},
    )
    assert response.status_code == 409
    assert services.DECISION_IS_APPROVED in _messages(response)
    approved.refresh_from_db()
    assert (approved.title, approved.decision_text) == ("Riktlinjer", "Riktlinjerna antas.")


@pytest.mark.parametrize(
    "name", ["decision-motion", "decision-vote", "decision-reservation", "decision-recusal"]
)
def test_every_write_to_a_justerad_paragraph_is_refused_and_nothing_is_saved(
    secretary, approved, members, name
):
    data = {"mover": members[0].pk, "text": "X", "person": members[0].pk, "question": "Q"}
    data |= {f"ballot_{p.pk}": "yes" for p in members}
    response = secretary.post(reverse(f"secretary:{name}", args=[approved.pk]), data)
    assert response.status_code == 409
    assert services.DECISION_IS_APPROVED in _messages(response)
    assert not approved.motions.exists() and not approved.votes.exists()
    assert not approved.reservations.exists() and not approved.recusals.exists()
    assert approved.participations.count() == 5


def test_adding_a_paragraph_or_changing_attendance_after_justering_is_refused(
    secretary, approved, meeting, members
):
    response = secretary.post(
        reverse("secretary:decision-add", args=[meeting.pk]),
        {"number": 2, "title": "Sen paragraf", "kind": "decision", "case_number": ""},
        follow=True,
    )
    assert services.PROTOCOL_IS_APPROVED in _messages(response)
    assert meeting.decisions.count() == 1
    response = secretary.post(
        reverse("secretary:meeting-attendance", args=[meeting.pk]),
        {f"role_{members[0].pk}": "member"},
        follow=True,
    )
    assert services.PROTOCOL_IS_APPROVED in _messages(response)
    assert meeting.attendances.count() == 5


def test_a_refusal_by_the_database_trigger_is_a_message_not_a_server_error(
    secretary, approved, monkeypatch
):
    """Even if the service check were missing, the rule-9 trigger refuses and the page says
    so (the service check is switched off here to reach the database)."""
    monkeypatch.setattr(services, "_refuse_if_approved", lambda decision: None)
    response = secretary.post(
        reverse("secretary:decision-approve-immediately", args=[approved.pk]), follow=True
    )
    assert response.status_code == 200
    assert secretary_views.IMMUTABLE_BY_DATABASE in _messages(response)
    approved.refresh_from_db()
    assert approved.approved_immediately is False


def test_a_correction_of_a_justerad_paragraph_is_recorded_beside_the_text(secretary, approved):
    response = secretary.post(
        reverse("secretary:decision-correction", args=[approved.pk]),
        {
            "made_by": "Sara Sekreterare",
            "made_on": "2024-03-12",
            "what": "Fel datum i beslutet",
            "why": "Skrivfel",
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get(decision=approved)
    assert (correction.made_by, correction.what) == ("Sara Sekreterare", "Fel datum i beslutet")
    approved.refresh_from_db()
    assert approved.decision_text == "Riktlinjerna antas."
    page = secretary.get(reverse("secretary:decision-detail", args=[approved.pk]))
    assert "Fel datum i beslutet" in page.content.decode()


def test_a_correction_of_an_unjusterad_paragraph_is_refused(secretary, meeting):
    decision = _decision(meeting)
    response = secretary.post(
        reverse("secretary:decision-correction", args=[decision.pk]),
        {"made_by": "S", "made_on": "2024-03-12", "what": "X", "why": "Y"},
    )
    assert response.status_code == 400
    assert secretary_views.CORRECTION_ONLY_WHEN_APPROVED in response.content.decode()
    assert not Correction.objects.exists()


def test_omedelbar_justering_makes_one_paragraph_read_only(secretary, meeting):
    first, second = _decision(meeting), _decision(meeting, title="Annat")
    response = secretary.post(
        reverse("secretary:decision-approve-immediately", args=[first.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    page = secretary.get(reverse("secretary:decision-detail", args=[first.pk]))
    assert reverse("decisions:extract-pdf", args=[first.pk]) in page.content.decode()
    response = secretary.post(reverse("secretary:decision-texts", args=[first.pk]), {"title": "X"})
    assert response.status_code == 409
    response = secretary.post(
        reverse("secretary:decision-texts", args=[second.pk]),
        {"title": "Annat ändrat", "decision_text": "Bifall."},
    )
    assert response.status_code == 302


# --- anslag: taking down (rule 5) -------------------------------------------------------------


def test_taking_the_anslag_down_before_the_last_appeal_day_has_passed_is_refused(
    secretary, approved, meeting
):
    services.post_minutes(meeting=meeting, posted_on=dt.date(2024, 3, 8))
    # rule 3: 2024-03-08 + 3 weeks = 2024-03-29 (långfredagen) → next vardag 2024-04-02
    url = reverse("secretary:meeting-remove", args=[meeting.pk])
    response = secretary.post(url, {"removed_on": "2024-04-02"})
    assert response.status_code == 400
    assert "får inte tas ned före den 2024-04-03" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.removed_on is None
    response = secretary.post(url, {"removed_on": "2024-04-03"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.removed_on == dt.date(2024, 4, 3)


def test_posting_before_the_justering_date_is_refused(secretary, approved, meeting):
    response = secretary.post(
        reverse("secretary:meeting-post", args=[meeting.pk]), {"posted_on": "2024-03-07"}
    )
    assert response.status_code == 400
    assert services.POSTING_BEFORE_JUSTERING_DATE in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.posted_on is None


# --- bad input --------------------------------------------------------------------------------


def test_planning_without_organ_or_date_shows_errors_and_saves_nothing(secretary):
    response = secretary.post(
        reverse("secretary:meeting-plan"), {"organ": "", "held_on": "6 mars", "place": "Salen"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"organ", "held_on"}
    assert form["place"].value() == "Salen"
    assert not Meeting.objects.exists()


def test_a_gap_in_the_paragraph_numbers_is_refused_with_the_next_number(secretary, meeting, case):
    _decision(meeting)
    response = secretary.post(
        reverse("secretary:decision-add", args=[meeting.pk]),
        {"number": 5, "title": "Hopp", "kind": "decision", "case_number": case.number},
    )
    assert response.status_code == 400
    assert "nästa nummer är § 2" in str(response.context["add_form"].errors["number"])
    assert response.context["add_form"]["title"].value() == "Hopp"
    assert meeting.decisions.count() == 1


def test_a_duplicate_paragraph_number_in_the_organs_year_is_refused(secretary, meeting, case):
    other = services.plan_meeting(organ=meeting.organ, held_on=dt.date(2024, 2, 1))
    _decision(other)
    response = secretary.post(
        reverse("secretary:decision-add", args=[meeting.pk]),
        {"number": 1, "title": "Dubbel", "kind": "decision", "case_number": case.number},
    )
    assert response.status_code == 400
    assert "§ 1 finns redan" in str(response.context["add_form"].errors["number"])
    assert not meeting.decisions.exists()


def test_an_unknown_diarienummer_is_refused_and_a_decision_needs_one(secretary, meeting):
    url = reverse("secretary:decision-add", args=[meeting.pk])
    response = secretary.post(
        url, {"number": 1, "title": "X", "kind": "decision", "case_number": "1999.1 XX"}
    )
    assert response.status_code == 400
    assert "Det finns inget ärende med diarienummer 1999.1 XX" in response.content.decode()
    response = secretary.post(url, {"number": 1, "title": "X", "kind": "decision"})
    assert response.status_code == 400
    assert str(secretary_forms.CASE_REQUIRED) in str(response.context["add_form"].errors)
    assert not meeting.decisions.exists()


def test_ballots_that_do_not_match_the_result_are_refused(secretary, meeting, members, substitute):
    decision = _decision(meeting)
    data = {"question": "Bifall mot avslag", "yes_count": 4, "no_count": 0, "abstain_count": 0}
    data |= {f"ballot_{p.pk}": "yes" for p in [*members, substitute]}
    response = secretary.post(reverse("secretary:decision-vote", args=[decision.pk]), data)
    assert response.status_code == 400
    assert "Rösterna stämmer inte med resultatet" in response.content.decode()
    assert not Vote.objects.exists() and not Ballot.objects.exists()


def test_a_missing_ballot_or_half_a_result_is_refused(secretary, meeting, members):
    decision = _decision(meeting)
    data = {"question": "Q", "yes_count": 4, "no_count": ""}
    data |= {f"ballot_{p.pk}": "yes" for p in members}  # the ersättare's ballot is missing
    response = secretary.post(reverse("secretary:decision-vote", args=[decision.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ange hur Ersättare E röstade." in body
    assert str(secretary_forms.COUNTS_INCOMPLETE) in body
    assert not Vote.objects.exists()


def test_only_a_participant_can_reserve_and_a_recused_member_no_longer_can(
    secretary, meeting, members, official
):
    decision = _decision(meeting)
    url = reverse("secretary:decision-reservation", args=[decision.pk])
    response = secretary.post(url, {"person": official.pk})
    assert response.status_code == 400
    assert "Bara den som deltog i beslutet kan reservera sig" in response.content.decode()
    response = secretary.post(
        reverse("secretary:decision-recusal", args=[decision.pk]),
        {"person": members[2].pk, "ground": "Släkt med sökanden"},
    )
    assert response.status_code == 302
    assert members[2] not in decision.participants.all()  # rule 14
    response = secretary.post(url, {"person": members[2].pk})
    assert response.status_code == 400
    assert not Reservation.objects.exists()
    vote_page = secretary.get(reverse("secretary:decision-vote", args=[decision.pk]))
    assert f"ballot_{members[2].pk}" not in vote_page.context["form"].fields


def test_minority_referral_is_only_offered_and_accepted_in_fullmaktige(
    secretary, meeting, assembly, members
):
    """Rule 16."""
    decision = _decision(meeting)
    page = secretary.get(reverse("secretary:decision-detail", args=[decision.pk]))
    assert "minority_form" not in page.context
    data = {"supporters": 2, "present": 5, "motivation": "Mer underlag behövs."}
    response = secretary.post(
        reverse("secretary:decision-minority-referral", args=[decision.pk]), data
    )
    assert response.status_code == 400
    assert services.MINORITY_REFERRAL_ONLY_ASSEMBLY in response.content.decode()
    assert not decision.links_out.exists()

    kf_meeting = services.plan_meeting(organ=assembly, held_on=HELD_ON)
    services.set_attendance(meeting=kf_meeting, attendees=[Attendee(person=p) for p in members])
    kf_decision = _decision(kf_meeting)
    response = secretary.post(
        reverse("secretary:decision-minority-referral", args=[kf_decision.pk]), data
    )
    assert response.status_code == 302
    link = kf_decision.links_out.get()
    assert (link.kind, link.note) == ("refers_back", services.MINORITY_REFERRAL_NOTE)
    assert kf_decision.motions.get().text == "Minoritetsåterremiss: Mer underlag behövs."


def test_attendance_with_nobody_present_is_refused(secretary, meeting, members):
    response = secretary.post(reverse("secretary:meeting-attendance", args=[meeting.pk]), {})
    assert response.status_code == 400
    assert str(secretary_forms.NOBODY_ATTENDS) in response.content.decode()
    assert meeting.attendances.count() == 5


def test_justering_without_justerare_or_before_the_meeting_is_refused(secretary, meeting):
    _decision(meeting)
    url = reverse("secretary:meeting-approve", args=[meeting.pk])
    response = secretary.post(url, {"approved_on": "2024-03-08"})
    assert response.status_code == 400
    assert str(secretary_forms.APPROVERS_REQUIRED) in response.content.decode()
    approver = meeting.attendances.first().person
    response = secretary.post(url, {"approved_on": "2024-03-01", "approvers": [approver.pk]})
    assert response.status_code == 400
    assert services.APPROVAL_BEFORE_MEETING in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.approved_on is None and not meeting.approvers.exists()


def test_justering_of_a_paragraph_without_decision_text_is_refused(secretary, meeting):
    """Rule 11: every decided § needs a decision text."""
    _decision(meeting, decision_text="")
    approver = meeting.attendances.first().person
    response = secretary.post(
        reverse("secretary:meeting-approve", args=[meeting.pk]),
        {"approved_on": "2024-03-08", "approvers": [approver.pk]},
    )
    assert response.status_code == 400
    assert "§ 1 saknar beslutstext" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.approved_on is None


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["secretary:meeting-list", "secretary:meeting-plan"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_registrator_without_the_secretary_permissions_gets_403(registrator, meeting):
    assert registrator.get(reverse("secretary:meeting-plan")).status_code == 403
    response = registrator.post(
        reverse("secretary:decision-add", args=[meeting.pk]),
        {"number": 1, "title": "X", "kind": "notification"},
    )
    assert response.status_code == 403
    decision = _decision(meeting)
    response = registrator.post(
        reverse("secretary:decision-texts", args=[decision.pk]), {"title": "Ändrad"}
    )
    assert response.status_code == 403
    assert not meeting.decisions.exclude(pk=decision.pk).exists()
    decision.refresh_from_db()
    assert decision.title == "Riktlinjer"


def test_a_registrator_may_read_the_meeting_page_but_sees_no_forms(registrator, meeting):
    page = registrator.get(reverse("secretary:meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lägg till paragraf" not in body and "Justera protokollet" not in body


# --- query counts -----------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_meeting_page_takes_the_same_number_of_queries_for_1_and_20_paragraphs(
    secretary, meeting, organ, members, case
):
    _decision(meeting, case=case)
    one = _count_queries(secretary, reverse("secretary:meeting-detail", args=[meeting.pk]))
    for _i in range(19):
        d = _decision(meeting, case=case)
        services.add_motion(decision=d, text="Bifall", mover=members[0])
    twenty = _count_queries(secretary, reverse("secretary:meeting-detail", args=[meeting.pk]))
    assert one == twenty
    assert twenty <= 16


def test_the_meeting_list_takes_the_same_number_of_queries_for_1_and_20_meetings(secretary, organ):
    services.plan_meeting(organ=organ, held_on=dt.date(2024, 1, 1))
    one = _count_queries(secretary, reverse("secretary:meeting-list"))
    for day in range(2, 21):
        services.plan_meeting(organ=organ, held_on=dt.date(2024, 1, day))
    twenty = _count_queries(secretary, reverse("secretary:meeting-list"))
    assert one == twenty


def test_the_paragraph_page_takes_the_same_number_of_queries_for_1_and_20_motions_and_votes(
    secretary, meeting, members, substitute
):
    decision = _decision(meeting)
    services.add_motion(decision=decision, text="Bifall", mover=members[0], supporters=members)
    everyone = [*members, substitute]
    services.record_vote(decision=decision, question="V", ballots=[(p, "yes") for p in everyone])
    url = reverse("secretary:decision-detail", args=[decision.pk])
    one = _count_queries(secretary, url)
    for i in range(19):
        services.add_motion(decision=decision, text=f"Y {i}", mover=members[1])
        services.record_vote(
            decision=decision, question=f"V {i}", ballots=[(p, "yes") for p in everyone]
        )
    assert _count_queries(secretary, url) == one


def test_posting_an_unjusterad_protocol_is_refused_with_a_visible_message(secretary, meeting):
    _decision(meeting)
    response = secretary.post(
        reverse("secretary:meeting-post", args=[meeting.pk]), {"posted_on": "2024-03-08"}
    )
    assert response.status_code == 400
    assert services.POSTING_BEFORE_APPROVAL in _messages(response)
    meeting.refresh_from_db()
    assert meeting.posted_on is None


def test_the_meeting_list_filters_by_organ_and_status(secretary, meeting, organ, assembly):
    other = services.plan_meeting(organ=assembly, held_on=dt.date(2024, 3, 7))
    response = secretary.get(reverse("secretary:meeting-list"), {"organ": assembly.pk})
    assert [m.pk for m in response.context["page"].object_list] == [other.pk]
    response = secretary.get(reverse("secretary:meeting-list"), {"status": "ojusterat"})
    assert {m.pk for m in response.context["page"].object_list} == {meeting.pk, other.pk}
    assert {m.shown_status for m in response.context["page"].object_list} == {"ojusterat"}
    response = secretary.get(reverse("secretary:meeting-list"), {"status": "justerat"})
    assert list(response.context["page"].object_list) == []


def test_the_plan_form_names_the_sekreterare_who_then_signs_the_protocol_pdf(secretary, organ):
    """The protocol's "Sekreterare" line was empty for meetings planned through the pages: the
    plan form offers the logged-in user's name and the chosen name reaches the PDF."""
    from io import BytesIO

    from pypdf import PdfReader

    page = secretary.get(reverse("secretary:meeting-plan")).content.decode()
    assert 'name="secretary" value="Sara Sekreterare"' in page
    response = secretary.post(
        reverse("secretary:meeting-plan"),
        {"organ": organ.pk, "held_on": "2024-03-06", "secretary": "  Karin Kanslist "},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(organ=organ)
    assert meeting.secretary == "Karin Kanslist"
    page = secretary.get(reverse("secretary:meeting-detail", args=[meeting.pk]))
    assert "<dt>Sekreterare</dt><dd>Karin Kanslist</dd>" in page.content.decode()
    pdf = secretary.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "Karin Kanslist" in text


def test_a_sekreterare_name_longer_than_the_field_is_refused_and_nothing_is_saved(secretary, organ):
    response = secretary.post(
        reverse("secretary:meeting-plan"),
        {"organ": organ.pk, "held_on": "2024-03-06", "secretary": "K" * 201},
    )
    assert response.status_code == 400
    assert "K" * 201 in response.content.decode()  # kept what was typed
    assert not Meeting.objects.exists()


def test_a_refusal_without_a_field_is_shown_once_in_the_error_summary(secretary, meeting):
    """Non-field errors were listed twice: in the error summary and again by ``as_div`` above
    the fields. The summary (role=alert) keeps them; the fields below show only their own."""
    _decision(meeting, decision_text="")
    approver = meeting.attendances.first().person
    response = secretary.post(
        reverse("secretary:meeting-approve", args=[meeting.pk]),
        {"approved_on": "2024-03-08", "approvers": [approver.pk]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    refusal = services.APPROVAL_INCOMPLETE.format(problems="§ 1 saknar beslutstext")
    assert html.count(refusal) == 1
    summary = html[html.index('<div class="error-summary"') :]
    assert refusal in summary[: summary.index("</div>")]
    assert 'class="errorlist nonfield"' not in html


def test_omedelbar_justering_needs_the_confirmation_checked(secretary, meeting):
    """Rule 7 (KL 5 kap. 69 §): omedelbar justering cannot be undone, so a POST without the
    confirmation is refused (400, the box and why) and the § stays open."""
    decision = _decision(meeting)
    url = reverse("secretary:decision-approve-immediately", args=[decision.pk])

    page = secretary.get(reverse("secretary:decision-detail", args=[decision.pk])).content.decode()
    assert 'type="checkbox" name="confirm"' in page
    assert '<label for="id_confirm"' in page

    for data in ({}, {"confirm": ""}):
        response = secretary.post(url, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Bekräfta att sammanträdet har beslutat att paragrafen ska justeras omedelbart." in (
            body
        )
        assert 'href="#id_confirm"' in body
        decision.refresh_from_db()
        assert decision.approved_immediately is False

    assert secretary.post(url, {"confirm": "on"}).status_code == 302
    decision.refresh_from_db()
    assert decision.approved_immediately is True
