"""A day of parallel rooms as a grid: rooms across, time down, each poster or talk in its room.

Chosen for a day of room-day sessions (``Session.is_room_day``, what frab and pretalx imports
make). Rows are ``STEP``s from the day's first start: items that start together share a top
edge, each as tall as it lasts. Cells are placed by classes (``gc-``, ``gs-``, ``ge-`` in
``grid.css``): the CSP allows no inline style. No queries.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from program.models import Room, Session, Track
from program.timing import DEFAULT_DURATION
from web import caching

STEP = datetime.timedelta(minutes=5)
# The last grid line grid.css names: the header row, then a whole day of steps and one more.
LAST_LINE = 2 + 24 * 12 + 1
LAST_COLUMN = 100
# Each given any number of times: ?room=3&room=5 shows two rooms.
PARAMS = (caching.Repeated("room"), caching.Repeated("hide"), caching.Repeated("track"))


@dataclass
class Cell:
    item: object  # a Talk, a Poster, or a Session of its own
    kind: str  # "talk", "poster", "session"
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    room: Room | None
    track: Track | None
    column: int = 0
    row: int = 0
    row_end: int = 0
    overlaps: bool = False


@dataclass
class Slot:
    """The cells that start at one moment, after its time mark (the grid's reading order)."""

    starts_at: datetime.datetime
    row: int
    cells: list[Cell] = field(default_factory=list)
    #: Within ten minutes of the time shown above it: its time is not printed on the side.
    close: bool = False


@dataclass
class Choice:
    """The grid's filters as the URL gives them (ids of rooms to show, hide; tracks to show)."""

    rooms: list[int] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    tracks: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> Choice:
        choice = cls()
        for name, found in (
            ("room", choice.rooms),
            ("hide", choice.hidden),
            ("track", choice.tracks),
        ):
            for value in query.getlist(name)[:LAST_COLUMN]:
                if value.isdigit() and len(value) < 12:
                    found.append(int(value))
                elif value:
                    choice.problems.append(f"“{value[:30]}” is not a {name} of this day; ignored.")
        return choice

    def url(self, **changes) -> str:
        """The query string of this choice with ``changes`` (``room=[...]``), "?" when empty."""
        values = {"room": self.rooms, "hide": self.hidden, "track": self.tracks, **changes}
        pairs = [(name, pk) for name in ("room", "hide", "track") for pk in values[name]]
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def narrowed(self) -> bool:
        return bool(self.rooms or self.hidden or self.tracks)


@dataclass
class Link:
    label: str
    url: str
    current: bool = False
    colour: str = ""


@dataclass
class Grid:
    rooms: list[Room]  # the columns shown
    day_rooms: list[Room]  # every room of the day, for the filters
    tracks: list[Track]  # every track of the day
    hidden: list[Room]
    slots: list[Slot]
    untimed: list[Cell]
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    choice: Choice
    total: int  # cells of the day before filtering

    @property
    def shown(self) -> int:
        return sum(len(slot.cells) for slot in self.slots) + len(self.untimed)

    @property
    def last_line(self) -> int:
        return max((cell.row_end for slot in self.slots for cell in slot.cells), default=2)

    @property
    def roomless(self) -> bool:
        """Whether a column for items without a room follows the rooms."""
        return any(cell.room is None for slot in self.slots for cell in slot.cells)

    @property
    def room_links(self) -> list[Link]:
        """Each room of the day alone (a phone's quick switch), and the whole day first."""
        rooms, only = self.choice.rooms, len(self.choice.rooms) == 1 and not self.choice.tracks
        links = [
            Link("All rooms", self.choice.url(room=[], hide=[]), not rooms and not self.hidden)
        ]
        return links + [
            Link(room.name, self.choice.url(room=[room.pk], hide=[]), only and rooms[0] == room.pk)
            for room in self.day_rooms
        ]

    @property
    def track_links(self) -> list[Link]:
        tracks = self.choice.tracks
        links = [Link("All tracks", self.choice.url(track=[]), not tracks)]
        return links + [
            Link(
                track.name,
                self.choice.url(track=[track.pk]),
                tracks == [track.pk],
                track.colour,
            )
            for track in self.tracks
        ]

    def hide_url(self, room: Room) -> str:
        return self.choice.url(hide=[*self.choice.hidden, room.pk])

    @property
    def hidden_links(self) -> list[Link]:
        """The rooms hidden, each with the way to show it again."""
        return [
            Link(
                room.name, self.choice.url(hide=[pk for pk in self.choice.hidden if pk != room.pk])
            )
            for room in self.hidden
        ]

    @property
    def columns(self) -> list[tuple[Room, str]]:
        """The rooms shown, each with the query string that hides it."""
        return [(room, self.hide_url(room)) for room in self.rooms]


def is_grid_day(sessions: list[Session]) -> bool:
    """Whether the day's items run in rooms without an enclosing session of their own."""
    return any(session.is_room_day for session in sessions)


def cells_of(sessions: list[Session]) -> list[Cell]:
    """A cell per poster and talk of the room-day sessions, one per other session."""
    cells = []
    for session in sessions:
        if not session.is_room_day:
            starts = session.starts_at
            cells.append(
                Cell(session, "session", starts, session.ends_at, session.room, session.track)
            )
            continue
        for kind, items in (("poster", session.posters.all()), ("talk", session.talks.all())):
            for item in items:
                track = item.contribution.track or session.track
                room = item.room if item.room_id else session.room
                starts, ends = item.effective_starts_at, item.effective_ends_at
                cells.append(Cell(item, kind, starts, ends, room, track))
    return cells


def _place(cells: list[Cell], rooms: list[Room], origin: datetime.datetime) -> None:
    columns = {room.pk: number for number, room in enumerate(rooms, start=2)}
    last_end: dict[int, int] = {}
    for cell in cells:
        cell.column = columns.get(cell.room.pk if cell.room else None, len(rooms) + 2)
        ends = cell.ends_at if cell.ends_at and cell.ends_at > cell.starts_at else None
        ends = ends or cell.starts_at + DEFAULT_DURATION
        cell.row = min(2 + (cell.starts_at - origin) // STEP, LAST_LINE - 1)
        cell.row_end = min(max(2 + math.ceil((ends - origin) / STEP), cell.row + 1), LAST_LINE)
        # Two items at once in one room: the later one is drawn offset, not hidden under.
        cell.overlaps = cell.row < last_end.get(cell.column, 0)
        last_end[cell.column] = max(last_end.get(cell.column, 0), cell.row_end)


def build_grid(sessions: list[Session], choice: Choice) -> Grid:
    cells = cells_of(sessions)
    day_rooms = sorted({c.room for c in cells if c.room}, key=lambda room: (room.name, room.pk))
    tracks = sorted({c.track for c in cells if c.track}, key=lambda track: (track.name, track.pk))
    known_rooms, known_tracks = {r.pk for r in day_rooms}, {t.pk for t in tracks}
    for ids, known, name in (
        (choice.rooms, known_rooms, "room"),
        (choice.hidden, known_rooms, "room"),
        (choice.tracks, known_tracks, "track"),
    ):
        if unknown := [pk for pk in ids if pk not in known]:
            choice.problems.append(f"No {name} {unknown[0]} on this day; ignored.")
            ids[:] = [pk for pk in ids if pk in known]
    total = len(cells)
    if choice.tracks:
        cells = [c for c in cells if c.track and c.track.pk in choice.tracks]
    if choice.rooms:
        cells = [c for c in cells if c.room and c.room.pk in choice.rooms]
    cells = [c for c in cells if not (c.room and c.room.pk in choice.hidden)]
    shown_rooms = {c.room for c in cells if c.room}
    rooms = [room for room in day_rooms if room in shown_rooms][: LAST_COLUMN - 2]
    timed = sorted(
        (c for c in cells if c.starts_at),
        key=lambda c: (c.starts_at, c.room.name if c.room else "\uffff", c.item.pk),
    )
    origin = timed[0].starts_at if timed else None
    slots: list[Slot] = []
    if origin:
        origin -= datetime.timedelta(seconds=origin.timestamp() % STEP.total_seconds())
        _place(timed, rooms, origin)
        shown_row = -2
        for cell in timed:
            if not slots or slots[-1].starts_at != cell.starts_at:
                slots.append(Slot(cell.starts_at, cell.row, close=cell.row - shown_row < 2))
                shown_row = shown_row if slots[-1].close else cell.row
            slots[-1].cells.append(cell)
    ends = [c.ends_at or c.starts_at + DEFAULT_DURATION for c in timed]
    return Grid(
        rooms=rooms,
        day_rooms=day_rooms,
        tracks=tracks,
        hidden=[room for room in day_rooms if room.pk in choice.hidden],
        slots=slots,
        untimed=[c for c in cells if not c.starts_at],
        starts_at=origin,
        ends_at=max(ends) if ends else None,
        choice=choice,
        total=total,
    )
