"""Template filters available in every template (TEMPLATES ``builtins``).

``isodate`` prints a date as ``2024-03-12`` — what ``|date:"Y-m-d"`` prints — without Django's
general date formatter, which parses the format string and looks up the locale for every call:
the anslagstavla's 167 rows × 6 dates spent 47 ms of its 66 ms CPU there (cProfile,
docs/benchmarks.md).
"""

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter(is_safe=True)
def isodate(value) -> str:
    """A date (or an aware datetime, in the current time zone) as YYYY-MM-DD; '' for none."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
