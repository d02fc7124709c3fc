"""Readers: a file's bytes to a ``source.Program``, the format detected from the content.

- frab/c3voc ``schedule.json`` and ``schedule.xml`` (pretalx, frab, wafer and hand-made files).
  Real files often break the schema (duplicate ids, missing fields, HTML in abstracts): a reader
  keeps what it can use and says what it skipped. Each event is a talk in a session of its room
  and day; a pretalx ``code`` (the submission) groups the slots of one contribution.
- Mini-Conf paper lists (``papers.csv`` or ``papers.json``: UID, title, ``|``-separated authors,
  keywords and session names) with their calendar (``main_calendar.json``): each paper is a
  contribution, a poster in each calendar session it names, or unscheduled.

The XML is parsed by defusedxml (no entity expansion, no external entities); nothing named in a
file (a URL, a path) is ever fetched.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import strip_tags
from django.utils.text import slugify

from program.frab import GENERATOR, NO_ROOM
from program.importing import source
from program.models import LinkKind, PresentationType, SessionKind

#: "fixture" is our own ``export_conference`` file (importing/fixture.py).
FORMATS = ("frab-json", "frab-xml", "miniconf", "fixture")
# A program file larger than this is refused before it is read (the largest real ones are a few
# megabytes).
MAX_BYTES = 50 * 1024 * 1024
# The format's link types as our kinds.
LINK_KINDS = {"paper": "paper", "slides": "slides", "media": "video", "video": "video"}
# Our own exports label each link with its kind and add the conference's page of the item.
KINDS_BY_LABEL = {label: kind for kind, label in LinkKind.choices}
CONFERENCE_PAGE = "On the conference site"
# The type our exports give poster events (frab has no posters).
POSTER_TYPE = "poster"


class ReadError(ValueError):
    """The file cannot be read as a program; the message says where and why."""


def detect(data: bytes) -> str:
    text = data.lstrip()[:200]
    if text.startswith(b"<"):
        return "frab-xml"
    if text.startswith(b"{"):
        return "frab-json"
    if text.startswith(b"["):
        # A list of Django records is our own export; any other list, a papers.json.
        head = re.match(rb'\[\s*\{\s*"(\w+)"', text)
        return "fixture" if head and head.group(1) == b"model" else "miniconf"
    first_line = text.decode("utf-8", "replace").splitlines()[0] if text else ""
    if "UID" in first_line and "title" in first_line:
        return "miniconf"
    raise ReadError(
        "This is neither a frab/c3voc schedule (JSON or XML) nor a Mini-Conf paper list;"
        " name the format with --format."
    )


def read(data: bytes, fmt: str, *, calendar: bytes | None = None) -> source.Program:
    if fmt == "frab-json":
        return read_frab(_json(data))
    if fmt == "frab-xml":
        return read_frab(frab_xml_as_json(data))
    if fmt == "miniconf":
        return read_miniconf(data, calendar)
    if fmt == "fixture":
        raise ReadError("Our own export is imported by importing.files.import_file.")
    raise ReadError(f"Unknown format {fmt!r}; give one of {', '.join(FORMATS)}.")


def _json(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(f"This is not valid JSON: {error}") from error


# frab/c3voc


# Markup some tools put in abstracts. Only text that has it is stripped: "a <b> c" in a plain
# abstract (math, code) is not a tag and is kept as written.
HTML_TAG = re.compile(
    r"</?(?:p|br|a|em|strong|b|i|u|ul|ol|li|code|pre|div|span|h[1-6]|blockquote)\b[^>]*>", re.I
)


def plain(text) -> str:
    """Text of an abstract as written, without the HTML some tools put in it."""
    text = str(text or "")
    if HTML_TAG.search(text):
        text = html.unescape(strip_tags(text))
    return text.strip()


def _moment(value, where: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError as error:
        raise ReadError(f"{where}: {value!r} is not a date and time") from error
    if moment.tzinfo is None:
        raise ReadError(f"{where}: {value!r} has no UTC offset")
    return moment


def _duration(value) -> datetime.timedelta | None:
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", str(value or ""))
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _url(value, where: str, skipped: list[str]) -> str:
    """A web address we can link to, else "" (and a note): imports never fail on a bad link."""
    url = str(value or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        skipped.append(f"{where}: {url[:80]!r} is not an http(s) address, left out")
        return ""
    return url[:500]


def _links(items, where: str, skipped: list[str]) -> tuple[list[dict], str]:
    """Typed links, and the conference's page of the item when the file names it."""
    links, page = [], ""
    for item in items or []:
        url = (item.get("url") or item.get("href") or "") if isinstance(item, dict) else ""
        url = _url(url, where, skipped)
        if not url:
            continue
        title, kind = str(item.get("title") or "").strip(), str(item.get("type") or "").lower()
        if title == CONFERENCE_PAGE and kind == "web" and not page:
            page = url
            continue
        kind = KINDS_BY_LABEL.get(title) or LINK_KINDS.get(kind, LinkKind.OTHER)
        links.append({"kind": str(kind), "url": url})
    return links, page


def _session_kind(label: str) -> str:
    """The session kind a type names (by code or label: "Break", "opening_remarks"), else ""."""
    code = slugify(label).replace("-", "_")
    for kind, kind_label in SessionKind.choices:
        if code == kind or label.strip().casefold() == kind_label.casefold():
            return kind
    return ""


def _type(label: str) -> tuple[str, str]:
    """A talk type as our code, and the file's label when the code is not one of ours."""
    code = slugify(label).replace("-", "_")[:32]
    if not code:
        return "", ""
    return code, ("" if code in PresentationType.values else label.strip()[:100])


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
        start = _moment(days[0]["day_start"], "day 1: day_start")
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
    starts = _moment(event["date"], where)
    length = _duration(event.get("duration"))
    ends = _moment(event["end"], where) if event.get("end") else None
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
    kind = "" if label.casefold() == POSTER_TYPE else _session_kind(label)
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
    links, page = _links(event.get("links"), where, program.skipped)
    # The event's url is its page in the tool that wrote the file: the conference's page of it,
    # unless the file is one of ours (then it is our own page, and the links name the
    # conference's).
    url = page or ("" if ours else _url(event.get("url"), where, program.skipped))
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
                    links=_links(p.get("links"), where, program.skipped)[0],
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
    code_, type_label = _type(label) if slot_kind == "talk" else ("", "")
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


# Mini-Conf


def read_miniconf(data: bytes, calendar: bytes | None) -> source.Program:
    rows = _miniconf_rows(data)
    program = source.Program(timezone="UTC")
    by_name: dict[str, source.Session] = {}
    for number, entry in enumerate(_json(calendar) if calendar else [], start=1):
        session = _calendar_session(entry, number, program)
        if session is None:
            continue
        program.sessions.append(session)
        by_name.setdefault(session.title, session)
        link = str(entry.get("link") or entry.get("location") or "")
        for name in parse_qs(urlsplit(link).query).get("session", []):
            by_name.setdefault(name, session)
    days = [
        moment.date()
        for session in program.sessions
        for moment in (session.starts_at, session.ends_at)
        if moment
    ]
    program.start_date, program.end_date = (min(days), max(days)) if days else (None, None)
    positions: dict[str, int] = {}
    for line, row in rows:
        uid = str(row.get("UID") or "").strip()
        title = str(row.get("title") or "").strip()
        if not uid or not title:
            program.skipped.append(f"paper at line {line}: no UID or no title, left out")
            continue
        key = f"uid:{uid}"
        program.contributions.append(
            source.Contribution(
                key=key,
                title=title[:500],
                abstract=str(row.get("abstract") or "").strip(),
                people=[source.Person(name=name[:200]) for name in _bars(row.get("authors"))],
                keywords=[word[:100] for word in _bars(row.get("keywords"))][:50],
            )
        )
        # A paper's n-th session is its n-th poster, whichever session that is: a paper moved
        # to another session is the same poster, moved (saved agendas keep it and mark it).
        for number, name in enumerate(_bars(row.get("sessions")), start=1):
            session = by_name.get(name)
            if session is None:
                program.skipped.append(
                    f"paper {uid}: session {name!r} is in no calendar entry; that slot is left out"
                )
                continue
            positions[session.key] = positions.get(session.key, 0) + 1
            program.slots.append(
                source.Slot(
                    key=uid if number == 1 else f"{uid}#{number}",
                    kind="poster",
                    contribution=key,
                    session=session.key,
                    position=positions[session.key],
                )
            )
    return program


def _bars(value) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split("|")
    return [str(item).strip() for item in items if str(item).strip()]


def _miniconf_rows(data: bytes) -> list[tuple[int, dict]]:
    if data.lstrip().startswith(b"["):
        rows = _json(data)
        if not all(isinstance(row, dict) for row in rows):
            raise ReadError("papers.json must be a list of papers (objects).")
        return list(enumerate(rows, start=1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"papers.csv is not UTF-8: {error}") from error
    reader = csv.DictReader(io.StringIO(text))
    missing = {"UID", "title", "authors"} - set(reader.fieldnames or [])
    if missing:
        raise ReadError(f"papers.csv has no column {', '.join(sorted(missing))}.")
    return [(reader.line_num, row) for row in reader]


def _calendar_session(entry, number: int, program: source.Program) -> source.Session | None:
    if not isinstance(entry, dict) or not entry.get("title") or not entry.get("start"):
        program.skipped.append(f"calendar entry {number}: no title or start, left out")
        return None
    where = f"calendar entry {number}"
    starts = _moment(entry["start"], where)
    ends = _moment(entry["end"], where) if entry.get("end") else None
    title = str(entry["title"]).strip()[:300]
    kind = {"qa": SessionKind.QA, "talk": SessionKind.INVITED_TALK}.get(
        str(entry.get("calendarId")),
        SessionKind.POSTER_SESSION if title.lower().startswith("poster") else SessionKind.OTHER,
    )
    return source.Session(
        key=f"{title}@{starts.isoformat()}", title=title, kind=kind, starts_at=starts, ends_at=ends
    )
