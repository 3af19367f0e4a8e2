"""Settings of the test suite: the project's settings, DEBUG off as in production (the
default), on plain http (the test client and the browser tests' live server; DJANGO_HTTPS=0)
and on the static files as they are in the tree — no collectstatic, no manifest: WhiteNoise
and the live server find them through the finders, whether or not this checkout collected."""

import os

os.environ.setdefault("DJANGO_HTTPS", "0")

from insjoriket.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_COLLECTED = False
WHITENOISE_USE_FINDERS = True
