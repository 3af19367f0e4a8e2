"""Dates as a Swede types them, for every date field of the register's forms.

Accepted: ISO ``2025-03-10`` (also ``2025-3-10``), ``20250310``, and the day with the month in
Swedish words, ``10 mars 2025`` or ``10 mar 2025``. Refused with a message that says why: a
date with slashes or dots where day and month can change places (``10/3/2025`` is 10 March to
a Swede and 3 October to an American browser), and anything else that is not a date.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
WORDS = re.compile(r"(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})")
AMBIGUOUS = re.compile(r"\d{1,2}\s*[/.]\s*\d{1,2}\s*[/.]\s*\d{2,4}")

INVALID = _("Fyll i ett giltigt datum: ÅÅÅÅ-MM-DD, till exempel 2025-03-10.")
AMBIGUOUS_MESSAGE = _(
    "”%(value)s” kan läsas på två sätt (dag och månad kan byta plats). Skriv datumet som "
    "ÅÅÅÅ-MM-DD, till exempel 2025-03-10, eller med månaden i ord: 10 mars 2025."
)


class AmbiguousDate(ValueError):
    pass


def parse_date(text: str) -> dt.date | None:
    """The date ``text`` names, or None if it names none; ``AmbiguousDate`` where day and
    month could change places."""
    value = " ".join(text.strip().lower().split())
    if not value:
        return None
    if match := ISO.fullmatch(value) or COMPACT.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif (match := WORDS.fullmatch(value)) and match.group(2) in MONTHS:
        day, month, year = int(match.group(1)), MONTHS[match.group(2)], int(match.group(3))
    elif AMBIGUOUS.fullmatch(value):
        raise AmbiguousDate(value)
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class DateField(forms.DateField):
    """A date field of the register's forms: see the module. The browser's date picker sends
    ISO; where it is missing, what the user typed is read the Swedish way or refused."""

    default_error_messages = {"invalid": INVALID}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            parsed = parse_date(str(value))
        except AmbiguousDate:
            raise ValidationError(
                AMBIGUOUS_MESSAGE, code="ambiguous", params={"value": str(value).strip()}
            ) from None
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
