"""Read the captured MLSys 2025 program page into plain data.

``parse_seed`` turns the text capture (``fixtures/source/mlsys2025-thursday-seed.txt``) into a list
of ``SeedItem``: the sessions of the day in order, each with its posters or its invited talk. Every
name and abstract is kept character for character; a line that does not fit the page's shape is
an error naming that line, never skipped.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field

from program.models import SessionKind

AUTHOR_SEPARATOR = " · "
# "Poster: Session 9: Parallel and Distributed Systems Thu 15 May 08:30 a.m."
TIMED_HEADING = re.compile(
    r"^(?P<label>.+?) (?P<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    r" (?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2})"
    r" (?P<hour>\d{2}):(?P<minute>\d{2}) (?P<meridiem>a\.m\.|p\.m\.)$"
)
ROOM_LINE = re.compile(r"^\[ (?P<room>.+) \]$")
KIND_LABELS = {
    "Registration Desk": SessionKind.REGISTRATION,
    "Poster": SessionKind.POSTER_SESSION,
    "Invited Talk": SessionKind.INVITED_TALK,
    "Keynote": SessionKind.KEYNOTE,
    "Oral": SessionKind.ORAL_SESSION,
}
STANDALONE_KINDS = {
    "Closing Remarks": SessionKind.CLOSING_REMARKS,
    "Opening Remarks": SessionKind.OPENING_REMARKS,
}


@dataclass
class SeedPoster:
    authors: list[str]
    room: str
    abstract: str
    line: int


@dataclass
class SeedTalk:
    title: str
    abstract: str
    speaker: str
    bio: str


@dataclass
class SeedItem:
    kind: str
    title: str
    starts_at: datetime.datetime | None
    line: int
    posters: list[SeedPoster] = field(default_factory=list)
    talk: SeedTalk | None = None


def parse_seed(text: str, *, year: int, zone: zoneinfo.ZoneInfo) -> list[SeedItem]:
    """The items of the captured day, in order; ValueError names the line that does not fit."""
    lines = _Lines(text.splitlines())
    items: list[SeedItem] = []
    index = 0
    while index < len(lines):
        line = lines.clean(index)
        if not line or line.startswith(("Skip to ", "Timezone:")):
            index += 1
            continue
        timed = TIMED_HEADING.match(line)
        if timed:
            item = _timed_item(timed, year=year, zone=zone, line=index)
            items.append(item)
            index += 1
            if item.kind == SessionKind.POSTER_SESSION:
                index = _read_posters(lines, index, item)
            continue
        if line.startswith("Invited Talk: "):
            # The page prints invited talks without a time.
            item = SeedItem(
                kind=SessionKind.INVITED_TALK,
                title=line.removeprefix("Invited Talk: "),
                starts_at=None,
                line=index,
            )
            index, item.talk = _read_talk(lines, index + 1)
            items.append(item)
            continue
        lines.fail("expected a session heading", index)
    return items


class _Lines:
    """The capture's lines, with the reading helpers every part of the parser shares."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> str:
        return self.lines[index]

    def clean(self, index: int) -> str:
        # Headings end in non-breaking spaces; text keeps its own characters otherwise.
        return self.lines[index].rstrip(" \u00a0\t")

    def is_blank(self, index: int) -> bool:
        return self.clean(index) == ""

    def next_filled(self, start: int) -> int:
        while start < len(self.lines) and self.is_blank(start):
            start += 1
        return start

    def fail(self, message: str, at: int):
        text = self.lines[at] if at < len(self.lines) else ""
        raise ValueError(f"line {at + 1}: {message}: {text!r}")


def _timed_item(match: re.Match, *, year: int, zone: zoneinfo.ZoneInfo, line: int) -> SeedItem:
    label = match["label"]
    if label in STANDALONE_KINDS:
        kind, title = STANDALONE_KINDS[label], label
    else:
        prefix, _, title = label.partition(": ")
        if prefix not in KIND_LABELS or not title:
            raise ValueError(f"line {line + 1}: unknown kind of session: {label!r}")
        kind = KIND_LABELS[prefix]
    hour = int(match["hour"]) % 12 + (12 if match["meridiem"] == "p.m." else 0)
    month = datetime.datetime.strptime(match["month"], "%b").month
    starts_at = datetime.datetime(
        year, month, int(match["day"]), hour, int(match["minute"]), tzinfo=zone
    )
    # The page gives no year; a weekday that does not match means the year or the date is wrong.
    if starts_at.strftime("%a") != match["weekday"]:
        raise ValueError(
            f"line {line + 1}: {match['weekday']} is not the weekday of {starts_at:%d %b %Y}"
        )
    return SeedItem(kind=kind, title=title, starts_at=starts_at, line=line)


def _read_posters(lines: _Lines, index: int, item: SeedItem) -> int:
    """Poster / authors / [ room ] / Abstract / text, repeated until the next heading."""
    while True:
        index = lines.next_filled(index)
        if index >= len(lines) or lines.clean(index) != "Poster":
            return index
        start = index
        authors_line = lines[index + 1] if index + 1 < len(lines) else ""
        authors = authors_line.split(AUTHOR_SEPARATOR)
        if not authors_line.strip() or any(not name.strip() for name in authors):
            lines.fail("expected the poster's authors separated by ' · '", index + 1)
        index = lines.next_filled(index + 2)
        room = ROOM_LINE.match(lines.clean(index)) if index < len(lines) else None
        if not room:
            lines.fail("expected the poster's room as '[ Room ]'", index)
        index = lines.next_filled(index + 1)
        if index >= len(lines) or lines.clean(index) != "Abstract":
            lines.fail("expected 'Abstract'", index)
        index += 1
        if index >= len(lines) or lines.is_blank(index):
            lines.fail("expected the abstract's text", index)
        item.posters.append(
            SeedPoster(authors=authors, room=room["room"], abstract=lines[index], line=start)
        )
        index += 1


def _read_talk(lines: _Lines, index: int) -> tuple[int, SeedTalk]:
    """Title, abstract, speaker's name, a spacer line, the speaker's bio."""
    parts = []
    while len(parts) < 4:
        index = lines.next_filled(index)
        if index >= len(lines):
            lines.fail(
                "the invited talk ends early (title, abstract, speaker, bio expected)", index - 1
            )
        parts.append(lines[index])
        index += 1
    title, abstract, speaker, bio = parts
    return index, SeedTalk(title=title, abstract=abstract, speaker=speaker, bio=bio)
