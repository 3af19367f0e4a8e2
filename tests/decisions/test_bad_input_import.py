"""Bad input to the import command: a bad data file is refused whole (tests/bad_input.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from tests.bad_input import (
    counts,
)

pytestmark = pytest.mark.django_db


@dataclass
class ImportCase:
    id: str
    content: bytes
    message: str
    name: str = "data.yaml"


def yaml_bytes(text: str) -> bytes:
    return ("format: 1\n" + text).encode()


MEETING_WITH_VOTE = """
meetings:
  - organ: Alingsås KS
    held_on: 2025-03-03
    attendance:
      - {{person: per-vorberg, role: ledamot}}
      - {{person: grim-pedersen, role: ledamot}}
    decisions:
      - number: 1
        title: Motion om lekplatser
        decision_text: Motionen bifalls.
        procedure: Proposition på bifall och avslag.
{extra}
"""

IMPORTS = [
    ImportCase("yaml-syntax", yaml_bytes("cases: [ {number: 2024KS1\n"), "inte giltig YAML"),
    ImportCase("yaml-tab-indent", yaml_bytes("cases:\n\t- number: 1\n"), "inte giltig YAML"),
    ImportCase("yaml-not-a-mapping", b"- bara\n- en lista\n", "ska vara en mappning"),
    ImportCase(
        "csv-file",
        "number;register;title\n2024KS1;Härryda KS;Bygglov\n".encode(),
        "ska vara en mappning",
        name="register.csv",
    ),
    ImportCase(
        "non-utf8-latin1",
        "format: 1\ncases:\n  - {number: 2024KS1, register: Härryda KS, title: Bygglov}\n".encode(
            "latin-1"
        ),
        "data.yaml: filen är inte kodad som UTF-8",
    ),
    ImportCase(
        "impossible-date",
        yaml_bytes(MEETING_WITH_VOTE.format(extra="").replace("2025-03-03", "2025-02-30")),
        'ogiltigt datum "2025-02-30"',
    ),
    ImportCase(
        "date-in-words",
        yaml_bytes(MEETING_WITH_VOTE.format(extra="").replace("2025-03-03", "tredje mars")),
        'ogiltigt datum "tredje mars"',
    ),
    ImportCase(
        "duplicate-diarienummer",
        yaml_bytes(
            "cases:\n"
            "  - {number: 2025KS17, register: Härryda KS, title: Bygglov}\n"
            "  - {number: 2025KS17, register: Härryda KS, title: Bygglov igen}\n"
        ),
        "finns redan i filen",
    ),
    ImportCase(
        "diarienummer-does-not-fit-format",
        yaml_bytes("cases:\n  - {number: KS-17/2025, register: Härryda KS, title: Bygglov}\n"),
        "passar inte diariets format",
    ),
    ImportCase(
        "unknown-field",
        yaml_bytes("cases:\n  - {number: 2025KS18, register: Härryda KS, titel: Bygglov}\n"),
        'okänt fält "titel"',
    ),
    ImportCase(
        "unknown-register",
        yaml_bytes("cases:\n  - {number: 2025KS18, register: Göteborg KS, title: Bygglov}\n"),
        'okänt diarium "Göteborg KS"',
    ),
    ImportCase(
        "ballots-do-not-add-up",
        yaml_bytes(
            MEETING_WITH_VOTE.format(
                extra="""        votes:
          - question: Bifall?
            ja: 5
            nej: 0
            avstår: 0
            ballots:
              - {person: per-vorberg, choice: ja}
              - {person: grim-pedersen, choice: nej}
"""
            )
        ),
        "voteringslistan ger 1 ja, 1 nej, 0 avstår men resultatet anger 5 ja",
    ),
    ImportCase(
        "reservation-by-non-participant",
        yaml_bytes(
            MEETING_WITH_VOTE.format(extra="        reservations:\n          - patrik-linde\n")
        ),
        'person "patrik-linde" deltar inte i paragrafen',
    ),
    ImportCase(
        "paragraph-twice",
        yaml_bytes(
            MEETING_WITH_VOTE.format(
                extra="      - {number: 1, title: Samma nummer igen, decision_text: Bifall.}\n"
            )
        ),
        "§ 1 förekommer två gånger",
    ),
    ImportCase(
        "link-points-forward",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda VFN 2019 § 256, kind: upphäver, "
            "target: Härryda KF 2020 § 128}\n"
        ),
        "kopplingen går mot tiden",
    ),
    ImportCase(
        "link-to-itself",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KF 2020 § 128, kind: ändrar, target: Härryda KF 2020 § 128}\n"
        ),
        "ett beslut kan inte kopplas till sig självt",
    ),
    ImportCase(
        "link-forms-a-cycle",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KS 2020 § 242, kind: återremitterar, "
            "target: Härryda VFN 2020 § 114}\n"
        ),
        "cirkel",
    ),
    ImportCase(
        "revocation-without-competence",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda VFN 2022 § 222, kind: upphäver, "
            "target: Härryda KF 2020 § 128}\n"
        ),
        "behörighet",
    ),
    ImportCase(
        "unknown-decision-in-link",
        yaml_bytes(
            "decision_links:\n"
            "  - {source: Härryda KF 2031 § 1, kind: upphäver, target: Härryda KF 2020 § 128}\n"
        ),
        "okänt beslut",
    ),
]


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in IMPORTS],
)
def test_a_bad_import_file_is_refused_whole(case: ImportCase, world, tmp_path):
    path = tmp_path / case.name
    path.write_bytes(case.content)
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_register", str(path), stdout=io.StringIO())
    assert counts() == before
    message = str(refused.value)
    assert message.startswith("Importen avbröts; inget har sparats."), message
    assert case.message in message, message


def test_an_import_file_that_is_not_there_is_named(world, tmp_path):
    with pytest.raises(CommandError, match="Filen .*saknas.yaml finns inte."):
        call_command("import_register", str(tmp_path / "saknas.yaml"))
