"""Build the MLSys 2025 fixture from the captured page and the facts it lost.

``build_fixture`` joins the parsed page (``seed_parser``) with the facts file (poster titles, the
conference's dates, the one known end time) into Django serialized objects with natural keys, the
shape ``dumpdata --natural-foreign --natural-primary`` writes; ``render_fixture`` prints them.
Unknown values stay null; nothing is invented. Uids are derived from fixed names, so rebuilding
gives the same file byte for byte.
"""

from __future__ import annotations

import datetime
import json
import uuid
import zoneinfo

from devtools.devdata.seed_parser import SeedItem, SeedPoster, parse_seed
from program.models import Person

CONFERENCE_SLUG = "mlsys2025"
# Every uid in the fixture is derived from this namespace, so rebuilding gives the same file.
UID_NAMESPACE = uuid.UUID("6f1d3c52-6a0e-4c55-9d43-2f5b8d1e7a10")


def build_fixture(seed_text: str, facts: dict) -> list[dict]:
    """The serialized objects of the seed day, conference first, in loading order."""
    about = facts["conference"]
    start = datetime.date.fromisoformat(about["dates"]["start"])
    end = datetime.date.fromisoformat(about["dates"]["end"])
    items = parse_seed(seed_text, year=start.year, zone=zoneinfo.ZoneInfo(about["timezone"]))
    day = items[0].starts_at.date() if items and items[0].starts_at else end
    fixture = _Fixture(day=day, facts=facts)
    for position, item in enumerate(items, start=1):
        fixture.add_item(position, item)
    return [_conference(about, start=start, end=end), *fixture.objects()]


def render_fixture(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def _conference(about: dict, *, start: datetime.date, end: datetime.date) -> dict:
    return {
        "model": "program.conference",
        "fields": {
            "slug": CONFERENCE_SLUG,
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


class _Fixture:
    """The day's records below the conference, collected by kind as the items are read.

    Rooms and people are made on first mention, so they load before anything that names them.
    """

    def __init__(self, *, day: datetime.date, facts: dict):
        self.day = day
        self.poster_facts = {(p["session"], p["first_author"]): p for p in facts["posters"]}
        self.ends = {
            entry["seed_heading"]: entry["end"] for entry in facts["sessions"] if entry.get("end")
        }
        self.rooms: dict[str, dict] = {}
        self.people: dict[str, dict] = {}
        self.slugs: set[str] = set()
        self.sessions: list[dict] = []
        self.contributions: list[dict] = []
        self.authorships: list[dict] = []
        self.posters: list[dict] = []
        self.talks: list[dict] = []

    def objects(self) -> list[dict]:
        return [
            *self.rooms.values(),
            *self.people.values(),
            *self.sessions,
            *self.contributions,
            *self.authorships,
            *self.posters,
            *self.talks,
        ]

    def add_contribution(
        self, uid: str, *, title: str, abstract: str, page: str, people: list[list[str]]
    ) -> None:
        """A paper or talk as the page prints it, with its people in printed order."""
        self.contributions.append(
            {
                "model": "program.contribution",
                "fields": {
                    "uid": uid,
                    "conference": [CONFERENCE_SLUG],
                    "title": title,
                    "abstract": abstract,
                    "track": None,
                    "keywords": [],
                    "language": "",
                    "external_url": page,
                    "links": [],
                },
            }
        )
        for rank, person in enumerate(people, start=1):
            self.authorships.append(
                {
                    "model": "program.authorship",
                    "fields": {"contribution": [uid], "person": person, "position": rank},
                }
            )

    def add_item(self, position: int, item: SeedItem) -> None:
        session_uid = self.uid("session", position)
        self.add_session(session_uid, position, item)
        for number, seed_poster in enumerate(item.posters, start=1):
            if seed_poster.room != item.posters[0].room:
                raise ValueError(
                    f"line {seed_poster.line + 1}: posters of one session in two rooms"
                )
            self.add_poster(session_uid, position, number, item.title, seed_poster)
        if item.talk:
            self.add_talk(session_uid, position, item)

    def add_session(self, session_uid: str, position: int, item: SeedItem) -> None:
        # A poster session takes its posters' room; the page names no other session's room.
        room = self.room(item.posters[0].room) if item.posters else None
        end = self.ends.get(item.title)
        self.sessions.append(
            {
                "model": "program.session",
                "fields": {
                    "uid": session_uid,
                    "conference": [CONFERENCE_SLUG],
                    "kind": str(item.kind),
                    "title": item.title,
                    "description": "",
                    "day": self.day.isoformat(),
                    "position": position,
                    "starts_at": _utc(item.starts_at),
                    "ends_at": _utc(datetime.datetime.fromisoformat(end)) if end else None,
                    "room": room,
                },
            }
        )

    def add_poster(
        self, session_uid: str, position: int, number: int, session: str, seed_poster: SeedPoster
    ) -> None:
        # The page shows no poster titles; the facts file has them by session and first author.
        fact = self.poster_facts.get((session, seed_poster.authors[0]))
        if fact is None:
            raise ValueError(
                f"line {seed_poster.line + 1}: the facts file has no title for the poster by"
                f" {seed_poster.authors[0]!r} in {session!r}"
            )
        contribution_uid = self.uid("paper", position, number)
        self.add_contribution(
            contribution_uid,
            title=fact["title"],
            abstract=seed_poster.abstract,
            page=fact.get("page") or "",
            people=[self.person(name) for name in seed_poster.authors],
        )
        self.posters.append(
            {
                "model": "program.poster",
                "fields": {
                    "uid": self.uid("poster", position, number),
                    "session": [session_uid],
                    "contribution": [contribution_uid],
                    "position": number,
                    "room": None,
                    "starts_at": None,
                    "ends_at": None,
                },
            }
        )

    def add_talk(self, session_uid: str, position: int, item: SeedItem) -> None:
        contribution_uid = self.uid("talk-content", position, 1)
        self.add_contribution(
            contribution_uid,
            title=item.talk.title,
            abstract=item.talk.abstract,
            page="",
            people=[self.person(item.talk.speaker, bio=item.talk.bio)],
        )
        self.talks.append(
            {
                "model": "program.talk",
                "fields": {
                    "uid": self.uid("talk", position, 1),
                    "session": [session_uid],
                    "contribution": [contribution_uid],
                    "position": 1,
                    "room": None,
                    "starts_at": None,
                    "ends_at": None,
                },
            }
        )

    def person(self, name: str, bio: str = "") -> list[str]:
        """The natural key of the person of this name, made on first mention."""
        if name not in self.people:
            slug = Person.free_slug(name, taken=self.slugs)
            self.slugs.add(slug)
            self.people[name] = {
                "model": "program.person",
                "fields": {
                    "conference": [CONFERENCE_SLUG],
                    "name": name,
                    "slug": slug,
                    "external_id": "",
                    "affiliation": "",
                    "bio": bio,
                    "links": [],
                },
            }
        elif bio:
            self.people[name]["fields"]["bio"] = bio
        return [CONFERENCE_SLUG, self.people[name]["fields"]["slug"]]

    def room(self, name: str) -> list[str]:
        if name not in self.rooms:
            self.rooms[name] = {
                "model": "program.room",
                "fields": {"conference": [CONFERENCE_SLUG], "name": name},
            }
        return [CONFERENCE_SLUG, name]

    def uid(self, kind: str, *numbers: int) -> str:
        parts = (CONFERENCE_SLUG, self.day, kind, *numbers)
        return str(uuid.uuid5(UID_NAMESPACE, "/".join(str(part) for part in parts)))


def _utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
