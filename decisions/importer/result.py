"""What an import reports: the refusal with every error, or the counts of what it wrote."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import models


class ImportFailed(Exception):
    """The file was refused; ``errors`` lists every problem, each naming its record."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    """Per model (verbose_name_plural): how many rows were created, changed, unchanged,
    deleted."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts[str(model._meta.verbose_name_plural)][outcome] += 1

    @property
    def changed_anything(self) -> bool:
        return any(c["created"] or c["changed"] or c["deleted"] for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = []
        for name in sorted(self.counts):
            c = self.counts[name]
            line = (
                f"{name}: {c['created']} nya, {c['changed']} ändrade, {c['unchanged']} oförändrade"
            )
            if c["deleted"]:
                line += f", {c['deleted']} borttagna"
            lines.append(line)
        return lines
