"""Import of the declarative data file (``docs/data-format.md``).

The whole file is read and validated first: its fields by the typed records of ``schema``
(pydantic), what spans records by ``reader`` (references, duplicates, and the rules the
services enforce: ``check_ballots``, ``check_link_time``). Nothing is written while a single
error remains; every error names its record (``messages``). Then ``writer`` writes everything
in one transaction, record by record through ``save()`` so that django-simple-history records
every change with the reason "Import från <filnamn>". Records are found by their natural keys
(never database ids) and saved only when a value differs, so a second import of the same file
writes nothing: no new rows and no new history records.

Children that the file lists in full (närvaro, deltagare, yrkanden, voteringar, röster,
reservationer, jäv) are replaced: rows of a § that the file no longer lists are deleted.
Top-level records the file does not mention are left alone, since a file need not hold the
whole register.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import translation

from decisions.importer.messages import *  # noqa: F403 - the messages are the importer's API
from decisions.importer.messages import NOT_UTF8, YAML_SYNTAX
from decisions.importer.reader import Reader
from decisions.importer.result import ImportFailed, ImportResult
from decisions.importer.writer import Writer

__all__ = ["CHANGE_REASON", "ImportFailed", "ImportResult", "import_file", "import_text"]

CHANGE_REASON = "Import från {name}"


class _Loader(yaml.SafeLoader):
    """Dates stay text, so that a bad date is an error the importer can name."""


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true/false are booleans: "no", "on", "yes" stay text (YAML 1.1 would read them as bools).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def import_file(path: str | Path) -> ImportResult:
    """Import the data file at ``path``; raises ImportFailed, writing nothing, on any error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed([NOT_UTF8.format(name=path.name, position=exc.start)]) from exc
    return import_text(text, source_name=path.name)


def import_text(text: str, *, source_name: str) -> ImportResult:
    """Import the data file's ``text``; ``source_name`` names it in the history."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ImportFailed([YAML_SYNTAX.format(error=exc)]) from exc
    with translation.override("sv"):
        plan = Reader(data or {}).read()
        with transaction.atomic():
            return Writer(plan, reason=CHANGE_REASON.format(name=source_name)).write()
