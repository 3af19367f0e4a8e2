"""The data file's typed records (decisions/importer/schema.py) and the one table of Swedish
messages their errors are reported with (decisions/importer/messages.py)."""

import pytest
from pydantic import ValidationError

from decisions.importer import schema
from decisions.importer.messages import describe


def _errors(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        schema.DataFile.model_validate(data)
    return [describe(e, data) for e in caught.value.errors()]


MEETING = {"organ": "Test KF", "held_on": "2024-03-18"}


def test_every_error_type_of_the_schema_has_a_swedish_message():
    data = {
        "organisations": [{"name": "T", "kind": "by", "formed_on": "igår"}, "text"],
        "people": [{"key": "Anna B", "name": "Anna", "titel": "x"}],
        "meetings": [
            MEETING
            | {
                "approved_date_unknown": "ja",
                "decisions": [{"number": "sju", "votes": [{"question": "?", "ja": 1.5}]}],
            }
        ],
        "contributions": [{"federation": "T", "year": 2024, "payments": [{"amount": "-5"}]}],
        "cases": {"number": 1},
    }

    errors = _errors(data)

    assert errors == [
        'organisations[0] (T).kind: ogiltigt värde "by"; tillåtna värden: '
        "Samordningsförbund, Kommun, Region, Statlig myndighet",
        'organisations[0] (T).formed_on: ogiltigt datum "igår" (ange ÅÅÅÅ-MM-DD)',
        "organisations[1]: ska vara en mappning (fält: värde)",
        'people[0] (Anna B).key: ogiltig nyckel "Anna B" (endast a–z, 0–9 och bindestreck)',
        'people[0] (Anna B): okänt fält "titel"',
        "cases: ska vara en lista",
        "meetings[0] (Test KF 2024-03-18).approved_date_unknown: "
        'ogiltigt sanningsvärde "ja" (ange true eller false)',
        'meetings[0] (Test KF 2024-03-18).decisions[0] (Test KF ).number: ogiltigt heltal "sju"',
        "meetings[0] (Test KF 2024-03-18).decisions[0] (Test KF ).title: saknas",
        "meetings[0] (Test KF 2024-03-18).decisions[0] (Test KF ).votes[0].ja: "
        'ogiltigt heltal "1.5"',
        "meetings[0] (Test KF 2024-03-18).decisions[0] (Test KF ).votes[0].nej: saknas",
        "meetings[0] (Test KF 2024-03-18).decisions[0] (Test KF ).votes[0].avstår: saknas",
        'contributions[0] (2024).payments[0].amount: ogiltigt belopp "-5"',
    ]


def test_a_choice_is_accepted_as_swedish_label_or_stored_value_in_any_case():
    org = {"name": "T", "kind": "Kommun"}
    other = {"name": "U", "kind": "region"}

    parsed = schema.DataFile.model_validate({"organisations": [org, other]})

    assert [o.kind for o in parsed.organisations] == ["municipality", "region"]


def test_only_true_and_false_are_truth_values_and_a_blank_value_is_absent():
    decision = {"title": "X", "approved_immediately": True, "procedure": "  "}
    meeting = MEETING | {"decisions": [decision]}

    parsed = schema.DataFile.model_validate({"meetings": [meeting]})

    d = parsed.meetings[0].decisions[0]
    assert d.approved_immediately is True and d.procedure == ""
    assert d.participants is None  # left out: everyone serving


def test_participants_given_empty_means_not_known():
    meeting = MEETING | {"decisions": [{"title": "X", "participants": None}]}

    parsed = schema.DataFile.model_validate({"meetings": [meeting]})

    assert parsed.meetings[0].decisions[0].participants == []


def test_an_amount_may_be_written_with_spaces_as_in_the_source():
    payment = {"payer_label": "Staten", "amount": "1 054 800"}
    data = {"contributions": [{"federation": "T", "year": 2024, "payments": [payment]}]}

    parsed = schema.DataFile.model_validate(data)

    assert str(parsed.contributions[0].payments[0].amount) == "1054800"


def test_the_recovering_pass_keeps_the_records_whose_other_fields_are_sound():
    data = {
        "meetings": [
            MEETING | {"decisions": [{"title": "X", "kind": "gissning"}, "text", {"number": 2}]}
        ]
    }

    parsed = schema.DataFile.model_validate(data, context={"recover": True})

    first, hole, untitled = parsed.meetings[0].decisions
    assert first.kind == "decision" and hole is None and untitled.title == ""
