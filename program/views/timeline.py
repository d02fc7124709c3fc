"""A day's sessions laid out as a timeline: rows by start time, columns by room.

Sessions keep their program order (an untimed session keeps its place, as the printed program
has it). Consecutive sessions that start together form one row ("slot"); on a wide screen the
slot's sessions stand side by side, each in its room's column, the way pretalx's and Sched's
grids show parallel rooms. A session alone in its slot, or without a room, spans the row. Past
``MAX_COLUMNS`` rooms the columns would be too narrow to read, so the day is simply stacked.
Pure Python over sessions already loaded: no queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from program.models import Room, Session

MAX_COLUMNS = 6


@dataclass
class Placed:
    session: Session
    #: The room's column, from 1; 0 spans every column.
    column: int


@dataclass
class Slot:
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None = None
    sessions: list[Placed] = field(default_factory=list)


@dataclass
class Timeline:
    rooms: list[Room]
    slots: list[Slot]

    @property
    def columns(self) -> int:
        """How many room columns a wide screen shows; 0 when the day reads as one column."""
        return len(self.rooms) if 2 <= len(self.rooms) <= MAX_COLUMNS else 0


def _rows(sessions: Iterable[Session]) -> list[list[Session]]:
    rows: list[list[Session]] = []
    for session in sessions:
        if rows and session.starts_at and rows[-1][0].starts_at == session.starts_at:
            rows[-1].append(session)
        else:
            rows.append([session])
    return rows


def build_timeline(sessions: list[Session]) -> Timeline:
    rooms: list[Room] = []
    for session in sessions:
        if session.room and session.room not in rooms:
            rooms.append(session.room)
    timeline = Timeline(rooms=rooms, slots=[])
    for row in _rows(sessions):
        ends = [s.ends_at for s in row if s.ends_at]
        slot = Slot(starts_at=row[0].starts_at, ends_at=max(ends) if ends else None)
        for session in row:
            alone = len(row) == 1 or not timeline.columns or session.room is None
            column = 0 if alone else rooms.index(session.room) + 1
            slot.sessions.append(Placed(session=session, column=column))
        timeline.slots.append(slot)
    return timeline
