"""Pure rules of a meeting's protocol (RULES.md 11–14): no ORM, no request.

Called by the services (``decisions.services``) and by the data-file importer
(``decisions.importer``), so both refuse the same protocols; each caller words the refusal for
its reader (a form error, a line of the import report).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

# The stored values of ``Ballot.Choice`` (a test checks they agree).
YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

BallotProblemKind = Literal["duplicate", "recused", "not_participant", "bad_choice"]


@dataclass(frozen=True)
class BallotProblem:
    """One ballot that may not be counted: ``index`` in the list given, and why."""

    index: int
    person: Hashable
    kind: BallotProblemKind


@dataclass(frozen=True)
class BallotCheck:
    """The outcome of ``check_ballots``: the tally (ja, nej, avstår) of the valid choices, the
    ballots at fault, and whether the tally is the result the protocol states."""

    tally: tuple[int, int, int]
    problems: tuple[BallotProblem, ...]
    counts_match: bool

    @property
    def ok(self) -> bool:
        return not self.problems and self.counts_match


def check_ballots(
    *,
    ballots: Sequence[tuple[Hashable | None, str | None]],
    participants: Collection[Hashable],
    recused: Collection[Hashable] = (),
    counts: tuple[int, int, int] | None = None,
) -> BallotCheck:
    """A votering's ballots against the § (RULES.md rule 11, with rules 13 and 14).

    ``ballots`` are (person, choice) pairs, a person being any key (a primary key, a person
    key of the data file; ``None`` for one that could not be identified, which is counted but
    not checked). Each person votes once (a repeat is reported as ``duplicate``), only if not
    jävig (``recused``, rule 14) and only if taking part in the § (``not_participant``,
    rule 13); a choice outside ja/nej/avstår is ``bad_choice`` and not counted. When the
    protocol states the result (``counts`` = ja, nej, avstår), the tally must equal it.
    """
    tally = dict.fromkeys(CHOICES, 0)
    problems: list[BallotProblem] = []
    seen: set[Hashable] = set()
    for index, (person, choice) in enumerate(ballots):
        if person is not None:
            if person in seen:
                problems.append(BallotProblem(index, person, "duplicate"))
            elif person in recused:
                problems.append(BallotProblem(index, person, "recused"))
            elif person not in participants:
                problems.append(BallotProblem(index, person, "not_participant"))
            seen.add(person)
        if choice in tally:
            tally[choice] += 1
        else:
            problems.append(BallotProblem(index, person, "bad_choice"))
    counted = (tally[YES], tally[NO], tally[ABSTAIN])
    return BallotCheck(
        tally=counted,
        problems=tuple(problems),
        counts_match=counts is None or tuple(counts) == counted,
    )
