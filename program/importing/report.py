"""What an import did or would do (``Report``, a ``Change`` per record), and why it refused.

Shared by the importer of other programs' files (``applying``) and of our own export
(``fixture``).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

DONE = {"add": "added", "change": "changed", "move": "moved", "remove": "removed"}


class ImportProblem(Exception):
    """The file does not fit; ``problems`` name each record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RemovalsNotConfirmed(ImportProblem):
    """The import would remove more of the program than ``REMOVAL_SHARE`` without a yes."""


class _DryRun(Exception):
    pass


# An import that would remove more than this share of a conference's sessions, contributions,
# posters and talks is shown first and needs an explicit yes (a file that lost half its events
# to a changed export format must not empty the program).
REMOVAL_SHARE = 0.10
# A file whose records were mostly left out is not understood: refused, never applied.
UNREAD_SHARE = 0.5
PROGRAM_RECORDS = ("session", "contribution", "poster", "talk")


@dataclass
class Change:
    action: str  # "add", "change", "move" or "remove"
    record: str  # "session", "contribution", "poster", "talk", "conference", "room", "track"
    key: str  # the file's id, or our title for a removal
    title: str
    fields: dict[str, tuple] = field(default_factory=dict)  # name -> (before, after)
    day: datetime.date | None = None  # where it is (a removal: where it was)
    room: str = ""

    def __str__(self) -> str:
        text = f"{self.action:6} {self.record} {self.title!r}"
        if self.room:
            text += f" ({self.room})"
        if self.fields:
            text += ": " + "; ".join(
                f"{name} {_short(before)} -> {_short(after)}"
                for name, (before, after) in self.fields.items()
            )
        return text


def _short(value) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class Report:
    conference: str
    created_conference: bool = False
    changes: list[Change] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The conference's sessions, contributions, posters and talks before the import.
    existing: int = 0

    def count(self, action: str, record: str) -> int:
        return sum(1 for c in self.changes if c.action == action and c.record == record)

    def summary(self, changes=None) -> str:
        """ "3 sessions added, 40 talks added, 2 posters moved" for ``changes`` (default: all),
        or "nothing changed"."""
        changes = self.changes if changes is None else changes
        counts = Counter((c.record, c.action) for c in changes)
        order = {action: number for number, action in enumerate(DONE)}
        parts = [
            f"{number:,} {record}{'s' if number != 1 else ''} {DONE[action]}"
            for (record, action), number in sorted(
                counts.items(), key=lambda item: (item[0][0], order[item[0][1]])
            )
        ]
        return ", ".join(parts) or "nothing changed"

    def by_day(self) -> list[Change]:
        """The changes by day and room (those of no day first), in the file's order within."""
        return sorted(self.changes, key=lambda c: (c.day or datetime.date.min, c.room))

    def summary_by_day(self) -> list[tuple[datetime.date, str]]:
        days = defaultdict(list)
        for change in self.changes:
            if change.day:
                days[change.day].append(change)
        return [(day, self.summary(changes)) for day, changes in sorted(days.items())]

    @property
    def removals(self) -> int:
        return sum(1 for c in self.changes if c.action == "remove" and c.record in PROGRAM_RECORDS)

    @property
    def removals_need_yes(self) -> bool:
        """More than ``REMOVAL_SHARE`` of the program would go."""
        return self.removals > REMOVAL_SHARE * self.existing

    def removal_summary(self) -> str:
        share = self.removals / self.existing if self.existing else 1
        return (
            f"This import would remove {self.removals:,} of the {self.existing:,} sessions,"
            f" contributions, posters and talks of {self.conference} ({share:.0%}). Check the"
            " removals listed, then confirm them (--allow-removals on the command, the checkbox"
            " in the admin's preview)."
        )
