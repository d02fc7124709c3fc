"""frab/c3voc ``schedule.json`` and ``schedule.xml`` (pretalx, frab, wafer and hand-made files).

Real files often break the schema (duplicate ids, missing fields, HTML in abstracts): the reader
uses what it can and reports what it skipped. Every event is one poster or talk, so the site
counts what the file counts; a pretalx ``code``, or a guid given twice, groups the slots of one
contribution. The README's "Bring your conference in" says what becomes what.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import Counter, defaultdict

from program.importing import source
from program.importing.readers import clock
from program.importing.readers.fields import (
    MAX_RECORDS,
    ReadError,
    duration,
    languages,
    links_of,
    moment,
    plain,
    session_kind,
    talk_type,
    web_address,
)
from program.interchange.frab import GENERATOR, NAMESPACE, NO_ROOM
from program.models import SessionKind

# The type our exports give poster events (frab has no posters).
POSTER_TYPE = "poster"
CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?")


def read_frab(data, *, zone: str = "", conference_zone: str = "") -> source.Program:
    """``zone``: the zone the organizer gave; ``conference_zone``: the one of the conference
    the file goes into, if it exists (see ``clock.zone_for``)."""
    try:
        conference = data["schedule"]["conference"]
        days = [day for day in conference.get("days") or [] if isinstance(day, dict)]
    except (KeyError, TypeError, AttributeError) as error:
        raise ReadError("This JSON has no schedule.conference: not a c3voc schedule.") from error
    generator = data.get("generator") if isinstance(data, dict) else None
    ours = isinstance(generator, dict) and generator.get("name") == GENERATOR
    program = source.Program(
        name=str(conference.get("title") or conference.get("acronym") or "")[:200],
        full_name=str(conference.get("description") or "")[:300] if ours else "",
    )
    program.timezone = clock.zone_for(
        zone,
        str(conference.get("time_zone_name") or ""),
        conference_zone,
        _offsets(days),
        program.notes,
    )
    total = sum(
        len(events) if isinstance(events, list) else 0
        for day in days
        for events in (day.get("rooms") or {}).values()
    )
    if total > MAX_RECORDS:
        raise ReadError(f"The file holds {total:,} events, more than {MAX_RECORDS:,}: refused.")
    reader = _Events(program, clock.zone_named(program.timezone, "zone"), ours)
    for name, attribute in (("start", "start_date"), ("end", "end_date")):
        value = str(conference.get(name) or "")[:10]
        try:
            setattr(program, attribute, datetime.date.fromisoformat(value))
        except ValueError:
            program.skipped.append(f"conference.{name}: {value!r} is not a date")
    _rooms_and_tracks(conference, program)
    declared = [reader.clock_time(conference.get("day_change"))]
    for number, day in enumerate(days, start=1):
        bounds = reader.bounds(day, number)
        declared += [bound.astimezone(reader.zone).time() for bound in bounds[:2] if bound]
        for room, events in (day.get("rooms") or {}).items():
            for event in events or []:
                program.records += 1
                reader.read(event, day, bounds, str(room))
    program.day_starts_at = clock.day_start(
        reader.minutes, list(filter(None, declared)), program.notes
    )
    if reader.days:  # a day the file lists is a day of the conference, so is one it runs into
        last = max(reader.day_of(end, program.day_starts_at) for end in reader.ends)
        program.start_date = min(filter(None, [program.start_date, min(reader.days)]))
        program.end_date = max(filter(None, [program.end_date, max(reader.days), last]))
    program.sessions = list(reader.sessions.values())
    program.contributions = list(reader.contributions.values())
    return program


def _offsets(days) -> Counter:
    """How many events carry each UTC offset."""
    found = Counter()
    for day in days:
        for events in (day.get("rooms") or {}).values():
            for event in events or []:
                try:
                    moment_ = datetime.datetime.fromisoformat(str(event.get("date") or ""))
                except (ValueError, AttributeError):
                    continue
                if moment_.tzinfo is not None:
                    found[moment_.utcoffset()] += 1
    return found


def _rooms_and_tracks(conference: dict, program: source.Program) -> None:
    for room in conference.get("rooms") or []:
        if not isinstance(room, dict) or not room.get("name"):
            continue
        name = str(room["name"])[:200]
        program.rooms.append(name)
        details = {}
        if isinstance(room.get("description"), str) and room["description"].strip():
            details["area"] = room["description"].strip()[:200]
        if isinstance(room.get("capacity"), int) and room["capacity"] > 0:
            details["capacity"] = room["capacity"]
        program.room_details[name] = details
    for track in conference.get("tracks") or []:
        if isinstance(track, dict) and str(track.get("name") or "").strip():
            name = str(track["name"]).strip()[:200]
            program.tracks.append(name)
            if re.fullmatch(r"#[0-9a-fA-F]{6}", str(track.get("color") or "")):
                program.track_colours[name] = track["color"].upper()


class _Events:
    """Reads events one by one into the program's sessions, contributions and slots."""

    def __init__(self, program: source.Program, zone, ours: bool):
        self.program, self.zone, self.ours = program, zone, ours
        self.sessions: dict[str, source.Session] = {}
        self.contributions: dict[str, source.Contribution] = {}
        self.times_seen: Counter = Counter()
        self.positions: defaultdict[str, int] = defaultdict(int)
        #: Each event's start in minutes after midnight of the day the file lists it under.
        self.minutes: list[int] = []
        self.days: set[datetime.date] = set()
        self.ends: list[datetime.datetime] = []

    def day_of(self, end: datetime.datetime, day_starts_at: datetime.time) -> datetime.date:
        """The conference day an end falls on (its last moment: an end at midnight is the day
        before's)."""
        local = (end - datetime.timedelta(microseconds=1)).astimezone(self.zone)
        return local.date() - datetime.timedelta(days=local.time() < day_starts_at)

    def clock_time(self, value) -> datetime.time | None:
        match = CLOCK_TIME.fullmatch(str(value or "").strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            return None
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def bounds(self, day: dict, number: int):
        """The day's own start and end, and the date it stands for (its start's date in the
        zone: a wafer file labels its days by the UTC date of 21:30, the evening before)."""
        where = f"day {number}"
        starts = moment(day["day_start"], f"{where}: day_start") if day.get("day_start") else None
        ends = moment(day["day_end"], f"{where}: day_end") if day.get("day_end") else None
        if starts:
            return starts, ends, starts.astimezone(self.zone).date()
        try:
            return None, ends, datetime.date.fromisoformat(str(day.get("date") or "")[:10])
        except ValueError:
            return None, ends, None

    def starts(self, event, bounds, where: str) -> datetime.datetime | None:
        """The event's ``date``, or (older pentabarf files such as FOSDEM's) its day's date and
        its ``start`` clock time in the zone, the morning after when before the day's start."""
        if event.get("date"):
            return moment(event["date"], where)
        time, (day_starts, _, date) = self.clock_time(event.get("start")), bounds
        if time is None or date is None:
            return None
        local = datetime.datetime.combine(date, time, tzinfo=self.zone)
        return local + datetime.timedelta(days=1) if day_starts and local < day_starts else local

    def unique_key(self, event, where: str) -> tuple[str, str]:
        """The slot's key and the event's own (a guid given twice is the same submission at
        another time: its second slot's key is ``guid#2``)."""
        key = str(event.get("guid") or (f"id:{event['id']}" if event.get("id") else ""))
        if not key:
            return "", ""
        self.times_seen[key] += 1
        times = self.times_seen[key]
        if times > 1:
            self.program.notes.append(
                f"{where}: its guid is given {times} times; read as slots of one contribution"
            )
        return (key if times == 1 else f"{key}#{times}"), key

    def read(self, event, day: dict, bounds, room: str) -> None:
        if not isinstance(event, dict):
            self.left_out(f"day {day.get('date')}, room {room}: an event that is not an object")
            return
        where = f"event {event.get('guid') or event.get('id') or event.get('title', '?')!r}"
        key, own_key = self.unique_key(event, where)
        title = str(event.get("title") or "").strip()
        starts = self.starts(event, bounds, where)
        if not key or not title or starts is None:
            self.left_out(f"{where}: no guid or id, no title, or no date and start; left out")
            return
        ends = moment(event["end"], where) if event.get("end") else None
        length = duration(event.get("duration"))
        if ends is None and length:
            ends = starts + length
        self.ends.append(ends or starts)
        if bounds[2]:
            local = starts.astimezone(self.zone).replace(tzinfo=None)
            midnight = datetime.datetime.combine(bounds[2], datetime.time())
            self.minutes.append(int((local - midnight).total_seconds() // 60))
            self.days.add(bounds[2])
        if self.ours and room == NO_ROOM:
            room = ""  # our stand-in for a room not known yet
        program = self.program
        if room and room not in program.rooms:
            program.rooms.append(room)
        track = str(event.get("track") or "").strip()[:200]
        if track and track not in program.tracks:
            program.tracks.append(track)
        abstract = _abstract(event, self.ours)
        label = str(event.get("type") or "").strip()
        people = [p for p in event.get("persons") or [] if isinstance(p, dict)]
        kind = session_kind(label) if self.ours and label.casefold() != POSTER_TYPE else ""
        # Our exports write a session of its own with nobody, no language, links or opt-out; a
        # talk with any of them whose type reads as a session kind stays a talk.
        own = (event.get(name) for name in ("language", "links", "do_not_record"))
        if kind and not people and not any(own):
            self.sessions[key] = source.Session(
                key=key,
                title=title[:300],
                kind=kind,
                starts_at=starts,
                ends_at=ends,
                room=room,
                description=abstract,
                track=track,
            )
            return
        slot_kind = "poster" if label.casefold() == POSTER_TYPE else "talk"
        session_key = self.session(day, room, slot_kind, starts, ends)
        code = event.get("code")
        contribution_key = f"code:{code}" if code else f"event:{own_key}"
        if contribution_key not in self.contributions:
            self.contributions[contribution_key] = self.contribution(
                event, contribution_key, title, abstract, track, people, where
            )
        code_, type_label = talk_type(label) if slot_kind == "talk" else ("", "")
        self.positions[session_key] += 1
        program.slots.append(
            source.Slot(
                key=key,
                kind=slot_kind,
                contribution=contribution_key,
                session=session_key,
                position=self.positions[session_key],
                starts_at=starts,
                ends_at=ends,
                presentation_type=code_,
                type_label=type_label,
                do_not_record=bool(event.get("do_not_record")),
            )
        )

    def left_out(self, note: str) -> None:
        self.program.skipped.append(note)
        self.program.left_out += 1

    def session(self, day, room: str, slot_kind: str, starts, ends) -> str:
        """The key of the session the slot is in: its room's of the day, or its poster slot's."""
        if slot_kind == "poster":  # the posters of one room and slot are one poster session
            key, title = f"{day.get('date')}/{room}/posters/{starts.isoformat()}/{ends}", "Posters"
        else:
            key, title = f"{day.get('date')}/{room}", room
        session = self.sessions.setdefault(
            key,
            source.Session(
                key=key,
                title=title,
                kind=SessionKind.POSTER_SESSION if slot_kind == "poster" else SessionKind.OTHER,
                starts_at=starts,
                room=room,
            ),
        )
        session.starts_at = min(session.starts_at, starts)
        if ends and (session.ends_at is None or ends > session.ends_at):
            session.ends_at = ends
        return key

    def contribution(self, event, key, title, abstract, track, people, where):
        skipped = self.program.skipped
        links, page = links_of(
            [*(event.get("links") or []), *(event.get("attachments") or [])], where, skipped
        )
        # The event's url is its page in the tool that wrote the file: the conference's page of
        # it, unless the file is one of ours (then it is our own page, and the links name the
        # conference's).
        url = page or ("" if self.ours else web_address(event.get("url"), where, skipped))
        return source.Contribution(
            key=key,
            title=title[:500],
            abstract=abstract,
            people=[
                _person(p, where, skipped, ours=self.ours)
                for p in people
                if p.get("name") or p.get("public_name")
            ],
            track=track,
            language=languages(event.get("language"), where, skipped),
            links=links,
            external_url=url,
            code=str(event.get("code") or "")[:200],
        )


def _abstract(event, ours: bool) -> str:
    """The abstract and, when it says more, the description after it."""
    # Our own exports hold the text as it is kept here: "<code>" in it is text, not markup.
    read = _as_written if ours else plain
    abstract, description = read(event.get("abstract")), read(event.get("description"))
    if description and " ".join(description.split()) != " ".join(abstract.split()):
        return f"{abstract}\n\n{description}" if abstract else description
    return abstract


def _person(given: dict, where: str, skipped: list[str], *, ours: bool) -> source.Person:
    # An id of 0 is no id: a congress wiki gives it to hundreds of different people.
    number = str(given.get("id") or "").strip()
    key = given.get("guid") or given.get("code") or (number if number not in ("", "0") else "")
    if number and key == str(uuid.uuid5(NAMESPACE, f"person-id:{number}")):
        key = number  # our export of a person kept by a file's id: that id again
    return source.Person(
        name=str(given.get("name") or given.get("public_name") or "").strip()[:200],
        key=str(key or "")[:200],
        bio=(_as_written if ours else plain)(given.get("biography")),
        links=links_of(given.get("links"), where, skipped)[0],
        # Our exports link each person's page, /<conference>/people/<slug>/.
        slug=_slug_in(given.get("url")) if ours else "",
    )


def _as_written(text) -> str:
    return str(text or "").replace("\r\n", "\n").strip()


def _slug_in(url) -> str:
    match = re.search(r"/people/([-\w]+)/?$", str(url or ""))
    return match.group(1)[:200] if match else ""
