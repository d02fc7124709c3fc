"""frab/c3voc ``schedule.json`` and ``schedule.xml`` (pretalx, frab, wafer and hand-made files).

Real files often break the schema (duplicate ids, missing fields, HTML in abstracts): the reader
keeps what it can use and says what it skipped. Each event is a talk in a session of its room
and day; a pretalx ``code`` (the submission) groups the slots of one contribution. The XML is
parsed by defusedxml (no entity expansion, no external entities).
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

from defusedxml import ElementTree

from program.frab import GENERATOR, NO_ROOM
from program.importing import source
from program.importing.readers.fields import (
    ReadError,
    duration,
    links_of,
    moment,
    plain,
    session_kind,
    talk_type,
    web_address,
)
from program.models import SessionKind

# The type our exports give poster events (frab has no posters).
POSTER_TYPE = "poster"


def read_frab(data) -> source.Program:
    try:
        conference = data["schedule"]["conference"]
        days = conference.get("days") or []
    except (KeyError, TypeError, AttributeError) as error:
        raise ReadError("This JSON has no schedule.conference: not a c3voc schedule.") from error
    zone_name = conference.get("time_zone_name") or "UTC"
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ReadError(f"conference.time_zone_name: {zone_name!r} is not a time zone") from error
    generator = data.get("generator") if isinstance(data, dict) else None
    ours = isinstance(generator, dict) and generator.get("name") == GENERATOR
    program = source.Program(
        name=str(conference.get("title") or conference.get("acronym") or "")[:200],
        full_name=str(conference.get("description") or "")[:300] if ours else "",
        timezone=zone_name,
    )
    for name, attribute in (("start", "start_date"), ("end", "end_date")):
        value = str(conference.get(name) or "")[:10]
        try:
            setattr(program, attribute, datetime.date.fromisoformat(value))
        except ValueError:
            program.skipped.append(f"conference.{name}: {value!r} is not a date")
    if days and days[0].get("day_start"):
        start = moment(days[0]["day_start"], "day 1: day_start")
        program.day_starts_at = start.astimezone(zone).time().replace(second=0, microsecond=0)
    for room in conference.get("rooms") or []:
        if not isinstance(room, dict) or not room.get("name"):
            continue
        name = str(room["name"])
        program.rooms.append(name)
        details = {}
        if isinstance(room.get("description"), str) and room["description"].strip():
            details["area"] = room["description"].strip()[:200]
        if isinstance(room.get("capacity"), int) and room["capacity"] > 0:
            details["capacity"] = room["capacity"]
        program.room_details[name] = details
    for track in conference.get("tracks") or []:
        if isinstance(track, dict) and track.get("name"):
            name = str(track["name"]).strip()[:200]
            program.tracks.append(name)
            if re.fullmatch(r"#[0-9a-fA-F]{6}", str(track.get("color") or "")):
                program.track_colours[name] = track["color"].upper()
    seen: set[str] = set()
    sessions: dict[str, source.Session] = {}
    contributions: dict[str, source.Contribution] = {}
    for day in days:
        for room, events in (day.get("rooms") or {}).items():
            for event in events or []:
                _read_event(event, day, str(room), program, seen, sessions, contributions, ours)
    program.sessions = list(sessions.values())
    program.contributions = list(contributions.values())
    return program


def _read_event(event, day, room, program, seen, sessions, contributions, ours) -> None:
    """One event: a talk in its room's session of the day, a poster in its slot's poster
    session (our exports' type "Poster"), or a session of its own when its type is a session
    kind and it has nobody (a break, opening remarks)."""
    key = str(event.get("guid") or (f"id:{event['id']}" if event.get("id") else ""))
    where = f"event {key or event.get('title', '?')!r}"
    if not key:
        program.skipped.append(f"{where}: no guid or id, left out")
        return
    if key in seen:
        program.skipped.append(f"{where}: the same guid twice, the second left out")
        return
    seen.add(key)
    title = str(event.get("title") or "").strip()
    if not title or not event.get("date"):
        program.skipped.append(f"{where}: no title or no date, left out")
        return
    starts = moment(event["date"], where)
    length = duration(event.get("duration"))
    ends = moment(event["end"], where) if event.get("end") else None
    if ends is None and length:
        ends = starts + length
    if ours and room == NO_ROOM:
        room = ""  # our stand-in for a room not known yet
    if room and room not in program.rooms:
        program.rooms.append(room)
    track = str(event.get("track") or "").strip()[:200]
    if track and track not in program.tracks:
        program.tracks.append(track)
    abstract = plain(event.get("abstract"))
    description = plain(event.get("description"))
    if description and description != abstract:
        abstract = f"{abstract}\n\n{description}" if abstract else description
    label = str(event.get("type") or "").strip()
    people = [p for p in event.get("persons") or [] if isinstance(p, dict)]
    kind = "" if label.casefold() == POSTER_TYPE else session_kind(label)
    if kind and not people:
        sessions[key] = source.Session(
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
    if slot_kind == "poster":  # the posters of one room and slot are one poster session
        session_key = f"{day.get('date')}/{room}/posters/{starts.isoformat()}/{ends}"
        title_ = "Posters"
    else:
        session_key, title_ = f"{day.get('date')}/{room}", room
    session = sessions.setdefault(
        session_key,
        source.Session(
            key=session_key,
            title=title_,
            kind=SessionKind.POSTER_SESSION if slot_kind == "poster" else SessionKind.OTHER,
            starts_at=starts,
            room=room,
        ),
    )
    session.starts_at = min(session.starts_at, starts)
    if ends and (session.ends_at is None or ends > session.ends_at):
        session.ends_at = ends
    code = event.get("code")
    contribution_key = f"code:{code}" if code else f"event:{key}"
    links, page = links_of(event.get("links"), where, program.skipped)
    # The event's url is its page in the tool that wrote the file: the conference's page of it,
    # unless the file is one of ours (then it is our own page, and the links name the
    # conference's).
    url = page or ("" if ours else web_address(event.get("url"), where, program.skipped))
    contributions.setdefault(
        contribution_key,
        source.Contribution(
            key=contribution_key,
            title=title[:500],
            abstract=abstract,
            people=[
                source.Person(
                    name=str(p.get("name") or p.get("public_name") or "").strip()[:200],
                    key=str(p.get("guid") or p.get("code") or p.get("id") or "")[:200],
                    bio=plain(p.get("biography")),
                    links=links_of(p.get("links"), where, program.skipped)[0],
                )
                for p in people
                if p.get("name") or p.get("public_name")
            ],
            track=track,
            language=str(event.get("language") or "")[:35],
            links=links,
            external_url=url,
        ),
    )
    code_, type_label = talk_type(label) if slot_kind == "talk" else ("", "")
    program.slots.append(
        source.Slot(
            key=key,
            kind=slot_kind,
            contribution=contribution_key,
            session=session_key,
            position=sum(1 for slot in program.slots if slot.session == session_key) + 1,
            starts_at=starts,
            ends_at=ends,
            presentation_type=code_,
            type_label=type_label,
            do_not_record=bool(event.get("do_not_record")),
        )
    )


def frab_xml_as_json(data: bytes) -> dict:
    """The schedule.xml as the schedule.json it stands for, so one reader reads both."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ReadError(f"This is not well-formed XML: {error}") from error
    except Exception as error:  # defusedxml refuses entities and DTDs
        raise ReadError(f"This XML is refused: {error}") from error
    if root.tag != "schedule":
        raise ReadError(f"The XML's root is <{root.tag}>, not <schedule>.")
    head = root.find("conference")
    conference = {
        child.tag: (child.text or "").strip()
        for child in (head if head is not None else [])
        if child.tag != "track"
    }
    if head is not None:
        conference["tracks"] = [
            {"name": (track.text or "").strip(), "color": track.get("color")}
            for track in head.findall("track")
        ]
    days = []
    for day in root.findall("day"):
        rooms = {}
        for room in day.findall("room"):
            rooms[room.get("name", "")] = [_xml_event(event) for event in room.findall("event")]
        days.append({"date": day.get("date"), "day_start": day.get("start"), "rooms": rooms})
    conference["days"] = days
    generator = root.find("generator")
    return {
        "generator": {"name": generator.get("name")} if generator is not None else None,
        "schedule": {"conference": conference},
    }


def _xml_event(event) -> dict:
    fields = {child.tag: (child.text or "") for child in event}
    fields.update(guid=event.get("guid"), id=event.get("id"), code=event.get("code"))
    fields["persons"] = [
        {"name": (person.text or "").strip(), "guid": person.get("guid"), "id": person.get("id")}
        for person in event.findall("persons/person")
    ]
    fields["links"] = [
        {"url": link.get("href", ""), "type": link.get("type", ""), "title": link.text or ""}
        for link in event.findall("links/link")
    ]
    recording = event.find("recording/optout")
    fields["do_not_record"] = recording is not None and recording.text == "true"
    return fields
