"""The generated program as unsaved model objects, before anything is written.

``draft_sessions`` makes the conference, its rooms and its sessions from the day plan
(``planning``); ``casting`` then adds the people, posters and talks to the same ``Draft``. Uids
come from the conference's slug and an index, so the same arguments give the same uids.
"""

from __future__ import annotations

import datetime
import random
import re
import uuid
import zoneinfo
from dataclasses import dataclass, field

from devtools.devdata.planning import PlannedSession, room_area, room_capacity, room_name
from devtools.devdata.texts import TOPICS, title_case
from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Talk,
    Track,
)

NAMESPACE = uuid.UUID("0b7a4d1e-5d2f-4a39-8f1c-2d6e9a3b7c41")


@dataclass
class Draft:
    """Everything generated, in the order it is written, and the generator that drew it."""

    rng: random.Random
    conference: Conference
    rooms: list[Room]
    sessions: list[Session]
    tracks: list[Track] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    authorships: list[Authorship] = field(default_factory=list)
    posters: list[Poster] = field(default_factory=list)
    talks: list[Talk] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.conference.slug

    def uid(self, kind: str, index: int) -> uuid.UUID:
        return generated_uid(self.slug, kind, index)


def generated_uid(slug: str, kind: str, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{slug}/{kind}/{index}")


def draft_sessions(
    rng: random.Random,
    *,
    slug: str,
    timezone: str,
    dates: list[datetime.date],
    rooms: int,
    planned: list[PlannedSession],
) -> Draft:
    """A draft of the conference, its rooms and its sessions, with titles, but nothing in them."""
    conference = make_conference(slug, timezone, dates)
    tracks = make_tracks(conference)
    room_list = [
        Room(conference=conference, name=room_name(n), capacity=room_capacity(n), area=room_area(n))
        for n in range(rooms)
    ]
    zone = zoneinfo.ZoneInfo(timezone)
    sessions, positions, poster_sessions = [], {}, 0
    for index, item in enumerate(planned):
        day = dates[item.day]
        positions[day] = positions.get(day, 0) + 1
        starts = datetime.datetime.combine(day, item.start, tzinfo=zone)
        if item.kind == SessionKind.POSTER_SESSION:
            poster_sessions += 1
        title, description = session_title(rng, item, poster_sessions)
        sessions.append(
            Session(
                uid=generated_uid(slug, "session", index),
                conference=conference,
                kind=item.kind,
                title=title,
                description=description,
                day=day,
                position=positions[day],
                starts_at=starts if item.timed else None,
                ends_at=starts + datetime.timedelta(minutes=item.minutes) if item.timed else None,
                room=None if item.room is None else room_list[item.room],
                # Parallel sessions take turns through the tracks; plenaries and breaks have none.
                track=tracks[index % len(tracks)] if item.kind in PARALLEL_KINDS else None,
            )
        )
    return Draft(rng=rng, conference=conference, rooms=room_list, sessions=sessions, tracks=tracks)


# A palette with enough contrast between neighbours (matplotlib's "tab10").
TRACK_COLOURS = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B"]
PARALLEL_KINDS = (SessionKind.POSTER_SESSION, SessionKind.ORAL_SESSION)


def make_tracks(conference: Conference) -> list[Track]:
    """One track per colour, named after the first topics: no random draw, so adding tracks left
    every other generated value as it was."""
    return [
        Track(conference=conference, name=title_case(topic), colour=colour)
        for topic, colour in zip(TOPICS, TRACK_COLOURS, strict=False)
    ]


def make_conference(slug: str, timezone: str, dates: list[datetime.date]) -> Conference:
    # "big2026" -> "BIG 2026"; the city is the zone's ("America/Los_Angeles" -> "Los Angeles").
    name = re.sub(r"(?<=[^\d\W])(?=\d)", " ", slug.replace("-", " ").replace("_", " ")).upper()
    city = timezone.rpartition("/")[2].replace("_", " ")
    return Conference(
        slug=slug,
        name=name,
        full_name=f"Generated Conference on Machine Learning and Systems ({name})",
        timezone=timezone,
        city=city,
        venue=f"{city} Convention Center",
        start_date=dates[0],
        end_date=dates[-1],
        is_published=True,
    )


def session_title(rng: random.Random, item: PlannedSession, poster_number: int) -> tuple[str, str]:
    """Title and description: numbered poster sessions, orals on a topic, the kind's label else.

    Plenaries keep their label here; their talk gives them a title later.
    """
    if item.kind == SessionKind.POSTER_SESSION:
        first, second = rng.sample(TOPICS, 2)
        return f"Session {poster_number}", f"Posters on {first}, {second} and related systems."
    if item.kind == SessionKind.ORAL_SESSION:
        topic = rng.choice(TOPICS)
        return title_case(topic), f"Talks on {topic}."
    if item.kind == SessionKind.BREAK:
        return ("Lunch" if item.minutes == 60 else "Coffee"), ""
    return item.kind.label, ""
