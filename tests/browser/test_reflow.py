"""Every page reflows (issue 16 item 5; WCAG 2.1 1.4.10 Reflow, which axe does not test): at
320 CSS px (1280 px zoomed to 400 %) and at 640 px (200 %) no page is wider than its viewport,
so a reader never scrolls the page sideways. A wide table scrolls in its own labelled region
or stacks its rows; long words wrap.

The pages and roles come from the access matrix (tests/insjoriket/test_access_matrix.py): every
URL of the URLconf that the matrix says answers a role with 200, with its parameters filled with
the Insjöriket data file's objects, is opened by that role at both widths. Pages that are not
HTML (PDFs, files, the JSON API) have nothing to reflow and are left out by their content type.
The Django admin is not in the matrix's site routes and not in this test: it is a staff tool
with its own styles.

One browser and one context per role; the data is loaded once, and each page once per role:
the 640 and 1280 px measures are taken after resizing the 320 px page. The offenders, if any,
are listed as "URL role: scrollWidth px at width" in the failure and in
test-artifacts/reflow.txt.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from cases.models import Case, DisclosureDecision, Document, DocumentRequest
from decisions.models import Correction, Decision, Meeting
from insjoriket.access import setup_roles
from members.models import Organisation
from tests.browser import builders
from tests.browser.conftest import ARTIFACTS
from tests.insjoriket.test_access_matrix import (
    ANON,
    QUERY_BY_URL,
    ROLES,
    expectation,
    requests_for,
    site_routes,
    user_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

# 320 and 640 px are WCAG's; 1280 px, the width the pages are designed for, must not overflow
# either (a long unbreakable word once made a meeting page 1,446 px wide there).
WIDTHS = (320, 640, 1280)
# The search pages are also opened with a word that finds rows in the data file (the matrix
# searches for a secret word, which finds nothing here): a page of hits must reflow too.
SEARCH_WITH_HITS = "?q=utträde"
# A long compound word and a long diarienummer-like string in a § title: they must wrap.
LONG_TITLE = "Överförmyndarnämndsverksamhetsberättelseuppföljningsrapporten för 2026"


def seeded_objects() -> dict:
    """The matrix's targets (see TARGETS_BY_KIND there) in the Insjöriket data, the fullest
    object of each kind: the case with the most rows, a secret case and handling, a justerad
    protocol posted this week (so it is on the anslagstavla) whose §§ are the secret case's, and
    the unjusterad meeting with the most attendance and §§."""
    from django.db.models import Count

    secret_case, secret_document = builders.secret_case()
    today = dt.date.today()
    posted = builders.posted_meeting(
        organ_=builders.organ("Alingsås", "KS"),
        held_on=today - dt.timedelta(days=9),
        approved_on=today - dt.timedelta(days=6),
        posted_on=today - dt.timedelta(days=5),
        titles=[LONG_TITLE, "Budget för räddningstjänsten 2027"],
        case=secret_case,
    )
    case = (
        Case.objects.exclude(pk=secret_case.pk)
        .annotate(rows=Count("documents", distinct=True) + Count("decisions", distinct=True))
        .order_by("-rows", "pk")
        .first()
    )
    draft_meeting = (
        Meeting.objects.filter(approved_on__isnull=True)
        .annotate(rows=Count("attendances", distinct=True) + Count("decisions", distinct=True))
        .order_by("-rows", "pk")
        .first()
    )
    decision = Decision.objects.get(organ__code="KF", number=128, year=2020)
    secret_decision = posted.decisions.order_by("pk").first()
    corrections = {
        name: Correction.objects.create(
            decision=d,
            made_by="Sekreteraren",
            made_on=today,
            why="Skrivfel.",
            what="I beslutet ska det stå ”firmatecknare” i stället för ”firmatecknaren”.",
        )  # fmt: skip
        for name, d in (("correction", decision), ("secret_correction", secret_decision))
    }
    document_request = DocumentRequest.objects.create(
        case=secret_document.case, received_on=today - dt.timedelta(days=3),
        requester="Anna Andersson", description="Alla handlingar i ärendet om " + LONG_TITLE,
    )  # fmt: skip
    disclosure = DisclosureDecision.objects.create(
        request=document_request, document=secret_document, outcome="masked",
        ground="OSL 26 kap. 1 §", masked_words="Hemligsson", decided_on=today,
        decided_by="Registratorn",
    )  # fmt: skip
    return {
        **corrections,
        "document_request": document_request,
        "disclosure": disclosure,
        "case": case,
        "secret_case": secret_case,
        "document": Document.objects.filter(case=case).first()
        or Document.objects.exclude(pk=secret_document.pk).first(),
        "secret_document": secret_document,
        "meeting": posted,
        "draft_meeting": draft_meeting,
        "decision": decision,
        "secret_decision": secret_decision,
        "draft_decision": draft_meeting.decisions.order_by("pk").first(),
        "federation": Organisation.objects.get(short_name="Insjöriket"),
        "member": Organisation.objects.get(short_name="Härryda"),
        "organ": posted.organ,
    }


def urls_for(role: str, objects: dict) -> list[str]:
    """Every URL the matrix says answers ``role`` with 200, once each."""
    urls: list[str] = []
    for route in site_routes():
        for target, url in requests_for(route, objects):
            if expectation(route, target)[role] == 200:
                urls.append(url)
                if route.name in QUERY_BY_URL and not url.startswith("/api/"):
                    urls.append(url.split("?")[0] + SEARCH_WITH_HITS)
    return list(dict.fromkeys(urls))


def logged_in_context(browser, live_server, role: str):
    context = browser.new_context(
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": WIDTHS[0], "height": 800},
    )
    context.set_default_timeout(15_000)
    user = user_for(role)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def test_no_page_is_wider_than_its_viewport_at_320_640_and_1280_px_for_any_role(
    live_server, transactional_db, media_root, browser
):
    setup_roles()
    from django.core.management import call_command

    call_command("load_insjoriket", verbosity=0)
    objects = seeded_objects()

    too_wide: list[str] = []
    measured: dict[str, int] = {}
    for role in ROLES:
        context = logged_in_context(browser, live_server, role)
        page = context.new_page()
        measured[role] = 0
        for url in urls_for(role, objects):
            probe = context.request.get(f"{live_server.url}{url}", max_redirects=0)
            if probe.status != 200 or not probe.headers.get("content-type", "").startswith(
                "text/html"
            ):
                continue  # not a page (PDF, file, JSON), or not this role's to see
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                if width == WIDTHS[0]:
                    page.goto(f"{live_server.url}{url}")
                scroll_width, inner_width = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                if scroll_width > inner_width:
                    too_wide.append(f"{url} {role}: {scroll_width} px at {width}")
            measured[role] += 1
        context.close()

    report = f"{sum(measured.values())} pages × {len(WIDTHS)} widths measured, {measured}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "reflow.txt").write_text("\n".join([report, *too_wide]) + "\n", "utf-8")
    assert all(measured.values()) and measured[ANON] >= 10, report
    if too_wide:
        pytest.fail(f"Pages wider than the viewport ({report}):\n" + "\n".join(too_wide))
