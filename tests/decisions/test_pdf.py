"""Protokollsutdrag and protocol PDFs (rules 9, 29, 30), read back with pypdf — WeasyPrint is
never mocked."""

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Case
from decisions.models import (
    Attendance,
    Ballot,
    Correction,
    DecisionLink,
    ExtractIssue,
    Motion,
    Reservation,
    StoredExtract,
    Vote,
)
from decisions.publishing import pdf
from tests.factories import (
    make_case,
    make_decision,
    make_meeting,
    make_organ,
    make_organisation,
    make_person,
)

pytestmark = pytest.mark.django_db

KSAU_DESCRIPTION = (
    "Samordningsförbundet Insjöriket är en samverkansform för Arbetsförmedlingen, "
    "Försäkringskassan, Västra Götalandsregionen och fem kommuner i Insjöriket (Mölndal, "
    "Partille, Härryda, Lerum och Alingsås). Kommunfullmäktige fattade den 26 maj 2023, § 94 "
    "beslut om att Alingsås kommun skulle begära utträde ur Samordningsförbundet Insjöriket.\n\n"
    "För att kunna fortsätta detta arbete behöver kommunen upphäva beslutet om utträde ur "
    "samordningsförbundet Insjöriket."
)
KSAU_PREPARATION = (
    "Kommunledningskontoret har i skrivelse den 12 januari 2024 lämnat följande yttrande:\n\n"
    "Socialnämnden har den 14 november 2023, § 56 behandlat ärendet och beslutat att föreslå "
    "kommunfullmäktige att upphäva beslutet om utträde ur Samordningsförbundet Insjöriket. "
    "Kommunledningskontoret har inget ytterligare att tillägga."
)
KSAU_DECISION = (
    "Förslag till beslut i kommunfullmäktige\n"
    "Beslutet om utträde ur Samordningsförbundet Insjöriket från den 26 maj 2023, § 94 upphävs."
)
KSAU_BASIS = (
    "Tjänsteskrivelse - Upphävande av beslut gällande utträde ur Samordningsförbundet "
    "Insjöriket\n§56 SN - Förnyelse av medlemskap i Samordningsförbundet Insjörikt"
)
KF_DECISION = (
    "Kommunfullmäktiges beslut i enlighet med kommunstyrelsens och välfärdsnämndens förslag\n\n"
    "Kommunfullmäktige uppdrar åt firmatecknare att avsluta avtalet med samordningsförbundet "
    "Insjöriket."
)
KF_PROCEDURE = (
    "Ordföranden redovisar att han först kommer att ställa proposition på Patrik Lindes "
    "återremissyrkande och avgörande idag. Om kommunfullmäktige beslutar att avgöra ärendet "
    "idag kommer han ställa proposition på kommunstyrelsens förslag.\n\n"
    "Kommunfullmäktige godkänner redovisad propositionsordning."
)
KF_QUESTION = (
    "Den som bifaller att ärendet avgörs idag röstar Ja. Den som bifaller att ärendet "
    "återremitteras enligt Patrik Lindes återremissyrkande röstar Nej."
)
# 35 ja, 12 nej, 3 avstår — names as in the seed's voteringslista (bilaga 16).
KF_BALLOTS = (
    [(f"Ja-ledamot {i}", "M", "yes") for i in range(1, 33)]
    + [("Kerstin Sandberg", "V", "yes"), ("Boris Leimar", "SD", "yes")]
    + [("Inger Axelsson", "KD", "yes")]
    + [
        ("Patrik Linde", "S", "no"),
        ("Björn Magnusson", "S", "no"),
        ("Siw Hallbert", "S", "no"),
        ("Ulla-Karin Johansson", "S", "no"),
        ("Robert Langholz", "S", "no"),
        ("Monica Bengtsson", "S", "no"),
        ("Oskar Sköld", "S", "no"),
        ("Mats Werner", "S", "no"),
        ("Bengt Andersson", "V", "no"),
        ("Roland Jonsson", "MP", "no"),
        ("Jonas Andersson", "S", "no"),
        ("Rolf Vestman", "S", "no"),
    ]
    + [("Marie Strid", "MP", "abstain"), ("Marcus Berggren", "MP", "abstain")]
    + [("Ida Rosengren", "MP", "abstain")]
)


def _approve(meeting, *, on, approvers=()):
    """Name the justerare, then justera (the order the database's immutability allows)."""
    meeting.approvers.set(approvers)
    meeting.approved_on = on
    meeting.save()
    return meeting


def build_ksau_9():
    """KSAU Alingsås 2024-01-24 § 9 (seed 001), justerad 2024-01-29."""
    organisation = make_organisation(name="Alingsås kommun", short_name="Alingsås")
    organ = make_organ(
        organisation=organisation, name="Kommunstyrelsens arbetsutskott", code="KSAU"
    )
    meeting = make_meeting(organ=organ, held_on=dt.date(2024, 1, 24), place="Stadshuset")
    decision = make_decision(
        meeting=meeting,
        number=9,
        case=make_case(number="2023.509 KS"),
        title="Upphävande av beslut gällande utträde ur Samordningsförbundet Insjöriket",
        description=KSAU_DESCRIPTION,
        preparation=KSAU_PREPARATION,
        decision_text=KSAU_DECISION,
        basis=KSAU_BASIS,
        sent_to="Kommunfullmäktige",
        kind="proposal",
    )
    _approve(
        meeting,
        on=dt.date(2024, 1, 29),
        approvers=[make_person(name="Daniel Filipsson", party="M")],
    )
    return decision


def build_kf_128(ballots=KF_BALLOTS, organisation_name="Härryda kommun"):
    """KF Härryda 2020-06-15 § 128 (seed 003) with its votering and 50 ballots."""
    organisation = make_organisation(name=organisation_name, short_name="Härryda")
    organ = make_organ(
        organisation=organisation, name="Kommunfullmäktige", code="KF", kind="assembly"
    )
    meeting = make_meeting(organ=organ, held_on=dt.date(2020, 6, 15), place="Härryda")
    decision = make_decision(
        meeting=meeting,
        number=128,
        case=make_case(number="2019KS742"),
        title="Utträde ur Samordningsförbundet Insjöriket",
        description="Välfärdsnämnden fastställde den 6 november 2019 § 256 verksamhetsplan "
        "2020-2022.",
        procedure=KF_PROCEDURE,
        decision_text=KF_DECISION,
    )
    people = {name: make_person(name=name, party=party) for name, party, _ in KF_BALLOTS}
    linde = people["Patrik Linde"]
    motion = Motion.objects.create(
        decision=decision,
        order=1,
        mover=linde,
        text="att ärendet återremitteras till kommunstyrelsen för ytterligare utredning.",
    )
    second = Motion.objects.create(
        decision=decision,
        order=2,
        mover=make_person(name="Maria Kornevik Jakobsson", party="C"),
        text="bifall till kommunstyrelsens förslag",
    )
    second.supporters.add(make_person(name="Eva Lotta Liljenzin", party="M"))
    assert motion
    vote = Vote.objects.create(
        decision=decision,
        question=KF_QUESTION,
        yes_count=35,
        no_count=12,
        abstain_count=3,
        appendix="Bilaga 16",
    )
    for order, (name, party, choice) in enumerate(ballots):
        Ballot.objects.create(
            vote=vote, person=people[name], choice=choice, party=party, role="ledamot", order=order
        )
    for order, name in enumerate(["Patrik Linde", "Björn Magnusson", "Rolf Vestman"]):
        Reservation.objects.create(decision=decision, person=people[name], order=order)
    _approve(meeting, on=dt.date(2020, 6, 18), approvers=[make_person(name="Anita Anger")])
    return decision


def _read(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in _read(content).pages)


def _extract(decision, certified_by="Karin Sekreterare"):
    return pdf.render_extract_pdf(
        decision=decision, certified_by=certified_by, issued_on=dt.date(2024, 2, 1)
    )


@pytest.fixture
def secretary(db):
    return get_user_model().objects.create_user(
        username="sekr", password="hemligt-lösenord-1", first_name="Karin", last_name="Berg"
    )


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


# --- the extract's text ---------------------------------------------------------------------


def test_ksau_extract_prints_header_every_section_justering_and_certification():
    text = _text(_extract(build_ksau_9()))

    for expected in [
        "Alingsås kommun",
        "Kommunstyrelsens arbetsutskott",
        "Protokoll",
        "Sammanträdesdatum 2024-01-24",
        "§ 9",
        "Dnr 2023.509 KS",
        "Upphävande av beslut gällande utträde ur Samordningsförbundet Insjöriket",
        "Ärendebeskrivning",
        "Beredning",
        "Beslutsunderlag",
        "Skickas till",
        "§ 94 upphävs.",
        "Justerat 2024-01-29",
        "Daniel Filipsson",
        "Utdragsbestyrkande",
        "Utdraget bestyrks",
        "Karin Sekreterare",
        "2024-02-01",
    ]:
        assert expected in text, expected


def test_every_page_of_an_extract_is_numbered_sida_x_av_n():
    content = _extract(build_kf_128())
    pages = _read(content).pages

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page.extract_text()
        assert "Protokollsutdrag § 128" in page.extract_text()  # the footer note


def test_kf_extract_prints_motions_votering_and_reservations():
    text = _text(_extract(build_kf_128()))

    assert "§ 128" in text and "Dnr 2019KS742" in text
    assert "Yrkanden" in text and "Propositionsordning" in text
    assert "Maria Kornevik Jakobsson (C), med instämmande av Eva Lotta Liljenzin (M)" in text
    assert "35 röstar ja, 12 röstar nej och 3 avstår" in text
    assert "Mot beslutet reserverar sig Patrik Linde (S), Björn Magnusson (S) och" in text
    assert "uppdrar åt firmatecknare att avsluta avtalet" in text


def test_kf_voteringslista_appendix_lists_every_ballot_and_the_totals():
    text = _text(_extract(build_kf_128()))
    appendix = text[text.index("Voteringslista: § 128") :]

    assert "Bilaga 16, voteringsbilaga" in appendix
    for name, party, _ in KF_BALLOTS:
        assert f"{name} ({party})" in appendix, name
    assert re.search(r"Resultat\s+35\s+12\s+3", appendix)


def test_extract_is_tagged_pdfa_with_swedish_language_and_a_title():
    reader = _read(_extract(build_ksau_9()))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()

    assert catalog["/Lang"] == "sv"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert "/OutputIntents" in catalog
    assert 'pdfaid:part="2"' in xmp
    assert "Protokollsutdrag" in reader.metadata.title
    assert "§ 9" in reader.metadata.title


def test_immediately_approved_paragraph_says_paragrafen_ar_justerad():
    """Rules 7 and 30: the justering record of an omedelbart justerad § with its date."""
    decision = make_decision(
        meeting=make_meeting(held_on=dt.date(2024, 1, 24)),
        approved_immediately=True,
        title="Brådskande ärende",
    )

    text = _text(_extract(decision))

    assert "Paragrafen är justerad" in text
    assert "Omedelbart justerad vid sammanträdet 2024-01-24" in text


def test_unknown_date_and_number_print_as_datum_okant_and_paragraph_question_mark():
    meeting = make_meeting(held_on=None, year=None, date_note="okänt")
    decision = make_decision(meeting=meeting, number=None, approved_immediately=True)

    text = _text(_extract(decision))

    assert "Sammanträdesdatum datum okänt" in text
    assert "§ ?" in text


def test_user_text_with_a_script_tag_is_printed_literally():
    decision = make_decision(
        approved_immediately=True, description="Före <script>alert('x')</script> efter"
    )

    text = _text(_extract(decision))

    assert "Före <script>alert('x')</script> efter" in text


def test_extract_of_a_revoked_decision_carries_a_note():
    revoked = build_ksau_9()
    later = make_decision(
        meeting=make_meeting(organ=revoked.organ, held_on=dt.date(2024, 3, 1)),
        number=30,
        approved_immediately=True,
    )
    DecisionLink.objects.create(source=later, target=revoked, kind=DecisionLink.Kind.REVOKES)

    text = _text(_extract(revoked))

    assert "beslutet har senare upphävts genom Kommunstyrelsens arbetsutskott 2024-03-01" in text


def test_corrections_are_printed_with_who_when_what_and_why():
    decision = build_ksau_9()
    Correction.objects.create(
        decision=decision,
        made_by="Karin Berg",
        made_on=dt.date(2024, 2, 5),
        what="Diarienumret ska vara 2023.509 KS.",
        why="Skrivfel.",
    )

    text = _text(_extract(decision))

    assert "Rättelse 2024-02-05 av Karin Berg" in text
    assert "Skäl: Skrivfel." in text


def test_unjusterad_paragraph_cannot_be_rendered_as_an_extract():
    decision = make_decision(number=4)

    with pytest.raises(pdf.ExtractNotAllowed, match="inte justerad"):
        _extract(decision)


# --- the extract view ----------------------------------------------------------------------


def test_extract_view_refuses_an_unjusterad_paragraph_with_a_swedish_message(secretary_client):
    decision = make_decision(number=4)

    response = secretary_client.get(reverse("decisions:extract-pdf", args=[decision.pk]))

    assert response.status_code == 409
    assert response.content.decode() == pdf.EXTRACT_NOT_APPROVED.format(label="§ 4")
    assert not StoredExtract.objects.exists()


def test_an_anonymous_visitor_gets_a_justerad_public_paragraph_certified_by_the_register(client):
    """A justerad § of a public case is a public record (rule 30): no login needed; the
    register certifies the extract, and nothing is recorded as issued by a user."""
    decision = build_ksau_9()

    response = client.get(reverse("decisions:extract-pdf", args=[decision.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_text(response.content).split())
    assert "Insjörikets ärende- och beslutsregister" in text
    assert "Karin Berg" not in text.split("Utdragsbestyrkande", 1)[1]
    assert not ExtractIssue.objects.exists()


def test_an_anonymous_visitor_gets_no_extract_of_a_secret_case_or_an_ojusterad_paragraph(client):
    decision = build_ksau_9()
    Case.objects.filter(pk=decision.case_id).update(
        is_secret=True,
        secrecy_ground="OSL 26 kap. 1 §",
        secrecy_marked_on=dt.date(2024, 1, 20),
        secrecy_marked_by="KS",
    )
    draft = make_decision(number=4)

    for target in (decision, draft):
        response = client.get(reverse("decisions:extract-pdf", args=[target.pk]))
        assert response.status_code == 404
    assert not StoredExtract.objects.exists()


def test_extract_view_certifies_with_the_users_name_and_records_the_issue(
    secretary_client, secretary
):
    decision = build_ksau_9()

    response = secretary_client.get(reverse("decisions:extract-pdf", args=[decision.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="protokollsutdrag-ksau-2024-01-24-paragraf-9.pdf"'
        in (response["Content-Disposition"])
    )
    assert "Karin Berg" in _text(response.content)
    issue = ExtractIssue.objects.get()
    assert (issue.decision, issue.issued_by) == (decision, secretary)


def test_second_request_on_the_same_day_is_served_from_storage(secretary_client):
    decision = build_ksau_9()
    url = reverse("decisions:extract-pdf", args=[decision.pk])
    first = secretary_client.get(url)

    with mock.patch.object(pdf, "render_extract_pdf", wraps=pdf.render_extract_pdf) as render:
        second = secretary_client.get(url)

    render.assert_not_called()
    assert second.content == first.content
    assert StoredExtract.objects.count() == 1
    assert ExtractIssue.objects.count() == 2


def test_a_new_correction_gives_a_new_stored_extract(secretary_client):
    decision = build_ksau_9()
    url = reverse("decisions:extract-pdf", args=[decision.pk])
    secretary_client.get(url)
    Correction.objects.create(
        decision=decision, made_by="Karin Berg", made_on=dt.date(2024, 2, 5), what="X", why="Y"
    )

    response = secretary_client.get(url)

    assert StoredExtract.objects.count() == 2
    assert "Rättelse 2024-02-05" in _text(response.content)


def test_extract_view_query_count_does_not_grow_with_the_paragraph(secretary_client):
    small = build_kf_128(ballots=KF_BALLOTS[:1], organisation_name="Liten kommun")
    large = build_kf_128()

    counts = []
    for decision in (small, large):
        url = reverse("decisions:extract-pdf", args=[decision.pk])
        with CaptureQueriesContext(connection) as cold:
            secretary_client.get(url)
        with CaptureQueriesContext(connection) as stored:
            secretary_client.get(url)
        counts.append((len(cold), len(stored)))

    assert counts[0] == counts[1]


# --- the whole protocol ----------------------------------------------------------------------


def _meeting_with_paragraphs(n=3):
    meeting = make_meeting(held_on=dt.date(2024, 3, 4), place="Rådhuset", secretary="Karin Berg")
    ledamot = make_person(name="Lena Ledamot", party="C")
    Attendance.objects.create(meeting=meeting, person=ledamot, role="member", function="ordförande")
    Attendance.objects.create(
        meeting=meeting,
        person=make_person(name="Erik Ersättare", party="S"),
        role="serving_substitute",
    )
    Attendance.objects.create(
        meeting=meeting,
        person=make_person(name="Tove Tjänsteperson", party=""),
        role="other",
        function="sekreterare",
    )
    for i in range(1, n + 1):
        make_decision(
            meeting=meeting, number=i, title=f"Ärende nummer {i}", description="Text\n\n" * 20
        )
    return meeting


def test_draft_protocol_says_ojusterat_on_every_page():
    meeting = _meeting_with_paragraphs()

    pages = _read(pdf.render_protocol_pdf(meeting=meeting)).pages

    assert len(pages) >= 4
    for page in pages:
        assert "Ojusterat" in page.extract_text()
        assert "Ojusterat protokoll" in page.extract_text()  # the footer note too


def test_justerat_protocol_has_the_first_page_with_attendance_justering_and_anslag():
    meeting = _meeting_with_paragraphs()
    meeting.minutes_kept_at = "Kommunledningskontoret"
    meeting.approval_place = "Stadshuset"
    _approve(meeting, on=dt.date(2024, 3, 6), approvers=[make_person(name="Jonas Justerare")])
    meeting.posted_on = dt.date(2024, 3, 7)
    meeting.save()

    content = pdf.render_protocol_pdf(meeting=meeting)
    first = _read(content).pages[0].extract_text()

    for expected in [
        "Rådhuset, 2024-03-04",
        "Lena Ledamot (C), ordförande",
        "Tjänstgörande ersättare",
        "Erik Ersättare (S)",
        "Övriga närvarande",
        "Tove Tjänsteperson, sekreterare",
        "Jonas Justerare",
        "Stadshuset, 2024-03-06",
        "Anslaget uppsatt",
        "2024-03-07",
        "Anslaget nedtas",
        "2024-03-29",  # the day after the last appeal day (rule 5)
        "Kommunledningskontoret",
        "§§ 1–3",
    ]:
        assert expected in first, expected
    assert "Ojusterat" not in _text(content)
    assert "Ärende nummer 3" in _text(content)


def test_protocol_view_of_a_draft_requires_login(client):
    meeting = _meeting_with_paragraphs(1)

    response = client.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))

    assert response.status_code == 302


def test_protocol_view_serves_a_draft_to_the_secretary(secretary_client):
    meeting = _meeting_with_paragraphs(1)

    response = secretary_client.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ojusterat-protokoll" in response["Content-Disposition"]
    assert "Ojusterat" in _text(response.content)


def test_protocol_view_is_public_once_posted(client):
    meeting = _meeting_with_paragraphs(1)
    _approve(meeting, on=dt.date(2024, 3, 6))
    meeting.posted_on = dt.date(2024, 3, 7)
    meeting.save()

    response = client.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))

    assert response.status_code == 200


def test_protocol_view_query_count_does_not_grow_with_the_paragraphs(secretary_client):
    counts = []
    for n in (1, 6):
        meeting = _meeting_with_paragraphs(n)
        with CaptureQueriesContext(connection) as queries:
            secretary_client.get(reverse("decisions:protocol-pdf", args=[meeting.pk]))
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- the URL fetcher ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        (pdf.STATIC_DIR / "fonts" / ".." / ".." / "manage.py").as_uri(),
    ],
)
def test_url_fetcher_refuses_anything_but_local_fonts_and_css(url):
    with pytest.raises(ValueError, match="får inte hämtas"):
        pdf.StaticOnlyFetcher().fetch(url)


def test_url_fetcher_serves_the_local_font():
    url = (pdf.STATIC_DIR / "fonts" / "LiberationSans-Regular.ttf").as_uri()

    response = pdf.StaticOnlyFetcher().fetch(url)

    assert response.read(4) == b"\x00\x01\x00\x00"


def test_a_long_protocol_gives_its_memory_back_and_a_short_extract_does_not(monkeypatch):
    """Worker memory stays flat (issue 4): after a render of more than TRIM_AFTER_PAGES pages
    the heap is returned to the operating system; an ordinary extract skips that cost."""
    calls = []
    monkeypatch.setattr(pdf, "release_memory", lambda: calls.append(1))
    long_meeting = _meeting_with_paragraphs(n=pdf.TRIM_AFTER_PAGES + 2)

    pdf.render_protocol_pdf(meeting=long_meeting)
    assert calls == [1]
    _extract(build_ksau_9())
    assert calls == [1]
