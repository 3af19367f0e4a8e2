"""Every error the importer reports, in Swedish (a clerk reads them), each prefixed with the
path of its record: ``meetings[3] (Härryda KF 2020-06-15).decisions[0] (Härryda KF 2020 § 128)
.votes[0].ballots[12].person: okänd person "x"``.

``PYDANTIC_MESSAGES`` is the one table from the schema's error types to these texts;
``describe`` turns one pydantic error into a line of the report. The labels in brackets come
from the file's own values (``record_label``), so that the line names the record a clerk sees.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic_core import ErrorDetails

YAML_SYNTAX = "filen är inte giltig YAML: {error}"
NOT_A_MAPPING = "ska vara en mappning (fält: värde)"
NOT_A_LIST = "ska vara en lista"
NOT_TEXT = 'ogiltig text "{value}"'
REQUIRED = "saknas"
UNKNOWN_FIELD = 'okänt fält "{field}"'
BAD_DATE = 'ogiltigt datum "{value}" (ange ÅÅÅÅ-MM-DD)'
BAD_INT = 'ogiltigt heltal "{value}"'
BAD_BOOL = 'ogiltigt sanningsvärde "{value}" (ange true eller false)'
BAD_AMOUNT = 'ogiltigt belopp "{value}"'
BAD_CHOICE = 'ogiltigt värde "{value}"; tillåtna värden: {allowed}'
BAD_KEY = 'ogiltig nyckel "{value}" (endast a–z, 0–9 och bindestreck)'
BAD_VALUE = 'ogiltigt värde "{value}"'
DUPLICATE = 'finns redan i filen: "{key}"'
DUPLICATE_NUMBER = "§ {number} förekommer två gånger för {organ} {year}"
UNKNOWN_ORGANISATION = 'okänd organisation "{ref}"'
UNKNOWN_ORGAN = 'okänt organ "{ref}"'
UNKNOWN_PERSON = 'okänd person "{ref}"'
UNKNOWN_REGISTER = 'okänt diarium "{ref}"'
UNKNOWN_CASE = 'okänt ärende "{ref}"'
AMBIGUOUS_CASE = 'diarienumret "{ref}" finns i flera diarier; ange {{register: …, number: …}}'
UNKNOWN_CLASSIFICATION = 'okänd klass "{code}" i "{scheme}"'
UNKNOWN_DECISION = 'okänt beslut "{ref}"'
NUMBER_DOES_NOT_FIT = 'diarienumret "{number}" passar inte diariets format "{format}"'
NUMBER_MISMATCH = 'diarienumret "{number}" stämmer inte med år {year} och löpnummer {serial}'
DATE_NOTE_NEEDED = "ett sammanträde utan datum måste ha date_note som säger vad som är känt"
YEAR_CONFLICT = "year {year} stämmer inte med datumet {held_on}"
NUMBER_NEEDS_YEAR = "en paragraf med nummer kräver att sammanträdets år är känt"
UNDATED_NEEDS_KEY = "ett sammanträde eller en paragraf utan datum/nummer behöver en key"
NOT_PARTICIPANT = 'person "{ref}" deltar inte i paragrafen'
RECUSED_PARTICIPANT = 'person "{ref}" är jävig men står som deltagare'
BALLOTS_DO_NOT_ADD_UP = (
    "voteringslistan ger {yes} ja, {no} nej, {abstain} avstår men resultatet anger "
    "{yes_count} ja, {no_count} nej, {abstain_count} avstår"
)
DUPLICATE_BALLOT = 'person "{ref}" röstar två gånger'
LINK_WITHOUT_TARGET = "ange target (ett beslut) eller target_reference (text)"
LINK_TO_SELF = "ett beslut kan inte kopplas till sig självt"
LINK_AGAINST_TIME = (
    "kopplingen går mot tiden: {source} ({source_date}) {kind} {target} ({target_date})"
)
ORGAN_CYCLE = "organen bildar en cirkel av överordnade organ"
DATE_UNKNOWN_WITH_DATE = (
    "approved_date_unknown: true betyder att justeringsdatum inte är känt; ange inte "
    "samtidigt approved_on"
)
DATE_UNKNOWN_WITH_POSTING = (
    "anslag (posted_on, removed_on) kräver ett känt justeringsdatum (approved_on)"
)
KNOWN_FROM_SOURCES_WITH_PROTOCOL = (
    "known_from_sources gäller ett protokoll som inte finns i registret; ange inte samtidigt "
    "justering eller anslag (approved_on, approved_date_unknown, posted_on)"
)
DATES_OUT_OF_ORDER = "{later} ({later_value}) får inte vara före {earlier} ({earlier_value})"
CASE_LINK_TO_SELF = "ett ärende kan inte kopplas till sig självt"
SAVE_FAILED = "kunde inte sparas: {error}"
NOT_UTF8 = (
    "{name}: filen är inte kodad som UTF-8 (ogiltigt tecken vid byte {position}); "
    "spara den som UTF-8 och försök igen"
)

# pydantic error type -> message; the message is formatted with ``value`` (the input) and
# the error's context (``allowed`` for a choice). Types not listed fall back to BAD_VALUE.
PYDANTIC_MESSAGES = {
    "missing": REQUIRED,
    "extra_forbidden": UNKNOWN_FIELD,
    "model_type": NOT_A_MAPPING,
    "model_attributes_type": NOT_A_MAPPING,
    "dict_type": NOT_A_MAPPING,
    "list_type": NOT_A_LIST,
    "string_type": NOT_TEXT,
    "string_pattern_mismatch": BAD_KEY,
    "date_parsing": BAD_DATE,
    "date_type": BAD_DATE,
    "date_from_datetime_parsing": BAD_DATE,
    "date_from_datetime_inexact": BAD_DATE,
    "int_parsing": BAD_INT,
    "int_type": BAD_INT,
    "int_from_float": BAD_INT,
    "greater_than_equal": BAD_INT,
    "bool_type": BAD_BOOL,
    "bool_parsing": BAD_BOOL,
    "decimal_parsing": BAD_AMOUNT,
    "enum": BAD_CHOICE,
}

# Python names of fields whose name in the file is a reserved word or a pydantic attribute.
_FIELD_OF = {"from_": "from", "register_": "register"}
_TAG = re.compile(r"^(?:[A-Z]\w*|str|int|list\[.*|function-.*)$")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(_text(value).replace(" ", ""))
    except ValueError:
        return None


def meeting_year(raw: dict) -> int | None:
    held_on = _date(raw.get("held_on"))
    return held_on.year if held_on else _int(raw.get("year"))


def record_label(section: str, raw: dict, parent: dict | None = None) -> str | None:
    """The bracketed name of a record in error paths, from its values as written."""
    g = raw.get
    if section == "organisations":
        return _text(g("name"))
    if section in ("organs", "registers"):
        return f"{g('organisation')} {_text(g('code'))}"
    if section == "people":
        return _text(g("key"))
    if section == "assignments":
        return f"{g('person')}, {g('organ')}"
    if section == "classification_schemes":
        return _text(g("name"))
    if section == "cases":
        return _text(g("number"))
    if section == "case_links":
        return f"{g('from')} ↔ {g('to')}"
    if section == "meetings":
        held_on = _date(g("held_on"))
        return f"{g('organ')} {held_on.isoformat() if held_on else _text(g('key')) or '?'}"
    if section == "decisions" and parent is not None:
        number = _int(g("number"))
        if number:
            return f"{parent.get('organ')} {meeting_year(parent) or '?'} § {number}"
        return f"{parent.get('organ')} {_text(g('key'))}"
    if section == "decision_links":
        return f"{g('source')} {g('kind')} {g('target') or g('target_reference')}"
    if section == "memberships":
        return f"{g('member')}"
    if section == "events":
        return f"{g('kind')}"
    if section == "contributions":
        return f"{g('year')}"
    return None


def path_of(loc: tuple[int | str, ...], data: Any) -> str:
    """``("meetings", 3, "decisions", 0, "title")`` → ``meetings[3] (Härryda KF 2020-06-15)
    .decisions[0] (Härryda KF 2020 § 128).title``, naming records by the file's values."""
    parts: list[str] = []
    node, field, parent = data, "", None
    for step in loc:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
            label = record_label(field, node, parent) if isinstance(node, dict) else None
            parts.append(f"[{step}]" + (f" ({label})" if label else ""))
            parent = node if isinstance(node, dict) else parent
        elif _TAG.match(step) and not (isinstance(node, dict) and step in node):
            continue  # pydantic's name of a union member or validator, not a field
        else:
            field = _FIELD_OF.get(step, step)
            parts.append(("." if parts else "") + field)
            node = node.get(field) if isinstance(node, dict) else None
    return "".join(parts) or "filen"


def describe(error: ErrorDetails, data: Any) -> str:
    """One pydantic error as a line of the import report."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{path_of(loc[:-1], data)}: {UNKNOWN_FIELD.format(field=loc[-1])}"
    template = PYDANTIC_MESSAGES.get(kind, BAD_VALUE)
    context = dict(error.get("ctx") or {})
    value = context.pop("value", error.get("input"))
    return f"{path_of(loc, data)}: {template.format(value=value, **context)}"
