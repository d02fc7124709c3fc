"""What a screen by a room's door shows: what is on now, what comes next, and whether it fits.

A room's entries are its sessions, or a session's timed talks in their place. ``room_boards``
loads every room's entries from the conference day under way on (two queries and one for the
saves), and says until when what they show holds (``Clock``): the next start or end, or the next
hour, after which saves may have moved. The page carries the day's later entries, so its script
picks "now" again at each end without asking the server.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Prefetch
from django.utils.module_loading import import_string

from program.models import Conference, Room, Session, Talk
from program.timing import DEFAULT_DURATION, Clock, inferred_session_ends

#: How many entries a room's screen names after the one on now.
NEXT = 2


@dataclasses.dataclass
class Entry:
    """One thing on in a room: a session, or one of its timed talks."""

    session: Session
    title: str
    people: list[str]
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    url: str
    day: datetime.date

    def is_on(self, now: datetime.datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclasses.dataclass
class Fullness:
    """More attendees saved a session than its room seats, and where else to watch it."""

    saves: int
    seats: int
    overflow: Room | None

    @property
    def label(self) -> str:
        return f"Expected to be full: {self.saves} saves for {self.seats} seats"


@dataclasses.dataclass
class Board:
    """A room's screen: what is on now, the entries after it (the page carries all of the
    day's, ``later``), and which sessions are expected to be full."""

    room: Room
    now: Entry | None
    later: list[Entry]
    full: dict[int, Fullness]

    @property
    def upcoming(self) -> list[Entry]:
        return self.later[:NEXT]

    def rows(self, shown: int) -> list[tuple[Entry, bool, bool, Fullness | None]]:
        """(entry, on now, hidden, fullness) for the page: the page carries the day's later
        entries hidden, for its script to show as the ones before them end."""
        first = [(self.now, True, False)] if self.now else []
        rest = [(entry, False, index >= shown) for index, entry in enumerate(self.later)]
        return [(e, on, hidden, self.full.get(e.session.pk)) for e, on, hidden in first + rest]


def expected_audience(session_ids: Sequence[int]) -> dict[int, int]:
    """Attendees who saved each session or one of its items (``settings.EXPECTED_AUDIENCE``
    names the accounts' count: the program does not import accounts); one query."""
    if not session_ids:
        return {}
    return import_string(settings.EXPECTED_AUDIENCE)(session_ids)


def overflow_room(room: Room, rooms: Sequence[Room]) -> Room | None:
    """The room set as this one's overflow, in the same area first."""
    choices = [other for other in rooms if other.overflow_for_id == room.pk]
    choices.sort(key=lambda other: (other.area != room.area, other.name))
    return choices[0] if choices else None


def fullness(sessions: Sequence[Session], rooms: Sequence[Room]) -> dict[int, Fullness]:
    """The sessions whose saves exceed their room's capacity (the organizers' "Saves and
    capacity" numbers), with the room's overflow."""
    sized = [s for s in sessions if s.room_id and s.room.capacity]
    audience = expected_audience([s.pk for s in sized])
    return {
        session.pk: Fullness(
            audience[session.pk], session.room.capacity, overflow_room(session.room, rooms)
        )
        for session in sized
        if audience.get(session.pk, 0) > session.room.capacity
    }


def expected_full(session: Session, room: Room | None) -> Fullness | None:
    """For an item's page: whether the session's saves exceed its room's seats, and the room's
    overflow (a query with a capacity, and one more when full)."""
    if room is None or not room.capacity:
        return None
    saves = expected_audience([session.pk]).get(session.pk, 0)
    if saves <= room.capacity:
        return None
    overflow = overflow_room(room, list(Room.objects.filter(overflow_for=room)))
    return Fullness(saves, room.capacity, overflow)


def saves_clock(conference: Conference, now: datetime.datetime) -> Clock:
    """The clock of a page that says "Expected to be full": saves move without the program's
    version, so until the conference is over its copy is kept for the hour it was made in."""
    if conference.day_of(now) > conference.end_date:
        return Clock("after", None)
    hour = now.replace(minute=0, second=0, microsecond=0)
    return Clock(f"saves {hour.isoformat()}", hour + datetime.timedelta(hours=1))


def entries_of(session: Session, ends: dict[int, datetime.datetime]) -> list[Entry]:
    """A session as a screen lists it: its timed talks when it has them, else itself."""
    end = ends.get(session.pk) or session.starts_at + DEFAULT_DURATION
    talks = sorted((t for t in session.talks.all() if t.starts_at), key=lambda t: t.starts_at)
    if not talks:
        people = [
            credit.person.name for talk in session.talks.all() for credit in talk.ordered_people
        ]
        return [
            Entry(
                session,
                session.heading,
                people,
                session.starts_at,
                end,
                session.get_absolute_url(),
                session.day,
            )
        ]
    entries = []
    for index, talk in enumerate(talks):
        following = talks[index + 1].starts_at if index + 1 < len(talks) else end
        talk_end = talk.ends_at or max(following, talk.starts_at + DEFAULT_DURATION)
        names = [credit.person.name for credit in talk.ordered_people]
        url = talk.get_absolute_url()
        entries.append(
            Entry(session, talk.title, names, talk.starts_at, talk_end, url, session.day)
        )
    return entries


def sessions_from(conference: Conference, rooms: Sequence[Room], day: datetime.date):
    """The rooms' timed sessions from ``day`` on, with talks and their people (three queries)."""
    talks = Talk.objects.select_related("contribution").prefetch_related(Talk.prefetch_people())
    return list(
        Session.objects.filter(conference=conference, room__in=rooms, day__gte=day)
        .exclude(starts_at=None)
        .select_related("conference", "room")
        .prefetch_related(Prefetch("talks", queryset=talks))
        .order_by("starts_at", "position", "pk")
    )


def room_boards(
    conference: Conference,
    rooms: Sequence[Room],
    now: datetime.datetime,
    *,
    all_rooms: Sequence[Room] = (),
) -> tuple[list[Board], Clock]:
    """Each room's board at ``now``, and until when they all hold. ``all_rooms``: where to
    look for overflow rooms (default: ``rooms``)."""
    today = conference.day_of(now)
    sessions = sessions_from(conference, rooms, today)
    ends = inferred_session_ends(sessions)
    full = fullness(sessions, all_rooms or rooms)
    boards, moments = [], []
    for room in rooms:
        entries = [
            entry
            for session in sessions
            if session.room_id == room.pk
            for entry in entries_of(session, ends)
            if entry.ends_at > now
        ]
        entries.sort(key=lambda entry: entry.starts_at)
        on = next((entry for entry in entries if entry.is_on(now)), None)
        later = [entry for entry in entries if entry is not on]
        # The page carries the rest of today and the first of the next day with program.
        first_day = next((entry.day for entry in later if entry.day > today), None)
        shown = [e for e in later if e.day == today]
        shown += [e for e in later if e.day == first_day][:NEXT]
        boards.append(Board(room, on, shown, full))
        moments += [moment for entry in entries for moment in (entry.starts_at, entry.ends_at)]
    return boards, board_clock(conference, now, moments)


def board_clock(
    conference: Conference, now: datetime.datetime, moments: list[datetime.datetime]
) -> Clock:
    """Until the next start or end, and no longer than the next hour while the conference is
    not over (saves move without the program's version: an hour-old count is close enough)."""
    after = [moment for moment in moments if moment > now]
    until = min(after, default=None)
    if conference.day_of(now) <= conference.end_date:
        hour = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        until = min(until or hour, hour)
    label = f"screen {until.isoformat()}" if until else "screen over"
    return Clock(label, until)
