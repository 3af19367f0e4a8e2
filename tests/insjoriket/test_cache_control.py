"""Pages answered to a logged-in user are never stored by a cache or the browser
(``Cache-Control: no-store, private``; OSL 21 kap. 7 § and 4 kap. 1 §: what only that user may
see must not be kept for the next one); anonymous pages and static files keep their caching.
insjoriket.middleware.PrivatePagesMiddleware."""

import pytest
from django.test import Client

from tests.factories import make_case

pytestmark = pytest.mark.django_db

PAGES = ["/", "/arenden/", "/arenden/{case}/", "/sammantraden/", "/admin/", "/api/v1/registers/"]


def _directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answered_to_a_logged_in_user_is_no_store_and_private(admin_client, path):
    response = admin_client.get(path.format(case=make_case().pk))

    assert response.status_code == 200, path
    assert {"no-store", "private", "no-cache"} <= _directives(response), path
    assert "public" not in _directives(response)


def test_an_error_page_and_a_redirect_to_a_logged_in_user_are_no_store(admin_client):
    assert "no-store" in _directives(admin_client.get("/arenden/999999/"))
    assert "no-store" in _directives(admin_client.get("/favicon.ico"))
    assert "public" not in _directives(admin_client.get("/favicon.ico"))


@pytest.mark.parametrize("path", ["/", "/arenden/"])
def test_anonymous_pages_are_not_marked_private(path):
    response = Client().get(path)

    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_static_files_keep_their_caching_for_a_logged_in_user(admin_client):
    response = admin_client.get("/static/favicon.svg")

    assert response.status_code == 200
    assert "no-store" not in _directives(response)
