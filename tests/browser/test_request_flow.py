"""Flow (issue 15): the registrator registers an ärende, adds a handling with a PDF, marks the
handling secret later, logs a begäran om allmän handling for it, decides "lämnas ut med
maskning" and downloads the masked copy — whose text holds none of the masked words.
Rules 22 (sekretessmarkering), 42 (begäran), 43 (the masked copy)."""

import io
import re

import pytest
from pypdf import PdfReader

from cases.models import Case, DisclosureDecision, Register
from decisions.publishing import pdf
from tests.browser.conftest import check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = "registrator"
MASKED = ["Ingrid Hemligsson", "Sjöviksgatan 4"]


def letter_pdf() -> bytes:
    """A real PDF with a text layer, as a scanned-and-OCRed letter would have."""
    return pdf.html_to_pdf(
        "<html lang='sv'><head><title>Skrivelse</title></head><body><main>"
        "<h1>Anmälan om hemtjänst</h1><p>Jag vill anmäla att Ingrid Hemligsson på "
        "Sjöviksgatan 4 inte har fått sin hemtjänst under november.</p>"
        "<p>Med vänlig hälsning, en granne</p></main></body></html>"
    )


def test_a_begaran_is_tried_and_the_masked_copy_holds_no_masked_word(
    live_server, insjoriket, page, shot, tmp_path
):
    base = live_server.url
    register = Register.objects.get(organisation__short_name="Alingsås", code="KS")
    login(page, live_server, "registrator")

    # Register the ärende and a handling with the letter.
    page.goto(f"{base}/arenden/nytt/")
    page.get_by_label("Diarium").select_option(value=str(register.pk))
    page.get_by_label("Ärendemening").fill("Anmälan om brister i hemtjänsten")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_url(re.compile(r"/arenden/\d+/$"))
    case = Case.objects.get(title="Anmälan om brister i hemtjänsten")
    page.get_by_role("link", name="Registrera handling").click()
    letter = tmp_path / "anmalan.pdf"
    letter.write_bytes(letter_pdf())
    page.get_by_label(re.compile(r"^Datum:?$")).fill("2026-11-20")
    page.get_by_label("Riktning").select_option(label="inkommande")
    page.get_by_label("Beskrivning").fill("Anmälan om hemtjänst")
    page.get_by_label("Fil").set_input_files(str(letter))
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_url(f"**/arenden/{case.pk}/")
    document = case.documents.get()

    # Mark it secret later, with the reason.
    page.get_by_role("link", name=re.compile("^Sekretessmarkering")).click()
    page.wait_for_url(f"**/arenden/handlingar/{document.pk}/sekretess/")
    check_axe(page, ROLE)
    page.get_by_label(re.compile(r"^Sekretess:?$")).check()
    page.get_by_label("Sekretessgrund (lagrum)").fill("OSL 26 kap. 1 §")
    page.get_by_label("Sekretessmarkerad datum").fill("2026-11-21")
    page.get_by_label("Markerad av").fill("Registratorn")
    page.get_by_label("Offentlig titel").fill("Anmälan om enskild")
    page.get_by_label("Skäl till ändringen").fill("Uppgifter om en enskilds hälsa.")
    page.get_by_role("button", name="Spara sekretessmarkeringen").click()
    page.wait_for_url(f"**/arenden/{case.pk}/")
    document.refresh_from_db()
    assert document.is_secret
    shot(page, "handlingen-sekretessmarkerad")

    # Log a begäran and try the handling: lämnas ut med maskning.
    page.get_by_role("link", name="Registrera begäran om allmän handling").click()
    check_axe(page, ROLE)
    page.get_by_label("Begäran kom in").fill("2026-11-23")
    page.get_by_label("Vad som begärs").fill("Anmälan om hemtjänsten")
    page.get_by_role("button", name="Registrera begäran").click()
    page.wait_for_url(re.compile(r"/arenden/begaran/\d+/$"))
    check_axe(page, ROLE)
    page.get_by_label("Handling").select_option(value=str(document.pk))
    page.get_by_label(re.compile(r"^Beslut:?$")).select_option(value="masked")
    page.get_by_label("Sekretessgrund (lagrum)").fill("OSL 26 kap. 1 §")
    page.get_by_label("Maskeras").fill("\n".join(MASKED))
    page.get_by_label("Beslutsdatum").fill("2026-11-24")
    shot(page, "menprovning")
    page.get_by_role("button", name="Spara beslutet").click()
    page.wait_for_load_state()
    assert "1 dag från begäran till det senaste beslutet." in page.inner_text("main")
    shot(page, "provad")
    check_axe(page, ROLE)

    # Download the copy: none of the masked words in its text.
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Kopia med maskering")).click()
    content = open(info.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    for word in ("Ingrid", "Hemligsson", "Sjöviksgatan"):
        assert word not in text, word
    assert "[maskerat]" in text and "inte har fått sin hemtjänst" in " ".join(text.split())
    assert DisclosureDecision.objects.get().outcome == "masked"
