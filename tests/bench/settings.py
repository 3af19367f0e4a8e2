"""Settings for the benchmark server only: the project's settings with the benchmark URLconf,
which adds the reference view (tests/bench/urls.py). Never used by the product."""

from insjoriket.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"

# Production-like static files (WhiteNoise, hashed names) without touching the project's own
# staticfiles folder: bench_pages.py runs collectstatic into this one first.
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
