"""When and where the generated sessions run: the plan of a conference day.

Each day runs from 09:00 to 18:00 in the conference's zone: registration, a keynote, breaks,
parallel poster and oral sessions in the rooms, an invited talk; opening remarks on the first day
and closing remarks on the last. ``plan_sessions`` chooses as many of these slots as sessions are
asked for, in an order that spreads them over the days, and leaves a few without a known time.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from program.models import SessionKind


def at(hour: int, minute: int = 0) -> datetime.time:
    return datetime.time(hour, minute)


# One day in the conference's zone: (kind, start, minutes). Parallel blocks take one session per
# room and are listed in the order they fill.
REGISTRATION = (SessionKind.REGISTRATION, at(9), 30)
OPENING = (SessionKind.OPENING_REMARKS, at(9, 30), 30)
KEYNOTE = (SessionKind.KEYNOTE, at(10), 60)
MORNING_BREAK = (SessionKind.BREAK, at(11), 30)
LUNCH = (SessionKind.BREAK, at(13), 60)
AFTERNOON_BREAK = (SessionKind.BREAK, at(15, 30), 30)
INVITED_TALK = (SessionKind.INVITED_TALK, at(17), 45)
CLOSING = (SessionKind.CLOSING_REMARKS, at(17, 45), 15)
PARALLEL_BLOCKS = [(at(14), 90), (at(11, 30), 90), (at(16), 60)]
PLENARY_KINDS = (SessionKind.KEYNOTE, SessionKind.INVITED_TALK)
PARALLEL_KINDS = (SessionKind.POSTER_SESSION, SessionKind.ORAL_SESSION)


@dataclass
class PlannedSession:
    kind: SessionKind
    start: datetime.time
    minutes: int
    day: int  # counted from 0
    room: int | None  # an index into the conference's rooms
    timed: bool = True


def plan_sessions(
    rng: random.Random, *, sessions: int, days: int, rooms: int, posters: int, talks: int | None
) -> list[PlannedSession]:
    """Which sessions run when and where, in program order.

    Registration each day and the opening and closing remarks come first; then one poster and one
    oral session, so that posters and talks have a place however few sessions are asked for;
    then the day's other slots fill in turn on every day, skipping poster and oral sessions that
    would be left without a poster or talk.
    """
    required = required_sessions(days)
    least = len(required) + (posters > 0) + (talks != 0)
    if sessions < least:
        raise ValidationError(
            f"--sessions {sessions} is too few: {days} days need a registration each, opening"
            f" and closing remarks, and the posters and talks a session each; ask for at least"
            f" {least}."
        )
    chosen = choose_slots(
        required, candidate_slots(days, rooms), sessions=sessions, posters=posters, talks=talks
    )
    if len(chosen) < sessions:
        raise ValidationError(
            f"--sessions {sessions} is more than fit: {days} days with {rooms} rooms hold at most"
            f" {len(chosen)} sessions when each poster or oral session needs a poster or talk"
            f" ({posters} posters, {'default' if talks is None else talks} talks). Ask for fewer"
            " sessions, or more days, rooms, posters or talks."
        )
    # Real programs list some sessions without a time (the seed's invited talks); so does this.
    parallel = [s for s in chosen if s.kind in PARALLEL_KINDS]
    for session in rng.sample(parallel, min(len(parallel), max(1, sessions // 25))):
        session.timed = False
    return sorted(chosen, key=lambda s: (s.day, s.start, -1 if s.room is None else s.room))


def required_sessions(days: int) -> list[PlannedSession]:
    """Registration every day, opening remarks on the first and closing remarks on the last."""
    required = [PlannedSession(*REGISTRATION, day=day, room=None) for day in range(days)]
    return [
        *required,
        PlannedSession(*OPENING, day=0, room=0),
        PlannedSession(*CLOSING, day=days - 1, room=0),
    ]


def candidate_slots(days: int, rooms: int) -> list[PlannedSession]:
    """Every other slot in the order it is chosen: the first day's first two, then by turns.

    The turns take each day's next slot before any day's slot after it, so that a program of few
    sessions still spreads over all its days.
    """
    first_day, *other_days = [day_slots(day, rooms) for day in range(days)]
    tiers = itertools.zip_longest(first_day[2:], *other_days)
    return first_day[:2] + [slot for tier in tiers for slot in tier if slot]


def day_slots(day: int, rooms: int) -> list[PlannedSession]:
    """The day's slots but registration and remarks, in the order they fill."""
    parallel = [
        PlannedSession(
            SessionKind.ORAL_SESSION if n % 3 == 1 else SessionKind.POSTER_SESSION,
            day=day,
            start=start,
            minutes=minutes,
            room=room,
        )
        for n, (room, (start, minutes)) in enumerate(
            itertools.product(range(rooms), PARALLEL_BLOCKS)
        )
    ]
    fixed = [
        PlannedSession(*KEYNOTE, day=day, room=0),
        PlannedSession(*LUNCH, day=day, room=None),
        PlannedSession(*MORNING_BREAK, day=day, room=None),
        PlannedSession(*INVITED_TALK, day=day, room=0),
        PlannedSession(*AFTERNOON_BREAK, day=day, room=None),
    ]
    # Two parallel sessions, then alternately a fixed slot and a parallel session.
    slots = parallel[:2]
    for fixed_slot, parallel_slot in itertools.zip_longest(fixed, parallel[2:]):
        slots += [slot for slot in (fixed_slot, parallel_slot) if slot]
    return slots


def choose_slots(
    required: list[PlannedSession],
    candidates: list[PlannedSession],
    *,
    sessions: int,
    posters: int,
    talks: int | None,
) -> list[PlannedSession]:
    """The required sessions and candidates in turn, up to ``sessions`` of them.

    A poster session is skipped once every poster has one, a session of talks once every talk
    has one (``talks=None`` asks for as many talks as the sessions hold).
    """
    chosen, poster_sessions, talk_sessions = list(required), 0, 0
    for slot in candidates:
        if len(chosen) == sessions:
            break
        if slot.kind == SessionKind.POSTER_SESSION:
            if poster_sessions >= posters:
                continue
            poster_sessions += 1
        elif slot.kind in (SessionKind.ORAL_SESSION, *PLENARY_KINDS):
            if talks is not None and talk_sessions >= talks:
                continue
            talk_sessions += 1
        chosen.append(slot)
    return chosen


def room_name(index: int) -> str:
    if index == 0:
        return "Main Hall"
    if index <= 26:
        return f"Hall {chr(64 + index)}"
    return f"Room {index + 74}"


def room_capacity(index: int) -> int:
    """The main hall seats the plenaries; halls hold a parallel track; rooms are small."""
    if index == 0:
        return 2000
    return 400 if index <= 26 else 80


def room_area(index: int) -> str:
    return "Level 1" if index <= 13 else "Level 2"
