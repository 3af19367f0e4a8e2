"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server on
real PostgreSQL, with axe-core (from axe-playwright-python) checking every page visited.

Playwright's sync API keeps an asyncio event loop running in the test thread while a browser is
open, so Django's "async-unsafe" guard would refuse every ORM call made by the test itself
(loading data, counting rows). The guard is meant for code running *inside* a coroutine, which
these tests never do: the ORM calls run between Playwright calls, in the main greenlet. The
``playwright_instance`` fixture therefore sets DJANGO_ALLOW_ASYNC_UNSAFE only while a browser is
open (one per test module) and restores it afterwards, so the rest of the suite keeps the guard.

Screenshots go to ``test-artifacts/screenshots/<flow>/NN-step.png`` (git-ignored; CI keeps the
folder). Every page the flows visit is checked with ``check_axe`` (WCAG 2.0 A/AA, 2.1 AA); the
pages checked are listed in ``test-artifacts/axe-pages.txt``.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from insjoriket.access import setup_roles

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("INSJORIKET_TEST_ARTIFACTS", ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_LOG = ARTIFACTS / "axe-pages.txt"
CHROMIUM = os.environ.get("INSJORIKET_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "hemligt-lösenord-1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One user per role, named after it (ASCII usernames: they are typed in the login form).
ROLE_USERS = {
    "registrator": "registrator",
    "sekreterare": "sekreterare",
    "förtroendevald": "fortroendevald",
    "administratör": "administrator",
}


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a MEDIA_URL. The project sets MEDIA_URL to
    None (files of handlingar are served only through a view that checks access), and Django's
    live-server media handler cannot start with None (``urlparse(None)`` gives bytes and every
    request fails). The prefix set here is only read when the server starts; no file is stored
    under it, and the setting is None again as soon as the server runs."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MEDIA_URL="/__media-not-served__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _fresh_axe_log():
    """The list of pages axe checked describes one run."""
    AXE_LOG.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        message = f"Chromium saknas ({CHROMIUM}): installera med `apt-get install chromium`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=sv-SE"],
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder. The live server runs in this process, so it
    sees the same settings."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def insjoriket(transactional_db, media_root):
    """The Insjöriket data file, the four roles and one user per role. The live server needs
    committed data, so this runs on ``transactional_db`` (the tables are emptied after each
    test) and loads the data again for every test (about two seconds)."""
    setup_roles()
    call_command("load_insjoriket", verbosity=0)
    users = {}
    for role, username in ROLE_USERS.items():
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would."""
    page.goto(f"{live_server.url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=re.compile(r"^Logga ut")).count() == 1, page.content()


class Shots:
    """``shot(page, "step")`` saves test-artifacts/screenshots/<flow>/NN-step.png."""

    def __init__(self, flow: str):
        self.folder = SCREENSHOTS / flow
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request):
    flow = re.sub(r"^test_", "", request.node.name)
    flow = re.sub(r"[^A-Za-z0-9_-]+", "-", flow).strip("-")
    return Shots(flow)


def check_axe(page, role: str = "anonym") -> None:
    """axe-core on the page as it is now: zero violations of WCAG 2.0 A/AA and 2.1 A/AA."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = re.sub(r"^https?://[^/]+", "", page.url)
    with AXE_LOG.open("a", encoding="utf-8") as log:
        log.write(f"{role}\t{path}\t{results.violations_count} violations\n")
    assert results.violations_count == 0, f"{role} {path}:\n{results.generate_report()}"
