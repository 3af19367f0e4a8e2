"""Flow 3 (issue 6): a förtroendevald opens Härryda's matter from the seeds and sees the
chain VFN → KS → KF, its diagram, and that Härryda is a member today; then opens Alingsås and
sees that its notice was revoked. Rules 34–36 (notice, status on a date, timeline)."""

import re

import pytest

from cases.models import Case
from members.models import Organisation
from tests.browser.conftest import check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = "förtroendevald"


def test_elected_member_follows_harrydas_matter_and_the_members(
    live_server, insjoriket, page, shot
):
    vfn_case = Case.objects.get(number="2022VFN360")
    harryda = Organisation.objects.get(short_name="Härryda")
    alingsas = Organisation.objects.get(short_name="Alingsås")

    login(page, live_server, "fortroendevald")
    check_axe(page, ROLE)

    # Find the matter with the search box, open it and its history.
    page.goto(f"{live_server.url}/arenden/sok/")
    page.get_by_label("Sök på ord eller diarienummer").fill("2022VFN360")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state()
    shot(page, "sok-2022vfn360")
    check_axe(page, ROLE)
    page.locator("ol.search-results").get_by_role("link", name="2022VFN360").first.click()
    page.wait_for_url(f"**/arenden/{vfn_case.pk}/")
    shot(page, "arendet")
    check_axe(page, ROLE)
    history = page.get_by_role("link", name=re.compile("historik", re.IGNORECASE))
    if history.count():
        history.first.click()
    else:
        page.goto(f"{live_server.url}/arenden/{vfn_case.pk}/historik/")
    page.wait_for_url(f"**/arenden/{vfn_case.pk}/historik/")
    main = page.inner_text("main")
    shot(page, "historik")
    check_axe(page, ROLE)

    # The chain in words, in date order: VFN § 222 → KS § 440 → KF.
    chain = page.locator("ol.chain-text").inner_text()
    vfn = chain.find("Välfärdsnämnden, Härryda VFN 2022-11-23 § 222")
    ks = chain.find("Kommunstyrelsen, Härryda KS 2022 § 440")
    kf = chain.find("Kommunfullmäktige, Härryda KF (datum okänt)")
    assert -1 < vfn < ks < kf, chain
    steps = chain.splitlines()
    assert any("§ 222" in s and "Föreslår KS 2022 § 440" in s for s in steps), chain
    assert any("§ 440" in s and "Föreslår KF" in s for s in steps), chain
    assert any(
        s.startswith("Kommunfullmäktige") and "Återkallar KF 2020-06-15 § 128" in s for s in steps
    ), chain
    # Both registers of the same matter.
    cases = page.get_by_role("table").filter(has_text="Diarienummer").first.inner_text()
    assert "2022VFN360" in cases and "2022KS554" in cases
    # The diagram: an SVG image with a name, one box per decision, arrows between them.
    diagram = page.get_by_role("img", name=re.compile(r"^Beslutskedjan"))
    assert diagram.count() == 1
    assert page.locator("svg.chain-diagram g.box").count() >= 3
    assert page.locator("svg.chain-diagram path.arrow").count() >= 2
    assert "Vad gäller i dag" in main

    # Härryda is a member today: the notice of 2020 was withdrawn before it took effect.
    page.goto(f"{live_server.url}/medlemmar/{harryda.pk}/")
    main = page.inner_text("main")
    shot(page, "harryda-medlem")
    check_axe(page, ROLE)
    status = page.locator(".member-status").first.inner_text()
    assert status.strip().lower() == "medlem", status
    assert "utträdet 2023-12-31 blev inte av" in main, main

    # Alingsås: the notice of 2021 is revoked (upphävd) and the exit 2024-12-31 did not happen.
    page.goto(f"{live_server.url}/medlemmar/{alingsas.pk}/")
    main = page.inner_text("main")
    shot(page, "alingsas-uppsagning-upphavd")
    check_axe(page, ROLE)
    assert "Uppsägningen 2021-05-26 är upphävd; utträdet 2024-12-31 blev inte av." in main, main

    # The förbund page lists the members today.
    page.goto(f"{live_server.url}/forbund/")
    shot(page, "forbund")
    check_axe(page, ROLE)
    page.locator("main").get_by_role("link", name=re.compile("Insjöriket")).first.click()
    page.wait_for_load_state()
    assert "Härryda" in page.inner_text("main")
    shot(page, "forbundet-insjoriket")
    check_axe(page, ROLE)
