"""The importer resolves a reference-only decision link once the cited decision is imported
(chains.resolve_references), and a reimport changes nothing (rule 23: no stray history)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from decisions.models import Decision, DecisionLink
from insjoriket.access import setup_roles

pytestmark = pytest.mark.django_db

LATER = """
  - organ: Alingsås KS
    held_on: 2025-04-07
    attendance:
      - {person: per-vorberg, role: ledamot}
      - {person: grim-pedersen, role: ledamot}
    decisions:
      - {number: 2, title: Upphävande av taxa, decision_text: Taxan upphävs.}
"""
EARLIER = """
  - organ: Alingsås KS
    held_on: 2025-03-03
    attendance:
      - {person: per-vorberg, role: ledamot}
      - {person: grim-pedersen, role: ledamot}
    decisions:
      - {number: 1, title: Taxa, decision_text: Taxan fastställs.}
"""
LINKS = """
decision_links:
  - {source: Alingsås KS 2025 § 2, kind: upphäver, target_reference: "KS 2025-03-03 § 1"}
"""


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for label in ("cases", "decisions", "members")
        for m in apps.get_app_config(label).get_models()
    }


def run(tmp_path, text: str) -> str:
    path = tmp_path / "data.yaml"
    path.write_text("format: 1\nmeetings:\n" + text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_register", str(path), stdout=out)
    return out.getvalue()


def test_a_reference_is_resolved_when_its_decision_is_imported_and_a_reimport_is_unchanged(
    tmp_path,
):
    setup_roles()
    call_command("load_insjoriket", verbosity=0)
    run(tmp_path, LATER + LINKS)
    link = DecisionLink.objects.get(target_reference="KS 2025-03-03 § 1")
    assert link.target_id is None

    run(tmp_path, LATER + EARLIER + LINKS)
    link.refresh_from_db()
    earlier = Decision.objects.get(organ__organisation__short_name="Alingsås", title="Taxa")
    assert link.target_id == earlier.pk
    assert DecisionLink.objects.filter(target_reference="KS 2025-03-03 § 1").count() == 1

    before = counts()
    output = run(tmp_path, LATER + EARLIER + LINKS)
    assert counts() == before
    assert "Inga ändringar." in output
