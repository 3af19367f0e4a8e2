"""The ``isodate`` filter prints what ``|date:"Y-m-d"`` printed, faster."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone

RENDER = engines["django"].from_string('{{ v|isodate }}|{{ v|date:"Y-m-d" }}')


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2024, 3, 12),
        dt.date(1999, 12, 31),
        # 23:30 UTC on 31 December is already 1 January in Stockholm.
        dt.datetime(2023, 12, 31, 23, 30, tzinfo=dt.UTC),
        timezone.now(),
        None,
        "",
    ],
)
def test_isodate_prints_what_the_date_filter_printed(value):
    iso, django_date = RENDER.render({"v": value}).split("|")
    assert iso == django_date


def test_isodate_of_a_utc_evening_is_the_swedish_date():
    assert RENDER.render({"v": dt.datetime(2023, 12, 31, 23, 30, tzinfo=dt.UTC)}).startswith(
        "2024-01-01|"
    )
