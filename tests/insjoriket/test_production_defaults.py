"""Production-safe by default (issue 16 item 4): DEBUG is off unless DJANGO_DEBUG=1, the
secret key of a checkout without DJANGO_SECRET_KEY is generated once into var/, and with DEBUG
off every error is the project's Swedish page, never Django's debug page."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from insjoriket import urls as project_urls
from insjoriket.settings import local_secret_key

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("hemlig-stackspårning-xyz")


# The project's URLconf and one view that fails (pytest.mark.urls below).
urlpatterns = [*project_urls.urlpatterns, path("provfel/", _boom)]
handler400 = project_urls.handler400


def _settings_in_a_fresh_process(**env) -> dict:
    """DEBUG, ALLOWED_HOSTS and HTTPS as a new process reads insjoriket.settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = (
        "import json; from insjoriket import settings as s; "
        "print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.HTTPS, bool(s.SECRET_KEY)]))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    import json

    debug, hosts, https, has_key = json.loads(out.stdout)
    return {"debug": debug, "hosts": hosts, "https": https, "has_key": has_key}


def test_debug_is_off_and_https_on_unless_asked_for():
    default = _settings_in_a_fresh_process()
    asked = _settings_in_a_fresh_process(DJANGO_DEBUG="1")

    assert default == {
        "debug": False,
        "hosts": ["127.0.0.1", "localhost"],
        "https": True,
        "has_key": True,
    }
    assert asked["debug"] is True and asked["https"] is False


def test_the_local_secret_key_is_generated_once_and_kept_private(tmp_path):
    key_file = tmp_path / "var" / "secret_key"

    first = local_secret_key(key_file)
    second = local_secret_key(key_file)

    assert first == second and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_var_folder_with_the_key_is_not_committed():
    assert "/var/" in (ROOT / ".gitignore").read_text().split()


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/arenden/999999/historik/", "/beslut/999999/", "/arenden/999999/", "/finns-inte/"]
)
def test_a_missing_page_is_the_swedish_404_in_the_site_layout(url):
    response = Client().get(url)

    text = response.content.decode()
    assert response.status_code == 404
    assert "Sidan finns inte" in text and '<html lang="sv">' in text
    assert 'class="site-header"' in text  # base.html
    assert "Not Found" not in text and "Traceback" not in text and "URLconf" not in text


@pytest.mark.django_db
def test_a_missing_api_address_is_a_json_404():
    response = Client().get("/api/v1/nope")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "URLconf" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_the_swedish_500_without_debug_information():
    response = Client(raise_request_exception=False).get("/provfel/")

    text = response.content.decode()
    assert response.status_code == 500
    assert "Tekniskt fel" in text and '<html lang="sv">' in text
    assert 'class="site-header"' in text
    assert "hemlig-stackspårning-xyz" not in text and "Traceback" not in text


def test_the_production_storage_keeps_plain_names_where_collectstatic_has_not_run(tmp_path):
    from insjoriket.storage import CollectedStaticFilesStorage

    storage = CollectedStaticFilesStorage(location=tmp_path, base_url="/static/")

    assert storage.url("css/site.css") == "/static/css/site.css"
