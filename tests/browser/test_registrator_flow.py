"""Flow 1 (issue 6): a registrator logs in, registers an ärende and sees its diarienummer,
adds an inkommande handling with a PDF file, and finds the case through the search box by a
word and by its number. One more test does the registration with the keyboard only.
Rules: 20 (registration), 24 (diarienummer in order), 25 (handling number)."""

import datetime as dt
import io
import re

import pytest
from django.db.models import Max
from pypdf import PdfWriter

from cases.models import Case, Document, Register
from tests.browser.conftest import check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = "registrator"


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Skrivelse om gatubelysning"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def next_number(register: Register) -> str:
    year = dt.date.today().year
    last = Case.objects.filter(register=register, year=year).aggregate(m=Max("serial"))["m"]
    return register.format_number(year=year, serial=(last or 0) + 1)


def alingsas_ks() -> Register:
    return Register.objects.get(organisation__short_name="Alingsås", code="KS")


def test_registrator_registers_a_case_adds_a_pdf_and_finds_it(
    live_server, insjoriket, page, shot, tmp_path
):
    register = alingsas_ks()
    expected = next_number(register)

    login(page, live_server, "registrator")
    shot(page, "inloggad")
    check_axe(page, ROLE)

    page.goto(f"{live_server.url}/arenden/nytt/")
    check_axe(page, ROLE)
    page.get_by_label("Diarium").select_option(value=str(register.pk))
    page.get_by_label("Ärendemening").fill("Medborgarförslag om gatubelysning vid Gerdska ängen")
    page.get_by_label("Handläggare").fill("Anna Registrator")
    shot(page, "registrera-arende-ifyllt")
    page.get_by_role("button", name="Registrera").click()

    # The case page with the number it got: the next one of the series (rule 24).
    page.wait_for_url(re.compile(r"/arenden/\d+/$"))
    case = Case.objects.get(title__startswith="Medborgarförslag om gatubelysning")
    assert case.number == expected
    assert page.get_by_role("heading", level=1).inner_text().startswith(expected)
    assert f"Ärendet är registrerat med diarienummer {expected}." in page.inner_text("main")
    shot(page, "arendet-registrerat")
    check_axe(page, ROLE)

    # An inkommande handling with a PDF file.
    pdf = tmp_path / "skrivelse.pdf"
    pdf.write_bytes(small_pdf())
    page.get_by_role("link", name="Registrera handling").click()
    page.wait_for_url(f"**/arenden/{case.pk}/handlingar/ny/")
    check_axe(page, ROLE)
    page.get_by_label(re.compile(r"^Datum:?$")).fill("2026-11-20")
    page.get_by_label("Riktning").select_option(label="inkommande")
    page.get_by_label("Avsändare/mottagare").fill("Föreningen Gerdska ängen")
    page.get_by_label("Beskrivning").fill("Skrivelse om gatubelysning")
    page.get_by_label("Fil").set_input_files(str(pdf))
    shot(page, "registrera-handling-ifylld")
    page.get_by_role("button", name="Registrera").click()
    page.wait_for_url(f"**/arenden/{case.pk}/")
    document = Document.objects.get(case=case)
    assert document.direction == "incoming" and document.serial == 1
    assert document.file.read().startswith(b"%PDF-")
    main = page.inner_text("main")
    assert f"Handlingen är registrerad som {expected}:1." in main
    row = page.get_by_role("row").filter(has_text=f"{expected}:1")
    assert "inkommande" in row.inner_text() and "Föreningen Gerdska ängen" in row.inner_text()
    shot(page, "handlingen-registrerad")
    check_axe(page, ROLE)

    # The file comes back as the same PDF.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Hämta").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert open(download.path(), "rb").read() == pdf.read_bytes()

    # The search box finds the case by a word …
    page.goto(f"{live_server.url}/arenden/sok/")
    check_axe(page, ROLE)
    page.get_by_label("Sök på ord eller diarienummer").fill("gatubelysning")
    page.get_by_label("Sök på ord eller diarienummer").press("Enter")
    page.wait_for_url("**/arenden/sok/?q=gatubelysning")
    results = page.locator("ol.search-results")
    assert results.get_by_role("link", name=expected).count() >= 1
    shot(page, "sok-pa-ord")
    check_axe(page, ROLE)

    # … and by its number, typed loosely in lower case.
    page.get_by_label("Sök på ord eller diarienummer").fill(expected.lower())
    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state()
    page.locator("ol.search-results").get_by_role("link", name=expected).first.click()
    page.wait_for_url(f"**/arenden/{case.pk}/")
    shot(page, "sok-pa-nummer-till-arendet")
    check_axe(page, ROLE)


def test_registration_form_works_with_the_keyboard_only(live_server, insjoriket, page, shot):
    """Tab through the registration form and submit it with Enter: every field is reachable in
    order, has a visible label, and the form needs no mouse (WCAG 2.1.1)."""
    register = alingsas_ks()
    expected = next_number(register)
    login(page, live_server, "registrator")
    page.goto(f"{live_server.url}/arenden/nytt/")

    # From the top of the page: the skip link first, then on to the form's first field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Hoppa till innehållet"
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return [e.tagName.toLowerCase(), e.name || '', e.type || '']; })()"
        )
        seen.append(focused[1])
        if focused[1] == "register":
            break
    assert seen[-1] == "register", seen
    page.screenshot(path=str(shot.folder / "00-fokus-pa-diarium.png"))

    # Choose the register with the arrow keys: the options are in the page's order.
    options = page.eval_on_selector_all("#id_register option", "els => els.map(e => e.value)")
    steps = options.index(str(register.pk))
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    assert page.input_value("#id_register") == str(register.pk)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type("Tangentbordsärende om snöröjning")
    order = ["title"]
    while True:
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || document.activeElement.type")
        order.append(name)
        if name == "officer":
            page.keyboard.type("Kim Tangent")
        if name == "submit" or len(order) > 20:
            break
    assert order[:3] == ["title", "classification", "officer"], order
    assert order[-1] == "submit", order
    shot(page, "formular-ifyllt-med-tangentbord")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/arenden/\d+/$"))
    case = Case.objects.get(title="Tangentbordsärende om snöröjning")
    assert case.number == expected and case.officer == "Kim Tangent"
    # Focus outline: the focused control has a visible outline or box-shadow (WCAG 2.4.7).
    shot(page, "registrerat-med-tangentbord")
    check_axe(page, ROLE)
