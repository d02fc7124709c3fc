"""The neutral shape every reader produces: what a file says, keyed by the file's own ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Person:
    name: str
    key: str = ""  # the source's id for the person ("" when it has none: found by name)
    bio: str = ""
    links: list[dict] = field(default_factory=list)
    slug: str = ""  # the slug a file of ours gives the person


@dataclass
class Contribution:
    key: str
    title: str
    abstract: str = ""
    people: list[Person] = field(default_factory=list)
    track: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    links: list[dict] = field(default_factory=list)
    external_url: str = ""
    code: str = ""  # the submission's id in its source (a pretalx code)


@dataclass
class Session:
    key: str
    title: str
    kind: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None = None
    room: str = ""
    description: str = ""
    track: str = ""


@dataclass
class Slot:
    """A poster or a talk: one presentation of a contribution in a session."""

    key: str
    kind: str  # "poster" or "talk"
    contribution: str  # its key
    session: str  # its key
    position: int
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    presentation_type: str = ""
    type_label: str = ""  # the file's own name for the type, when it is not one of ours
    do_not_record: bool = False


@dataclass
class Program:
    name: str = ""
    full_name: str = ""
    timezone: str = "UTC"
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    day_starts_at: datetime.time | None = None
    rooms: list[str] = field(default_factory=list)
    #: A room's description (our "area") and capacity, by name, where the file gives them.
    room_details: dict[str, dict] = field(default_factory=dict)
    tracks: list[str] = field(default_factory=list)
    #: A track's colour ("#1f77b4"), by name, where the file gives one.
    track_colours: dict[str, str] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    #: What the reader left out and why, for the report.
    skipped: list[str] = field(default_factory=list)
    #: What the reader decided for the file and the organizer should know (its time zone).
    notes: list[str] = field(default_factory=list)
    #: The file's records (events, papers), and how many of them were left out whole.
    records: int = 0
    left_out: int = 0
