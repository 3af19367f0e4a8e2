"""Flow 2 (issue 6): a nämndsekreterare plans a sammanträde, records who attended, adds two
§§ (one with a votering with ballots and a reservation), justerar the protocol, posts it on
the anslagstavla, downloads the protokollsutdrag and the whole protocol, and the test reads
the PDFs' text: §, diarienummer, beslut, justering and utdragsbestyrkande.
Rules 1–3 (dates), 9 (justerad is read-only), 11, 13 (votering, reservation), 29, 30."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from cases.models import Register
from cases.services import register_case
from decisions.models import Ballot, Decision, Meeting, Reservation
from members.models import Person
from tests.browser.conftest import check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = "sekreterare"
PRESENT = ["Per Vorberg", "Grim Pedersen", "Kersti Lagergren", "Patrik Linde", "Siw Hallbert"]
NO_VOTERS = {"Patrik Linde", "Siw Hallbert"}
HELD_ON = dt.date(2026, 11, 16)


def pdf_text(data: bytes) -> str:
    """The text of a PDF: pdftotext (poppler) when installed, else pypdf; whitespace folded."""
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    else:
        out = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(out.split())


def test_secretary_writes_justerar_and_posts_a_protocol(live_server, insjoriket, page, shot):
    register = Register.objects.get(organisation__short_name="Härryda", code="KS")
    case = register_case(
        register=register,
        title="Motion om fler pendelparkeringar",
        user=insjoriket["registrator"],
    )

    login(page, live_server, "sekreterare")
    page.goto(f"{live_server.url}/sammantraden/")
    shot(page, "sammantraden")
    check_axe(page, ROLE)

    # Plan the meeting.
    page.get_by_role("link", name="Planera sammanträde").click()
    page.wait_for_url("**/sammantraden/planera/")
    check_axe(page, ROLE)
    page.get_by_label("Organ").select_option(label="Kommunfullmäktige, Härryda")
    page.get_by_label("Datum").fill(HELD_ON.isoformat())
    page.get_by_label("Tid").fill("18:30")
    page.get_by_label("Plats").fill("Härryda kommunhus, Mölnlycke")
    shot(page, "planera-ifyllt")
    page.get_by_role("button", name="Planera").click()
    page.wait_for_url(re.compile(r"/sammantraden/\d+/$"))
    meeting = Meeting.objects.get(held_on=HELD_ON)
    assert "Sammanträdet är planerat." in page.inner_text("main")
    shot(page, "sammantradet-planerat")
    check_axe(page, ROLE)

    # Attendance: five ledamöter.
    page.get_by_role("link", name="Ange närvaro").click()
    page.wait_for_url(f"**/sammantraden/{meeting.pk}/narvaro/")
    check_axe(page, ROLE)
    for name in PRESENT:
        page.get_by_label(name, exact=True).select_option(label="ledamot")
    page.get_by_label("Funktion för Per Vorberg").fill("ordförande")
    shot(page, "narvaro-ifylld")
    page.get_by_role("button", name="Spara närvaro").click()
    page.wait_for_url(f"**/sammantraden/{meeting.pk}/")
    assert meeting.attendances.count() == len(PRESENT)

    # § 1 with a votering and a reservation.
    add_paragraph(page, "Motion om fler pendelparkeringar", case.number)
    first = Decision.objects.get(meeting=meeting, title="Motion om fler pendelparkeringar")
    assert first.number == 1 and first.participations.count() == len(PRESENT)
    check_axe(page, ROLE)
    page.get_by_label("Propositionsordning").fill(
        "Ordföranden ställer proposition på bifall och avslag och finner att "
        "kommunfullmäktige bifaller motionen. Votering begärs."
    )
    page.get_by_label(re.compile(r"^Beslut:?$")).fill(
        "Kommunfullmäktige bifaller motionen och uppdrar åt kommunstyrelsen att anlägga "
        "fler pendelparkeringar."
    )
    page.get_by_role("button", name="Spara paragrafen").click()
    page.wait_for_url(f"**/sammantraden/paragraf/{first.pk}/")

    page.get_by_role("link", name="Anteckna votering").click()
    page.wait_for_url(f"**/paragraf/{first.pk}/votering/")
    check_axe(page, ROLE)
    page.get_by_label("Voteringsproposition").fill(
        "Den som bifaller motionen röstar ja, den som avslår den röstar nej."
    )
    page.get_by_label("Ja innebär").fill("bifall till motionen")
    page.get_by_label("Nej innebär").fill("avslag på motionen")
    page.get_by_label("Antal ja").fill("3")
    page.get_by_label("Antal nej").fill("2")
    page.get_by_label("Antal avstår").fill("0")
    for name in PRESENT:
        row = page.get_by_role("row").filter(has_text=name)
        row.get_by_label("nej" if name in NO_VOTERS else "ja", exact=True).check()
    shot(page, "votering-ifylld")
    page.get_by_role("button", name="Anteckna votering").click()
    page.wait_for_url(f"**/sammantraden/paragraf/{first.pk}/")
    assert "Voteringen är antecknad: 3 ja, 2 nej, 0 avstår." in page.inner_text("main")
    assert Ballot.objects.filter(vote__decision=first).count() == len(PRESENT)

    page.get_by_label("Reservant").select_option(label="Patrik Linde (S)")
    page.get_by_label("Motivering").fill("Pendelparkeringar bör byggas vid stationerna först.")
    page.get_by_role("button", name="Anteckna reservation").click()
    page.wait_for_url(f"**/sammantraden/paragraf/{first.pk}/")
    reservation = Reservation.objects.get(decision=first)
    assert reservation.person.name == "Patrik Linde"
    shot(page, "paragraf-1-med-votering-och-reservation")
    check_axe(page, ROLE)

    # § 2, without a votering.
    page.get_by_role("link", name=re.compile(r"Kommunfullmäktige 2026-11-16")).first.click()
    page.wait_for_url(f"**/sammantraden/{meeting.pk}/")
    add_paragraph(page, "Tillbakadragande av utträde, uppföljning", "2022KS554")
    second = Decision.objects.get(meeting=meeting, number=2)
    page.get_by_label(re.compile(r"^Beslut:?$")).fill("Informationen läggs till handlingarna.")
    page.get_by_role("button", name="Spara paragrafen").click()
    page.wait_for_url(f"**/sammantraden/paragraf/{second.pk}/")

    # Justera.
    page.get_by_role("link", name=re.compile(r"Kommunfullmäktige 2026-11-16")).first.click()
    page.wait_for_url(f"**/sammantraden/{meeting.pk}/")
    shot(page, "protokoll-fore-justering")
    check_axe(page, ROLE)
    # The protocol signed on paper by all at once (the digital justering's "Skicka på
    # justering" form above it has the same people: the direct form is used by its id).
    page.get_by_text("Registrera pappersjustering av hela protokollet").click()
    direct = page.locator("#justera-direkt")
    direct.get_by_label("Justeringsdatum").fill("2026-11-18")
    direct.get_by_label("Justeringens plats").fill("Kommunkansliet")
    direct.get_by_label("Grim Pedersen (M)").check()
    direct.get_by_label("Kersti Lagergren (M)").check()
    direct.get_by_role("button", name="Justera").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.approved_on == dt.date(2026, 11, 18), page.inner_text("main")
    shot(page, "protokollet-justerat")
    check_axe(page, ROLE)

    # Anslå (rule 2: within two days of the justering).
    page.get_by_label("Anslaget uppsatt").fill("2026-11-19")
    page.get_by_label("Förvaringsplats för protokollet").fill("Kommunkansliet, Mölnlycke")
    page.get_by_role("button", name="Anslå").click()
    page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.posted_on == dt.date(2026, 11, 19)
    main = page.inner_text("main")
    # Posted Thu 2026-11-19: the last appeal day is Thu 2026-12-10 (rule 3).
    assert "2026-12-10" in main and "2026-12-11" in main
    shot(page, "protokollet-anslaget")
    check_axe(page, ROLE)

    # The protokollsutdrag of § 1.
    link = page.get_by_role("link", name="Protokollsutdrag § 1 (PDF)")
    extract = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert extract.status == 200 and extract.headers["content-type"] == "application/pdf"
    text = pdf_text(extract.body())
    assert "Protokollsutdrag" in text
    assert re.search(r"§ ?1\b", text) and case.number in text
    assert "Kommunfullmäktige bifaller motionen" in text
    assert "Utdragsbestyrkande" in text and "Utdraget bestyrks" in text
    assert "Grim Pedersen" in text and "Kersti Lagergren" in text  # the justerare
    assert "Patrik Linde" in text  # the reservation
    assert "2026-11-18" in text or "18 november 2026" in text  # the justering
    reader = PdfReader(io.BytesIO(extract.body()))
    assert reader.metadata.title, "the extract PDF has no title (rule 29)"
    assert "/Lang" in reader.trailer["/Root"], "the extract PDF has no language (rule 29)"
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the extract PDF is not tagged"

    # The whole protocol: both §§, the voteringslista and the reservation.
    href = page.get_by_role("link", name=re.compile(r"^Protokoll \(PDF\)$")).get_attribute("href")
    protocol = page.request.get(f"{live_server.url}{href}")
    assert protocol.status == 200
    text = pdf_text(protocol.body())
    # pdftotext -layout may set the § and its number apart or together ("§1 Dnr 2026KS1").
    assert re.search(rf"§ ?1 Dnr {re.escape(case.number)}", text), text
    assert re.search(r"§ ?2 Dnr 2022KS554", text), text
    assert "Voteringslista" in text and "Resultat 3 2 0" in text
    assert "Informationen läggs till handlingarna." in text
    for name in PRESENT:
        assert name in text
    assert "Pendelparkeringar bör byggas vid stationerna först." in text

    # The anslagstavla shows the posting to everyone.
    page.goto(f"{live_server.url}/anslagstavla/")
    row = page.get_by_role("row").filter(has_text="2026-11-16")
    assert "Kommunfullmäktige" in row.inner_text() and "2026-12-10" in row.inner_text()
    shot(page, "anslagstavlan")
    check_axe(page, ROLE)

    # Rule 9: the justerad § offers no edit forms any more.
    page.goto(f"{live_server.url}/sammantraden/paragraf/{first.pk}/")
    assert page.get_by_role("button", name="Spara paragrafen").count() == 0
    assert page.get_by_role("link", name="Anteckna votering").count() == 0
    shot(page, "justerad-paragraf-last")
    check_axe(page, ROLE)
    assert Person.objects.filter(name__in=PRESENT).count() == len(PRESENT)


def add_paragraph(page, title: str, case_number: str) -> None:
    form = page.locator("#add-decision")
    form.get_by_label("Rubrik").fill(title)
    form.get_by_label("Typ").select_option(label="beslut")
    form.get_by_label("Diarienummer").fill(case_number)
    form.get_by_role("button", name="Lägg till").click()
    page.wait_for_url(re.compile(r"/sammantraden/paragraf/\d+/$"))
