"""Error pages are Swedish (rule 20: a clear Swedish message, never Django's English page)."""

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.test import Client

pytestmark = pytest.mark.django_db


def test_not_found_is_swedish_and_in_the_site_layout(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Sidan finns inte" in text and 'lang="sv"' in text
    assert "Not Found" not in text


def test_a_failed_csrf_check_is_a_swedish_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/logga-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Säkerhetskontrollen (CSRF) misslyckades" in text
    assert "Forbidden" not in text


def test_a_denied_page_is_a_swedish_403(client):
    user = get_user_model().objects.create_user(username="utan-roll", password="x-y-z-123456")
    client.force_login(user)
    response = client.get("/arenden/nytt/")
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()


def test_the_500_page_needs_no_context():
    html = get_template("500.html").render()
    assert "Tekniskt fel" in html and 'lang="sv"' in html


def test_every_page_names_its_icon(client):
    text = client.get("/").content.decode()
    assert 'rel="icon"' in text and "favicon" in text
