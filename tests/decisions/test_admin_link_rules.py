"""The § page's link inline checks the chain rules like the DecisionLink admin (the
bad-input table covers the latter): the inline form gets its source from the instance."""

import pytest
from django.core.management import call_command
from django.forms import modelform_factory

from decisions.admin import DecisionLinkForm
from decisions.models import Decision, DecisionLink

pytestmark = pytest.mark.django_db


def decision(label: str) -> Decision:
    org, code, year, number = label.split()
    return Decision.objects.get(
        organ__organisation__short_name=org, organ__code=code, year=int(year), number=int(number)
    )


@pytest.mark.parametrize(
    ("source", "kind", "target", "message"),
    [
        ("Härryda KS 2020 242", "refers_back", "Härryda VFN 2020 114", "cirkel"),
        ("Härryda VFN 2022 222", "revokes", "Härryda KF 2020 128", "behörighet"),
    ],
)
def test_the_inline_form_refuses_a_link_that_breaks_the_chain_rules(source, kind, target, message):
    call_command("load_insjoriket", verbosity=0)
    Form = modelform_factory(
        DecisionLink, form=DecisionLinkForm, fields=["kind", "target", "target_reference", "note"]
    )
    form = Form(
        {"kind": kind, "target": decision(target).pk, "note": ""},
        instance=DecisionLink(source=decision(source)),
    )
    assert not form.is_valid()
    assert any(message in error for error in form.non_field_errors()), form.errors


def test_the_inline_form_accepts_a_link_that_keeps_the_rules():
    call_command("load_insjoriket", verbosity=0)
    Form = modelform_factory(DecisionLink, form=DecisionLinkForm, fields=["kind", "target"])
    form = Form(
        {"kind": "refers_back", "target": decision("Härryda VFN 2020 114").pk},
        instance=DecisionLink(source=decision("Härryda KS 2022 440")),
    )
    assert form.is_valid(), form.errors
