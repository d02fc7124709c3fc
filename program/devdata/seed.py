"""The MLSys 2025 seed: read the captured program page and the facts it lost, build the fixture.

``parse_seed`` turns the text capture (``fixtures/source/mlsys2025-thursday-seed.txt``) into plain
data, keeping every name and abstract character for character. ``build_fixture`` joins it with
the facts file (titles, dates, the one known end time) into Django serialized objects with
natural keys, the shape ``dumpdata --natural-foreign --natural-primary`` writes. Unknown values
stay null; nothing is invented.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
import zoneinfo
from dataclasses import dataclass, field

from program.models import Person, SessionKind

AUTHOR_SEPARATOR = " · "
# "Poster: Session 9: Parallel and Distributed Systems Thu 15 May 08:30 a.m."
TIMED_HEADING = re.compile(
    r"^(?P<label>.+?) (?P<weekday>Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    r" (?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2})"
    r" (?P<hour>\d{2}):(?P<minute>\d{2}) (?P<meridiem>a\.m\.|p\.m\.)$"
)
ROOM_LINE = re.compile(r"^\[ (?P<room>.+) \]$")
KIND_LABELS = {
    "Registration Desk": SessionKind.REGISTRATION,
    "Poster": SessionKind.POSTER_SESSION,
    "Invited Talk": SessionKind.INVITED_TALK,
    "Keynote": SessionKind.KEYNOTE,
    "Oral": SessionKind.ORAL_SESSION,
}
STANDALONE_KINDS = {
    "Closing Remarks": SessionKind.CLOSING_REMARKS,
    "Opening Remarks": SessionKind.OPENING_REMARKS,
}
# Every uid in the fixture is derived from this namespace, so rebuilding gives the same file.
UID_NAMESPACE = uuid.UUID("6f1d3c52-6a0e-4c55-9d43-2f5b8d1e7a10")


@dataclass
class SeedPoster:
    authors: list[str]
    room: str
    abstract: str
    line: int


@dataclass
class SeedTalk:
    title: str
    abstract: str
    speaker: str
    bio: str


@dataclass
class SeedItem:
    kind: str
    title: str
    starts_at: datetime.datetime | None
    line: int
    posters: list[SeedPoster] = field(default_factory=list)
    talk: SeedTalk | None = None


def _clean(line: str) -> str:
    # Headings end in non-breaking spaces; text keeps its own characters otherwise.
    return line.rstrip(" \u00a0\t")


def _is_blank(line: str) -> bool:
    return _clean(line) == ""


def parse_seed(text: str, *, year: int, zone: zoneinfo.ZoneInfo) -> list[SeedItem]:
    """The items of the captured day, in order; ValueError names the line that does not fit."""
    lines = text.splitlines()
    items: list[SeedItem] = []
    index = 0

    def fail(message: str, at: int):
        raise ValueError(f"line {at + 1}: {message}: {lines[at] if at < len(lines) else ''!r}")

    def next_filled(start: int) -> int:
        while start < len(lines) and _is_blank(lines[start]):
            start += 1
        return start

    while index < len(lines):
        line = _clean(lines[index])
        if not line or line.startswith(("Skip to ", "Timezone:")):
            index += 1
            continue
        timed = TIMED_HEADING.match(line)
        if timed:
            item = _timed_item(timed, year=year, zone=zone, line=index)
            items.append(item)
            index += 1
            if item.kind == SessionKind.POSTER_SESSION:
                index = _read_posters(lines, index, item, fail, next_filled)
            continue
        if line.startswith("Invited Talk: "):
            item = SeedItem(
                kind=SessionKind.INVITED_TALK,
                title=line.removeprefix("Invited Talk: "),
                starts_at=None,
                line=index,
            )
            index, item.talk = _read_talk(lines, index + 1, fail, next_filled)
            items.append(item)
            continue
        fail("expected a session heading", index)
    return items


def _timed_item(match: re.Match, *, year: int, zone: zoneinfo.ZoneInfo, line: int) -> SeedItem:
    label = match["label"]
    if label in STANDALONE_KINDS:
        kind, title = STANDALONE_KINDS[label], label
    else:
        prefix, _, title = label.partition(": ")
        if prefix not in KIND_LABELS or not title:
            raise ValueError(f"line {line + 1}: unknown kind of session: {label!r}")
        kind = KIND_LABELS[prefix]
    hour = int(match["hour"]) % 12 + (12 if match["meridiem"] == "p.m." else 0)
    month = datetime.datetime.strptime(match["month"], "%b").month
    starts_at = datetime.datetime(
        year, month, int(match["day"]), hour, int(match["minute"]), tzinfo=zone
    )
    if starts_at.strftime("%a") != match["weekday"]:
        raise ValueError(
            f"line {line + 1}: {match['weekday']} is not the weekday of {starts_at:%d %b %Y}"
        )
    return SeedItem(kind=kind, title=title, starts_at=starts_at, line=line)


def _read_posters(lines, index, item, fail, next_filled) -> int:
    """Poster / authors / [ room ] / Abstract / text, repeated until the next heading."""
    while True:
        index = next_filled(index)
        if index >= len(lines) or _clean(lines[index]) != "Poster":
            return index
        start = index
        authors_line = lines[index + 1] if index + 1 < len(lines) else ""
        authors = [name for name in authors_line.split(AUTHOR_SEPARATOR)]
        if not authors_line.strip() or any(not name.strip() for name in authors):
            fail("expected the poster's authors separated by ' · '", index + 1)
        index = next_filled(index + 2)
        room = ROOM_LINE.match(_clean(lines[index])) if index < len(lines) else None
        if not room:
            fail("expected the poster's room as '[ Room ]'", index)
        index = next_filled(index + 1)
        if index >= len(lines) or _clean(lines[index]) != "Abstract":
            fail("expected 'Abstract'", index)
        index += 1
        if index >= len(lines) or _is_blank(lines[index]):
            fail("expected the abstract's text", index)
        item.posters.append(
            SeedPoster(authors=authors, room=room["room"], abstract=lines[index], line=start)
        )
        index += 1


def _read_talk(lines, index, fail, next_filled) -> tuple[int, SeedTalk]:
    """Title, abstract, speaker's name, a spacer line, the speaker's bio."""
    parts = []
    while len(parts) < 4:
        index = next_filled(index)
        if index >= len(lines):
            fail("the invited talk ends early (title, abstract, speaker, bio expected)", index - 1)
        parts.append(lines[index])
        index += 1
    title, abstract, speaker, bio = parts
    return index, SeedTalk(title=title, abstract=abstract, speaker=speaker, bio=bio)


def _uid(*parts: object) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, "/".join(str(part) for part in parts)))


def _utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_fixture(seed_text: str, facts: dict) -> list[dict]:
    """The serialized objects of the seed day, conference first, in loading order."""
    about = facts["conference"]
    zone = zoneinfo.ZoneInfo(about["timezone"])
    start = datetime.date.fromisoformat(about["dates"]["start"])
    end = datetime.date.fromisoformat(about["dates"]["end"])
    items = parse_seed(seed_text, year=start.year, zone=zone)
    slug = "mlsys2025"
    day = items[0].starts_at.date() if items and items[0].starts_at else end

    titles = {(p["session"], p["first_author"]): p for p in facts["posters"]}
    ends = {
        entry["seed_heading"]: entry.get("end") for entry in facts["sessions"] if entry.get("end")
    }

    conference = {
        "model": "program.conference",
        "fields": {
            "slug": slug,
            "name": about["name"],
            "full_name": about.get("full_name") or "",
            "timezone": about["timezone"],
            "city": about.get("city") or "",
            "venue": about.get("venue") or "",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "is_published": True,
        },
    }
    rooms, people, sessions, posters, authorships, talks, speakerships = [], {}, [], [], [], [], []
    slugs: dict[str, str] = {}

    def person(name: str, bio: str = "") -> list[str]:
        if name not in people:
            base = Person.slug_base(name)
            slug_ = base
            counter = 2
            while slug_ in slugs.values():
                slug_ = f"{base}-{counter}"
                counter += 1
            slugs[name] = slug_
            people[name] = {
                "model": "program.person",
                "fields": {"name": name, "slug": slug_, "affiliation": "", "bio": bio, "links": []},
            }
        elif bio:
            people[name]["fields"]["bio"] = bio
        return [slugs[name]]

    def room(name: str) -> list[str]:
        if name not in [r["fields"]["name"] for r in rooms]:
            rooms.append({"model": "program.room", "fields": {"conference": [slug], "name": name}})
        return [slug, name]

    for position, item in enumerate(items, start=1):
        session_uid = _uid(slug, day, "session", position)
        room_key = room(item.posters[0].room) if item.posters else None
        end_text = ends.get(item.title)
        sessions.append(
            {
                "model": "program.session",
                "fields": {
                    "uid": session_uid,
                    "conference": [slug],
                    "kind": str(item.kind),
                    "title": item.title,
                    "description": "",
                    "day": day.isoformat(),
                    "position": position,
                    "starts_at": _utc(item.starts_at),
                    "ends_at": _utc(datetime.datetime.fromisoformat(end_text))
                    if end_text
                    else None,
                    "room": room_key,
                },
            }
        )
        for number, seed_poster in enumerate(item.posters, start=1):
            if seed_poster.room != item.posters[0].room:
                raise ValueError(
                    f"line {seed_poster.line + 1}: posters of one session in two rooms"
                )
            fact = titles.get((item.title, seed_poster.authors[0]))
            if fact is None:
                raise ValueError(
                    f"line {seed_poster.line + 1}: the facts file has no title for the poster by"
                    f" {seed_poster.authors[0]!r} in {item.title!r}"
                )
            poster_uid = _uid(slug, day, "poster", position, number)
            posters.append(
                {
                    "model": "program.poster",
                    "fields": {
                        "uid": poster_uid,
                        "session": [session_uid],
                        "title": fact["title"],
                        "abstract": seed_poster.abstract,
                        "position": number,
                        "room": None,
                        "starts_at": None,
                        "ends_at": None,
                        "external_url": fact.get("page") or "",
                    },
                }
            )
            for rank, name in enumerate(seed_poster.authors, start=1):
                authorships.append(
                    {
                        "model": "program.authorship",
                        "fields": {
                            "poster": [poster_uid],
                            "person": person(name),
                            "position": rank,
                        },
                    }
                )
        if item.talk:
            talk_uid = _uid(slug, day, "talk", position, 1)
            talks.append(
                {
                    "model": "program.talk",
                    "fields": {
                        "uid": talk_uid,
                        "session": [session_uid],
                        "title": item.talk.title,
                        "abstract": item.talk.abstract,
                        "position": 1,
                        "room": None,
                        "starts_at": None,
                        "ends_at": None,
                        "external_url": "",
                    },
                }
            )
            speakerships.append(
                {
                    "model": "program.speakership",
                    "fields": {
                        "talk": [talk_uid],
                        "person": person(item.talk.speaker, bio=item.talk.bio),
                        "position": 1,
                    },
                }
            )
    return [
        conference,
        *rooms,
        *people.values(),
        *sessions,
        *posters,
        *authorships,
        *talks,
        *speakerships,
    ]


def render_fixture(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
