"""Flow 4 (issue 6): an anonymous visitor reads the digital anslagstavla and cannot reach a
secret case by URL or search. The same secret is then tried by the förtroendevald and the
sekreterare, who have no secrecy access either; the registrator, who has, is the control that
the secret text is really there. Rules 5 (anslag), 20–22 (secrecy, masked title), 32."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.browser import builders
from tests.browser.conftest import ROLE_USERS, check_axe, login

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_WORDS = ("Hemligsdotter", "skyddat boende", "Läkarintyg", "Sara Socialsekreterare")


def assert_no_secret(page, where: str, *, html: bool = True) -> None:
    """No secret word in the page's HTML (attributes too), or, for a search page that echoes
    the query in its search box, in the text a reader sees."""
    text = page.content() if html else page.inner_text("body")
    for word in SECRET_WORDS:
        assert word not in text, f"{word!r} visible on {where}"


def test_anonymous_visitor_reads_the_anslagstavla(live_server, insjoriket, page, shot):
    meeting = builders.posted_meeting(
        organ_=builders.organ("Alingsås", "KS"),
        held_on=dt.date(2026, 11, 16),
        approved_on=dt.date(2026, 11, 19),
        posted_on=dt.date(2026, 11, 20),
        titles=["Taxa för bygglov 2027", "Budget för räddningstjänsten 2027"],
    )

    page.goto(f"{live_server.url}/")
    shot(page, "startsida")
    check_axe(page)

    response = page.goto(f"{live_server.url}/anslagstavla/")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Digital anslagstavla"
    row = page.get_by_role("row").filter(has_text="2026-11-16")
    assert row.count() == 1
    cells = row.inner_text()
    # Posted Fri 2026-11-20: three weeks → Fri 2026-12-11 is the last appeal day (rule 3),
    # and the anslag may come down the day after (rule 5).
    assert "Kommunstyrelsen" in cells and "2026-11-20" in cells
    assert "2026-12-11" in cells and "2026-12-12" in cells
    shot(page, "anslagstavla")
    check_axe(page)

    # The protocol PDF of the posting opens for anyone.
    link = row.get_by_role("link", name=re.compile(r"Protokoll .*\(PDF\)"))
    href = link.get_attribute("href")
    assert href == reverse("decisions:protocol-pdf", args=[meeting.pk])
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")

    page.get_by_role("link", name="Tidigare anslag (arkiv)").click()
    page.wait_for_url("**/anslagstavla/arkiv/")
    shot(page, "arkiv")
    check_axe(page)

    page.get_by_role("link", name="Tillgänglighetsredogörelse för anslagstavlan").click()
    page.wait_for_url("**/tillganglighet/")
    shot(page, "tillganglighetsredogorelse")
    check_axe(page)


@pytest.mark.parametrize(
    "role", [None, "förtroendevald", "sekreterare"], ids=["anonym", "fortroendevald", "sekreterare"]
)
def test_a_secret_case_cannot_be_reached_by_url_or_search(
    live_server, insjoriket, page, shot, role
):
    case, document = builders.secret_case(user=insjoriket["registrator"])
    who = role or "anonym"
    if role:
        login(page, live_server, ROLE_USERS[role])

    # By URL: the case page shows at most the number, the date and the public title (rule 21).
    response = page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert response.status in (200, 403, 404)
    if response.status == 200:
        assert case.number in page.inner_text("main")
        assert builders.SECRET_PUBLIC_TITLE in page.inner_text("main")
    assert_no_secret(page, f"the case page as {who}")
    shot(page, "arendesidan")
    check_axe(page, who)

    # The file of the secret handling is not served.
    response = page.goto(f"{live_server.url}/arenden/handlingar/{document.pk}/fil/")
    if role is None:
        assert "/logga-in/" in page.url  # sent to the login page
    else:
        assert response.status == 403
    assert_no_secret(page, f"the file URL as {who}")

    # The history page of the case, if it is there.
    response = page.goto(f"{live_server.url}/arenden/{case.pk}/historik/")
    assert response.status in (200, 302, 403, 404), response.status
    assert_no_secret(page, f"the history page as {who}")
    if response.status == 200:
        shot(page, "historiksidan")
        check_axe(page, who)

    # By search: a word of the secret title finds nothing; the number finds it masked at most.
    for query in ("Hemligsdotter", "skyddat boende", "läkarintyg"):
        page.goto(f"{live_server.url}/arenden/sok/")
        page.get_by_label("Sök på ord eller diarienummer").fill(query)
        page.get_by_role("button", name="Sök").click()
        page.wait_for_load_state()
        assert "0 träffar" in page.inner_text("main"), (who, query)
        assert_no_secret(page, f"search {query!r} as {who}", html=False)
    shot(page, "sok-pa-ord-utan-traff")
    check_axe(page, who)
    page.get_by_label("Sök på ord eller diarienummer").fill(case.number)
    page.get_by_role("button", name="Sök").click()
    page.wait_for_load_state()
    assert_no_secret(page, f"search by number as {who}")
    shot(page, "sok-pa-nummer-maskerat")
    check_axe(page, who)

    # The JSON search API says the same.
    api = page.request.get(f"{live_server.url}/api/v1/search/?q=Hemligsdotter")
    assert api.status in (200, 401, 403)
    if api.status == 200:
        assert api.json()["results"] == []


def test_the_registrator_does_see_the_secret_case(live_server, insjoriket, page, shot):
    """The control for the test above: the secret words are on the page for a role with
    secrecy access, so their absence elsewhere means something."""
    case, _document = builders.secret_case(user=insjoriket["registrator"])
    login(page, live_server, ROLE_USERS["registrator"])
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    main = page.inner_text("main")
    assert builders.SECRET_TITLE in main and builders.SECRET_DOCUMENT in main
    shot(page, "arendesidan-med-sekretess")
    check_axe(page, "registrator")
    page.goto(f"{live_server.url}/arenden/sok/?q=Hemligsdotter")
    assert page.locator("ol.search-results").get_by_role("link", name=case.number).count() >= 1
    check_axe(page, "registrator")


def test_the_anslagstavla_is_reached_and_read_with_the_keyboard(
    live_server, insjoriket, page, shot
):
    """Keyboard only (WCAG 2.1.1, 2.4.7): from the start page, Tab to the Anslagstavla link
    in the menu, open it with Enter, and Tab on to the protocol link; the focused element is
    visibly marked."""
    builders.posted_meeting(
        organ_=builders.organ("Härryda", "KS"),
        held_on=dt.date(2026, 11, 9),
        approved_on=dt.date(2026, 11, 12),
        posted_on=dt.date(2026, 11, 13),
        titles=["Detaljplan för Mölnlycke centrum"],
    )
    page.goto(f"{live_server.url}/")

    def tab_to(name: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            text = page.evaluate("document.activeElement.textContent.trim()")
            if text == name or text.startswith(name):
                return
        raise AssertionError(f"{name!r} not reached with Tab")

    def focus_is_visible() -> bool:
        return page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)"
            " || s.boxShadow !== 'none'; })()"
        )

    tab_to("Anslagstavla")
    assert focus_is_visible()
    shot(page, "fokus-pa-anslagstavla")
    page.keyboard.press("Enter")
    page.wait_for_url("**/anslagstavla/")
    tab_to("Protokoll Kommunstyrelsen 2026-11-09")
    assert focus_is_visible()
    shot(page, "fokus-pa-protokollet")
    check_axe(page)
