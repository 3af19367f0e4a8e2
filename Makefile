# The two commands README.md opens with: `make run` and `make test`.
# Both work on a fresh machine of this image: they install what they need themselves.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := libharfbuzz-subset0 poppler-utils qpdf gettext fonts-dejavu-core
BROWSER_PACKAGES := chromium

.PHONY: run test setup system-packages browser-packages lint check

## Set everything up and serve the application with the Insjöriket data on http://127.0.0.1:8000
## DEBUG off as in production (the secret key is generated once into var/), static files
## collected and served by WhiteNoise; plain http on 127.0.0.1 (DJANGO_HTTPS=0) for the demo.
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py load_insjoriket
	$(PY) manage.py create_demo_users
	$(PY) manage.py collectstatic --noinput -v 0
	DJANGO_HTTPS=0 $(PY) manage.py runserver 127.0.0.1:8000

## Run the whole test suite (PostgreSQL from DATABASE_URL, or the embedded one)
test: setup browser-packages
	$(PY) -m pytest

## Run only the browser tests (Playwright + Debian's Chromium, axe-core); screenshots in test-artifacts/
.PHONY: browser-test
browser-test: setup browser-packages
	$(PY) -m pytest tests/browser

## Run the Celery worker for bulk PDF work (Redis from CELERY_BROKER_URL; docs/deployment.md)
.PHONY: worker
worker: setup
	$(VENV)/bin/celery -A insjoriket worker -l info --concurrency 1

setup: system-packages $(VENV)/.installed
	if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Install Debian packages that are missing (as root, or through sudo).
define ensure_debian_packages
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
	  | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installerar Debian-paket:$$missing"; \
	  s=""; [ "$$(id -u)" -ne 0 ] && s=sudo; \
	  $$s apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$s apt-get install -y -qq \
	  --no-install-recommends $$missing >/dev/null; fi
endef

system-packages:
	$(call ensure_debian_packages,$(SYSTEM_PACKAGES))

browser-packages:
	$(call ensure_debian_packages,$(BROWSER_PACKAGES))

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
