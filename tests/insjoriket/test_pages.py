"""Project pages: the start page, login and the tillgänglighetsredogörelse (rule 32)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_start_page_says_in_swedish_what_the_system_is_and_links_to_the_admin(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "ärende- och beslutsregister" in html
    assert reverse("admin:index") in html
    assert reverse("login") in html


def test_favicon_ico_answers_with_the_svg_icon_the_pages_link(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    head = client.head("/favicon.ico")
    icon = client.get(response["Location"])

    assert response.status_code == 302 and head.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert 'href="/static/favicon.svg"' in client.get(reverse("home")).content.decode()
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
    # The dev/test server serves static files through WhiteNoise's finders.
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_every_page_links_to_the_accessibility_statement(client):
    for name in ("home", "login", "accessibility"):
        html = client.get(reverse(name)).content.decode()
        assert reverse("accessibility") in html, name


def test_login_with_the_right_password_lets_the_user_in(client, admin_user):
    response = client.post(
        reverse("login"), {"username": "admin", "password": "hemligt-lösenord-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_login_with_a_wrong_password_gives_a_swedish_message(client, admin_user):
    response = client.post(reverse("login"), {"username": "admin", "password": "fel"})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in response.content.decode()


def test_admin_speaks_swedish(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Logga ut" in html or "Administration" in html
    assert 'lang="sv"' in html
