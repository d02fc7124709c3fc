"""The frab/c3voc schedule (``schedule.json``, ``schedule.xml``) that conference apps read.

Giggity, EventFahrplan, ConfClerk and recording pipelines read this format; pentabarf, frab and
pretalx write it (https://c3voc.de/wiki/schedule). ``schedule`` builds the JSON document and
``to_xml`` writes the XML from it, so the two never disagree. Nothing in the document depends on
this database's keys: a program exported, imported elsewhere and exported again gives the same
file. The README's "schedule.xml and schedule.json" lists the choices the format leaves open.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.text import slugify

from program import timing
from program.models import Conference, LinkKind, Person, Poster, Session, Talk

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "conference-program"
TIMESLOT = "00:05"
# A room name for items whose room is not known yet: frab places every event in a room.
NO_ROOM = "Room to be announced"
PRETALX_CODE = re.compile(r"[A-Z0-9]+")
# uuid5 namespace of the guids we derive (rooms, people).
NAMESPACE = uuid.UUID("5f0f3c0e-6f3b-4c43-9a55-2b8f3f0c4d21")
# Event and person ids are 1..ID_SPACE (positive integers; 31 bits suit every reader).
ID_SPACE = 2**31 - 1
# What XML 1.0 cannot hold (JSON could escape it, but no reader wants it either).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NUMBER = re.compile(r"[1-9][0-9]{0,9}")
# Our link kinds as the format's reference types.
LINK_TYPES = {
    LinkKind.PAPER: "paper",
    LinkKind.SLIDES: "slides",
    LinkKind.VIDEO: "media",
    LinkKind.STREAM: "media",
    LinkKind.HOMEPAGE: "web",
}
TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")

#: Makes a path absolute ("/mlsys2025/" -> "https://program.example.org/mlsys2025/").
UrlFor = Callable[[str], str]


def acronym(conference: Conference) -> str:
    """The conference's slug as the format's acronym: lower case, digits and "_", 4 or more."""
    return re.sub(r"[^a-z0-9_]", "_", conference.slug.lower()).ljust(4, "_")


def legible(value):
    """``value`` (a string, or a dict or list holding strings) without ``NOT_IN_XML``: applied
    to every string of the document (and of the calendar files), since imported abstracts hold
    such characters and both files must parse in every reader."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, dict):
        return {legible(key): legible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [legible(item) for item in value]
    return value


def _free(number: int, taken: set[int]) -> int:
    while number in taken:
        number = number % ID_SPACE + 1
    taken.add(number)
    return number


def event_ids(uids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each uid's integer id: derived from the uid alone, so the same event has the same id on
    every site and after every edit. Two uids that land on one number (about one program in a
    thousand at 4,000 events) are told apart by the next free number, in uid order."""
    taken: set[int] = set()
    return {uid: _free(uid.int % ID_SPACE + 1, taken) for uid in sorted(set(uids))}


def person_ids(people: dict[str, str]) -> dict[str, int]:
    """Each person's integer id, from their guid and external id (``{guid: external_id}``):
    the external id when it is a number in range (kept from a pretalx or frab file), else
    derived from the guid. Numbers given come first; one already taken goes to the next free
    number, in guid order, as in ``event_ids``."""
    given = {
        guid: int(external)
        for guid, external in people.items()
        if NUMBER.fullmatch(external) and int(external) <= ID_SPACE
    }
    taken: set[int] = set()
    ids = {guid: _free(given[guid], taken) for guid in sorted(given)}
    for guid in sorted(set(people) - set(given)):
        ids[guid] = _free(uuid.UUID(guid).int % ID_SPACE + 1, taken)
    return ids


def event_slug(conference: Conference, number: int, title: str) -> str:
    words = slugify(title)[:60].strip("-_") or "event"
    return f"{acronym(conference)}-{number}-{words}"


def permalink(conference: Conference, uid: uuid.UUID) -> str:
    return reverse("program:item-by-uid", kwargs={"conference": conference.slug, "uid": uid})


def room_guid(conference: Conference, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"room:{conference.slug}:{name}"))


def person_guid(person: Person, conference: Conference) -> str:
    if person.external_id:
        try:  # a guid an imported schedule gave them: theirs to keep
            return str(uuid.UUID(person.external_id))
        except ValueError:
            return str(uuid.uuid5(NAMESPACE, f"person-id:{person.external_id}"))
    return str(uuid.uuid5(NAMESPACE, f"person:{conference.slug}:{person.slug}"))


def hours_minutes(span: datetime.timedelta) -> str:
    minutes = max(int(span.total_seconds()) // 60, 0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def references(links: Iterable[dict], *, page: str = "") -> list[dict]:
    refs = [
        {
            "type": LINK_TYPES.get(link["kind"], "related"),
            "url": link["url"],
            "title": LinkKind(link["kind"]).label,
        }
        for link in links
    ]
    if page:
        refs.append({"type": "web", "url": page, "title": "On the conference site"})
    return refs


def _person(link, conference: Conference, url_for: UrlFor, numbers: dict[str, int]) -> dict:
    person = link.person
    # A person is of their item's conference (database triggers): no query for theirs.
    path = reverse(
        "program:person-detail", kwargs={"conference": conference.slug, "slug": person.slug}
    )
    guid = person_guid(person, conference)
    return {
        "guid": guid,
        "id": numbers[guid],
        "name": person.name,
        "biography": person.bio or None,
        "url": url_for(path),
        "links": references(person.links),
    }


def _item_type(item) -> str:
    if isinstance(item, Poster):
        return "Poster"
    if isinstance(item, Talk):
        return item.slot_label if item.presentation_type else "Talk"
    return item.kind_label


def _event(
    item, *, number: int, person_numbers: dict, conference: Conference, ends_of, url_for: UrlFor
) -> dict:
    zone = conference.zone
    starts = item.effective_starts_at.astimezone(zone)
    ends = timing.end_of(item, ends_of).astimezone(zone)
    room = item.effective_room
    track = item.effective_track
    is_session = isinstance(item, Session)
    abstract = item.description if is_session else item.abstract
    people = [] if is_session else item.ordered_people
    code = "" if is_session else item.contribution.external_id
    return {
        "guid": str(item.uid),
        # A pretalx submission's code, kept from the file: the slots of one submission share it.
        **({"code": code} if PRETALX_CODE.fullmatch(code) else {}),
        "id": number,
        "date": starts.isoformat(),
        "start": f"{starts:%H:%M}",
        "end": ends.isoformat(),
        "duration": hours_minutes(ends - starts),
        "room": room.name if room else NO_ROOM,
        "slug": event_slug(conference, number, item.title),
        "url": url_for(permalink(conference, item.uid)),
        "title": item.title,
        "subtitle": "",
        "track": track.name if track else None,
        "type": _item_type(item),
        "language": None if is_session else (item.contribution.language or None),
        "abstract": abstract,
        "description": "",
        "persons": [_person(link, conference, url_for, person_numbers) for link in people],
        "do_not_record": getattr(item, "do_not_record", False),
        "links": references(
            [] if is_session else item.links, page="" if is_session else item.external_url
        ),
    }


def events(sessions: Iterable[Session]):
    """Every timed event in program order: each session's posters and talks, or the session."""
    for session in sessions:
        items = [*session.posters.all(), *session.talks.all()]
        for item in items or [session]:
            if item.effective_starts_at is not None:
                yield item


def _day_bounds(conference: Conference, day: datetime.date) -> tuple[str, str]:
    start = conference.day_begins(day)
    end = conference.day_begins(day + datetime.timedelta(days=1))
    return start.isoformat(), end.isoformat()


def _track(track) -> dict:
    entry = {"name": track.name}
    slug = slugify(track.name)
    if TRACK_SLUG.fullmatch(slug):
        entry["slug"] = slug
    if track.colour:
        entry["color"] = track.colour.lower()
    return entry


def schedule(
    conference: Conference,
    sessions: Iterable[Session],
    *,
    rooms,
    tracks,
    url_for: UrlFor,
    base_url: str,
) -> dict:
    """The conference as a c3voc ``schedule.json`` document (a dict, ready for json.dumps).

    ``sessions`` come in program order with their posters, talks and people (``with_program``).
    """
    sessions = list(sessions)
    ends_of = timing.inferred_session_ends(sessions)
    room_order = {room.name: index for index, room in enumerate(rooms)}
    by_day: dict[datetime.date, dict[str, list[dict]]] = {day: {} for day in conference.days}
    timed = list(events(sessions))
    numbers = event_ids(item.uid for item in timed)
    person_numbers = person_ids(
        {
            person_guid(link.person, conference): link.person.external_id
            for item in timed
            if not isinstance(item, Session)
            for link in item.ordered_people
        }
    )
    for item in timed:
        day = conference.day_of(item.effective_starts_at)
        if day not in by_day:  # outside the conference's dates: nowhere to put it
            continue
        event = _event(
            item,
            number=numbers[item.uid],
            person_numbers=person_numbers,
            conference=conference,
            ends_of=ends_of,
            url_for=url_for,
        )
        by_day[day].setdefault(event["room"], []).append(event)
    days = []
    for index, (day, day_rooms) in enumerate(by_day.items(), start=1):
        start, end = _day_bounds(conference, day)
        ordered = sorted(day_rooms, key=lambda name: (room_order.get(name, len(room_order)), name))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start,
                "day_end": end,
                "rooms": {
                    # By start; at one start, in program order (sorted() keeps it).
                    name: sorted(day_rooms[name], key=lambda event: event["date"])
                    for name in ordered
                },
            }
        )
    content = {
        "acronym": acronym(conference),
        "title": conference.name,
        **({"description": conference.full_name} if conference.full_name else {}),
        "start": conference.start_date.isoformat(),
        "end": conference.end_date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT,
        "time_zone_name": conference.timezone,
        "url": url_for(conference.get_absolute_url()),
        "tracks": [_track(track) for track in tracks],
        "rooms": [
            {
                "name": room.name,
                "guid": room_guid(conference, room.name),
                "description": room.area or None,
                "capacity": room.capacity,
            }
            for room in rooms
        ],
        "days": days,
    }
    content = legible(content)  # the one place: the XML is written from this document
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {"version": fingerprint(content), "base_url": base_url, "conference": content},
    }


def fingerprint(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# The XML has the same content in frab's element names and order.
VERSION_STAND_IN = "0" * 16
EVENT_TEXT = ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract")


def _text(parent: ET.Element, tag: str, value, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = "" if value is None else str(value)
    return element


def _xml_event(parent: ET.Element, event: dict, codes: Counter) -> None:
    element = ET.SubElement(parent, "event", guid=event["guid"], id=str(event["id"]))
    # The XSD wants a pretalx code of six characters, once in the file: a submission held
    # twice keeps its code in the JSON only.
    code = event.get("code", "")
    if len(code) == 6 and codes[code] == 1:
        element.set("code", code)
    for tag in EVENT_TEXT:
        _text(element, tag, event[tag])
    _text(element, "slug", event["slug"])
    _text(element, "track", event["track"])
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["name"], id=str(person["id"]), guid=person["guid"])
    if event["language"]:
        _text(element, "language", event["language"])
    if event["do_not_record"]:
        recording = ET.SubElement(element, "recording")
        _text(recording, "license", "")
        _text(recording, "optout", "true")
    _text(element, "description", event["description"])
    links = ET.SubElement(element, "links")
    for link in event["links"]:
        _text(links, "link", link["title"], href=link["url"], type=link["type"])
    _text(element, "url", event["url"])


def day_change(days: list[dict]) -> str:
    """The hour a conference day begins (HH:MM:SS), as its days' bounds say."""
    if not days:
        return "00:00:00"
    return f"{datetime.datetime.fromisoformat(days[0]['day_start']):%H:%M:%S}"


def to_xml(document: dict, *, url: str) -> bytes:
    """The ``schedule.xml`` of a ``schedule()`` document; ``url`` is the file's own address."""
    data = document["schedule"]
    conference = data["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    _text(root, "url", url)
    # The XML holds less than the JSON (no biographies, capacities): its version is a
    # fingerprint of its own bytes, written with a stand-in first.
    _text(root, "version", VERSION_STAND_IN)
    head = ET.SubElement(root, "conference")
    for tag in ("title", "acronym", "start", "end"):
        _text(head, tag, conference[tag])
    _text(head, "days", conference["daysCount"])
    _text(head, "day_change", day_change(conference["days"]))
    _text(head, "timeslot_duration", conference["timeslot_duration"])
    _text(head, "base_url", data["base_url"])
    _text(head, "url", conference["url"])
    _text(head, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        _text(head, "track", track["name"], **track)
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    codes = Counter(
        event.get("code")
        for day in conference["days"]
        for events in day["rooms"].values()
        for event in events
    )
    for day in conference["days"]:
        day_element = ET.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for name, day_events in day["rooms"].items():
            attributes = {"name": name}
            if name in guids:
                attributes["guid"] = guids[name]
            room = ET.SubElement(day_element, "room", attributes)
            for event in day_events:
                _xml_event(room, event, codes)
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    version = hashlib.sha256(body).hexdigest()[: len(VERSION_STAND_IN)]
    stand_in = f"<version>{VERSION_STAND_IN}</version>".encode()
    return body.replace(stand_in, f"<version>{version}</version>".encode(), 1)
