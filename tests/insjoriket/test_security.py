"""Security gates of the whole site (issue 6): login lockout (django-axes), the
Content-Security-Policy header and CSRF on every POST. Secrecy on every surface (rules 21, 23)
is in test_access_matrix.py."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

PASSWORD = "rätt-lösenord-123"


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create_user(username="kerstin", password=PASSWORD)


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip="10.0.0.1"):
    return [login(client, username, "fel", ip).status_code for _ in range(times)]


# --- 1. Login lockout --------------------------------------------------------------------


def test_four_failures_still_show_the_form_and_the_right_password_then_works(client, clerk):
    assert fail(client, "kerstin", 4) == [200, 200, 200, 200]

    response = login(client, "kerstin", PASSWORD)

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(clerk.pk)


def test_the_fifth_failure_locks_the_username_from_that_address_with_a_swedish_page(client, clerk):
    statuses = fail(client, "kerstin", 5)
    response = login(client, "kerstin", PASSWORD)  # even the right password

    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Inloggningen är tillfälligt spärrad" in page
    assert "5 gånger i rad" in page
    assert "15 minuter" in page
    assert '<html lang="sv">' in page


def test_lockout_is_by_username_and_address_together_not_address_alone(client, clerk):
    get_user_model().objects.create_user(username="olle", password=PASSWORD)
    fail(client, "kerstin", 5, ip="10.0.0.1")

    # Another user behind the same NAT address logs in fine …
    assert login(Client(), "olle", PASSWORD, ip="10.0.0.1").status_code == 302
    # … and so does the same user from another address.
    assert login(Client(), "kerstin", PASSWORD, ip="10.0.0.2").status_code == 302
    # The locked pair stays locked.
    assert login(Client(), "kerstin", PASSWORD, ip="10.0.0.1").status_code == 429


def test_a_successful_login_resets_the_count(client, clerk):
    fail(client, "kerstin", 4)
    assert login(client, "kerstin", PASSWORD).status_code == 302
    client.logout()

    assert fail(client, "kerstin", 4) == [200, 200, 200, 200]
    assert login(client, "kerstin", PASSWORD).status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(clerk):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        fail(Client(), "kerstin", 5)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert login(Client(), "kerstin", PASSWORD).status_code == 429
    # A try during the lockout restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
    # LOCKOUT), so wait 15 minutes from that try.
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        assert login(Client(), "kerstin", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_header_does_not_give_a_fresh_count(client, clerk):
    """Without a proxy in front (DJANGO_PROXY_COUNT unset) the address is REMOTE_ADDR; a
    client cannot pick a new address per try with X-Forwarded-For."""
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "kerstin", "password": "fel"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = client.post(
        reverse("login"),
        {"username": "kerstin", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )

    assert response.status_code == 429


def test_the_admin_login_is_locked_by_the_same_rule(client, clerk):
    clerk.is_staff = True
    clerk.save()
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "kerstin", "password": "fel"}, REMOTE_ADDR="10.0.0.9")

    response = client.post(
        url, {"username": "kerstin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 429
    assert AccessAttempt.objects.filter(username="kerstin", ip_address="10.0.0.9").exists()


# --- 3. Content-Security-Policy -------------------------------------------------------------

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


@pytest.mark.parametrize("url_name", ["home", "login", "accessibility", "cases:case-list"])
def test_site_pages_carry_a_strict_policy(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_admin_carries_the_same_policy_and_still_renders(admin_client):
    for url in (reverse("admin:index"), reverse("admin:cases_case_changelist")):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert policy(response)["script-src"] == "'self'"


def test_the_admin_and_our_templates_have_no_inline_script_or_style():
    """The policy forbids inline scripts, event-handler attributes and style attributes; a
    template that needs one would break silently in the browser, so none may have one."""
    import django

    admin_templates = Path(django.__file__).parent / "contrib" / "admin" / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|\sstyle=\"", re.IGNORECASE)
    offenders = []
    for root in (TEMPLATES_DIR, admin_templates):
        for path in root.rglob("*.html"):
            if "pdf" in path.parts:  # PDF templates are rendered by WeasyPrint, not a browser
                continue
            for match in inline.finditer(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(root)}: {match.group(0)}")

    assert offenders == []


def test_the_login_page_is_not_framed_and_not_sniffed(client, db):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- Demo users and the access-aware manager ---------------------------------------------


def test_create_demo_users_makes_one_user_per_role_and_can_run_twice(db):
    from django.core.management import call_command

    call_command("create_demo_users", stdout=io.StringIO())
    call_command("create_demo_users", stdout=io.StringIO())

    users = get_user_model().objects.filter(
        username__in=["admin", "registrator", "sekreterare", "fortroendevald"]
    )
    assert users.count() == 4
    groups = {u.username: [g.name for g in u.groups.all()] for u in users}
    assert groups["registrator"] == ["registrator"]
    assert groups["sekreterare"] == ["sekreterare"]
    assert groups["fortroendevald"] == ["förtroendevald"]
    assert users.get(username="admin").is_superuser
    assert not users.get(username="fortroendevald").is_staff
    for user in users:
        assert user.check_password("insjoriket-demo")


def test_case_objects_applies_the_secrecy_rule(db):
    """Rule 21: Case.objects.visible_to(user) leaves secret cases out for visitors."""
    from django.contrib.auth.models import AnonymousUser

    from cases.models import Case
    from tests.factories import make_case, make_register

    register = make_register()
    open_case = make_case(register=register)
    make_case(
        register=register,
        is_secret=True,
        secrecy_ground="OSL 26 kap. 1 §",
        secrecy_marked_on=dt.date(2024, 1, 10),
        secrecy_marked_by="Socialnämnden",
    )

    assert list(Case.objects.visible_to(AnonymousUser())) == [open_case]
    assert list(register.cases.visible_to(AnonymousUser())) == [open_case]
    assert Case.objects.count() == 2


# --- Swedish texts of simple_history and axes (locale/sv) ---------------------------------


def test_history_and_lockout_texts_are_swedish():
    """locale/sv/LC_MESSAGES/django.po, compiled by `make setup` (compilemessages)."""
    from django.utils import translation

    mo = Path(__file__).resolve().parents[2] / "locale/sv/LC_MESSAGES/django.mo"
    assert mo.exists(), "run `make setup` (manage.py compilemessages) first"
    with translation.override("sv"):
        assert translation.gettext("Changed by") == "Ändrad av"
        assert translation.gettext("Change reason") == "Orsak till ändringen"
        assert translation.gettext("History") == "Historik"
        assert translation.gettext("access attempts") == "inloggningsförsök"
        assert translation.gettext(
            "Account locked: too many login attempts. Please try again later."
        ).startswith("Kontot är spärrat")


def test_the_admin_history_page_of_a_case_is_in_swedish(admin_client):
    from tests.factories import make_case

    case = make_case()
    response = admin_client.get(reverse("admin:cases_case_history", args=[case.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ändrad av" in page
    assert "Changed by" not in page


def test_the_test_clients_login_without_a_request_still_works(client, clerk):
    """LockoutBackend leaves request-less logins (client.login, commands) to ModelBackend."""
    assert client.login(username="kerstin", password=PASSWORD)
    assert not Client().login(username="kerstin", password="fel")


def test_the_login_and_lockout_pages_make_a_bounded_number_of_queries(
    client, clerk, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_num_queries(0):
        assert client.get(reverse("login")).status_code == 200
    fail(client, "kerstin", 4)
    # The fifth failure: the user lookup, axes' lockout check, its attempt row and the
    # failure log — a constant number, however many attempts were made before.
    with django_assert_max_num_queries(10) as fifth:  # 8 measured
        assert login(client, "kerstin", "fel").status_code == 429
    with django_assert_max_num_queries(len(fifth.captured_queries)):
        assert login(client, "kerstin", "fel").status_code == 429
