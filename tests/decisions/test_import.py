"""The importer refuses a broken data file as a whole, naming the record at fault, and leaves
the database as it was."""

import textwrap

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from decisions import importer
from decisions.importer import ImportFailed, import_file
from decisions.models import Decision

pytestmark = pytest.mark.django_db

BASE = """
organisations:
  - {name: Testkommun, short_name: Test, kind: kommun}
organs:
  - {organisation: Test, code: KF, name: Kommunfullmäktige, kind: fullmäktige}
people:
  - {key: anna, name: Anna Andersson, party: S}
  - {key: bo, name: Bo Berg, party: M}
  - {key: cia, name: Cia Ek, party: C}
"""

MEETING = """
meetings:
  - organ: Test KF
    held_on: 2024-03-18
    attendance:
      - {person: anna}
      - {person: bo}
    decisions:
"""


def _write(tmp_path, body: str):
    path = tmp_path / "data.yaml"
    path.write_text(textwrap.dedent(BASE) + textwrap.dedent(body), encoding="utf-8")
    return path


def _vote(*, yes: int, ballots: list[str]) -> str:
    lines = [
        "      - number: 1",
        "        title: X",
        "        votes:",
        "          - question: Den som bifaller röstar ja",
        f"            ja: {yes}",
        "            nej: 0",
        "            avstår: 0",
        "            ballots:",
        *(f"              - {b}" for b in ballots),
    ]
    return "\n".join(lines) + "\n"


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("members", "cases", "decisions")
        for model in apps.get_app_config(app).get_models()
    }


def _refused(path) -> list[str]:
    before = _rows()
    with pytest.raises(ImportFailed) as caught:
        import_file(path)
    assert _rows() == before
    return caught.value.errors


def test_a_valid_small_file_is_imported_with_its_change_reason(tmp_path):
    path = _write(tmp_path, MEETING + "      - {number: 1, title: Budget}\n")

    result = import_file(path)

    decision = Decision.objects.get(title="Budget")
    assert decision.participations.count() == 2
    assert decision.history.first().history_change_reason == "Import från data.yaml"
    assert result.counts["paragrafer"]["created"] == 1


def test_an_unknown_organ_is_refused_naming_the_record(tmp_path):
    path = _write(
        tmp_path,
        MEETING.replace("organ: Test KF", "organ: Test KS") + "      - {number: 1, title: X}\n",
    )

    errors = _refused(path)

    assert any(e.startswith("meetings[0]") and 'okänt organ "Test KS"' in e for e in errors)


def test_a_duplicate_paragraph_number_in_one_organ_and_year_is_refused(tmp_path):
    body = MEETING + "      - {number: 7, title: Första}\n      - {number: 7, title: Andra}\n"
    path = _write(tmp_path, body)

    errors = _refused(path)

    assert any("(Test KF 2024 § 7)" in e and "§ 7 förekommer två gånger" in e for e in errors)


def test_the_same_paragraph_number_at_two_meetings_of_one_year_is_refused(tmp_path):
    second = MEETING.replace("meetings:\n", "").replace("2024-03-18", "2024-04-22")
    body = (
        MEETING
        + "      - {number: 7, title: Första}\n"
        + second
        + "      - {number: 7, title: Andra}\n"
    )

    errors = _refused(_write(tmp_path, body))

    assert any(
        e.startswith("meetings[1] (Test KF 2024-04-22).decisions[0] (Test KF 2024 § 7)")
        and "§ 7 förekommer två gånger för Test KF 2024" in e
        for e in errors
    )


def test_a_bad_date_is_refused_naming_the_field(tmp_path):
    path = _write(
        tmp_path, MEETING.replace("2024-03-18", "2024-13-45") + "      - {number: 1, title: X}\n"
    )

    errors = _refused(path)

    assert any(".held_on: ogiltigt datum" in e and e.startswith("meetings[0]") for e in errors)


def test_a_link_to_a_missing_decision_is_refused(tmp_path):
    body = MEETING + textwrap.dedent(
        """\
              - {number: 1, title: X}
        decision_links:
          - {source: Test KF 2024 § 1, kind: upphäver, target: Test KF 2019 § 12}
        """
    )
    path = _write(tmp_path, body)

    errors = _refused(path)

    assert any(
        e.startswith("decision_links[0]") and 'okänt beslut "Test KF 2019 § 12"' in e
        for e in errors
    )


def test_a_link_given_as_reference_text_is_accepted(tmp_path):
    body = MEETING + textwrap.dedent(
        """\
              - {number: 1, title: X}
        decision_links:
          - {source: Test KF 2024 § 1, kind: upphäver, target_reference: "KF 2019-05-02 § 12"}
        """
    )

    import_file(_write(tmp_path, body))

    assert Decision.objects.get(title="X").links_out.get().target_reference == "KF 2019-05-02 § 12"


def test_ballots_that_do_not_add_up_to_the_result_are_refused(tmp_path):
    body = MEETING + _vote(
        yes=2, ballots=["{person: anna, choice: ja}", "{person: bo, choice: nej}"]
    )

    errors = _refused(_write(tmp_path, body))

    assert any(
        "(Test KF 2024 § 1).votes[0].ballots: voteringslistan ger 1 ja, 1 nej" in e for e in errors
    )


def test_a_ballot_by_an_unknown_person_names_the_ballot(tmp_path):
    body = MEETING + _vote(yes=1, ballots=["{person: x, choice: ja}"])

    errors = _refused(_write(tmp_path, body))

    assert any(
        e.endswith('(Test KF 2024 § 1).votes[0].ballots[0].person: okänd person "x"')
        for e in errors
    )


def test_a_reservation_by_someone_who_did_not_take_part_is_refused(tmp_path):
    body = MEETING + "      - {number: 1, title: X, reservations: [cia]}\n"

    errors = _refused(_write(tmp_path, body))

    assert any(
        '(Test KF 2024 § 1).reservations[0].person: person "cia" deltar inte' in e for e in errors
    )


def test_an_unknown_enum_value_is_refused_listing_the_allowed_values(tmp_path):
    body = MEETING + "      - {number: 1, title: X, kind: gissning}\n"

    errors = _refused(_write(tmp_path, body))

    assert any('.kind: ogiltigt värde "gissning"' in e and "beslut" in e for e in errors)


def test_every_error_is_reported_not_only_the_first(tmp_path):
    body = MEETING + "      - {number: 1, title: X, reservations: [cia], kind: gissning}\n"

    errors = _refused(_write(tmp_path, body))

    assert len(errors) == 2


def test_an_error_found_only_while_writing_rolls_back_everything(tmp_path, monkeypatch):
    # A database constraint the reader does not check: a case number too long for its
    # column is only caught by full_clean while writing, after organisations were saved.
    body = textwrap.dedent(
        """\
        registers:
          - {organisation: Test, code: KS, name: Diarium, number_format: "{year}{code}{seq}"}
        cases:
          - {number: 2024KS1, register: Test KS, title: %s}
        """
    ) % ("x" * 600)

    errors = _refused(_write(tmp_path, body))

    assert any(e.startswith("cases[0] (2024KS1): kunde inte sparas") for e in errors)


def test_the_command_exits_with_the_error_list(tmp_path):
    path = _write(tmp_path, MEETING + "      - {number: 1, title: X, reservations: [cia]}\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_register", str(path))

    assert "inget har sparats" in str(caught.value)
    assert 'person "cia" deltar inte' in str(caught.value)


def test_the_error_messages_are_module_constants():
    assert importer.NOT_PARTICIPANT.format(ref="x") == 'person "x" deltar inte i paragrafen'


def test_editing_one_text_and_reimporting_changes_only_that_paragraph(tmp_path):
    path = _write(tmp_path, MEETING + "      - {number: 1, title: Budget, decision_text: Gammal}\n")
    import_file(path)
    path.write_text(path.read_text(encoding="utf-8").replace("Gammal", "Ny"), encoding="utf-8")

    result = import_file(path)

    decision = Decision.objects.get(title="Budget")
    assert decision.decision_text == "Ny"
    assert decision.history.count() == 2
    assert result.counts["paragrafer"]["changed"] == 1
    assert result.counts["närvaro"] == {"unchanged": 2}


def test_a_participant_no_longer_listed_is_removed_on_reimport(tmp_path):
    path = _write(tmp_path, MEETING + "      - {number: 1, title: Budget}\n")
    import_file(path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("      - {person: bo}\n", ""), encoding="utf-8"
    )

    result = import_file(path)

    decision = Decision.objects.get(title="Budget")
    assert list(decision.participations.values_list("person__key", flat=True)) == ["anna"]
    assert result.counts["deltagare"]["deleted"] == 1
