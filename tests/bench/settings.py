"""Settings for the benchmark server only: the project's settings with the benchmark URLconf,
which adds the reference view (tests/bench/urls.py). Never used by the product."""

from insjoriket.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
