"""What a user reads cites the law (KL 5 kap. 69 §), never the project's own rule numbers
("regel 9"): RULES.md numbers are for tests and developers. This walks every template, every
string in the code that is not a docstring, the Swedish catalogue and the database's own
functions (the triggers' refusals), and fails naming each place that still says "regel N"."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
RULE_NUMBER = re.compile(r"\b[Rr]eg(?:el|ler|eln)\s+\d+")
APPS = ("cases", "decisions", "members", "insjoriket")


def _code_strings(path: Path):
    """(line, text) of every string constant of a module except its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value


def test_no_template_says_regel_n():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RULE_NUMBER.search(line) and "{#" not in line
    ]
    assert found == []


def test_no_message_in_the_code_says_regel_n():
    modules = [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]
    assert len(modules) > 50  # the walk found the code
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules
        for line, text in _code_strings(path)
        if RULE_NUMBER.search(text)
    ]
    assert found == []


def test_the_swedish_catalogue_says_no_regel_n():
    catalogue = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    found = [
        f"django.po:{number}"
        for number, line in enumerate(catalogue.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(("msgid", "msgstr", '"')) and RULE_NUMBER.search(line)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_databases_refusals_cite_the_law():
    """The triggers' messages reach the user through the pages' refusal messages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = current_schema() AND p.prosrc ILIKE '%%raise%%'"
        )
        functions = cursor.fetchall()
    assert functions, "the rule-9 triggers' functions were not found"
    assert [name for name, source in functions if RULE_NUMBER.search(source)] == []
