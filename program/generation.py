"""A large, realistic, reproducible conference program for tests and benchmarks.

``generate_program(slug=..., posters=4500, sessions=80, days=6, people=20000, ...)`` writes a
published conference the size of a big ML conference: poster sessions hold most posters, oral
sessions hold talks, each day opens with registration, a few items have no known time, names
include accents and capitals, some people are on many papers. The same arguments always give
the same program (``random.Random(seed)``, uids derived from the slug).
"""

from __future__ import annotations

import datetime
import random
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db import transaction

from program.models import (
    Authorship,
    Conference,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Speakership,
    Talk,
)

NAMESPACE = uuid.UUID("0b7a4d1e-5d2f-4a39-8f1c-2d6e9a3b7c41")
FIRST = [
    "Ana",
    "Maximilian",
    "Yixin",
    "Tri",
    "Ling",
    "Horace",
    "Zhuang",
    "Chloé",
    "José",
    "Ngozi",
    "Priya",
    "Søren",
    "Ülkü",
    "Wei",
    "Minh",
    "Anxhelo",
    "Björn",
    "Zoë",
    "Hiroshi",
    "Fatima",
    "Mateo",
    "Aiko",
    "Ravi",
    "Élodie",
    "Tomás",
    "Ingrid",
    "Kwame",
    "Lucía",
    "Dmitri",
]
SURNAMES = [
    "Klimovic",
    "Böther",
    "Dong",
    "Dao",
    "Liu",
    "He",
    "Wang",
    "Ñúñez",
    "García",
    "Chen",
    "Zhang",
    "Okafor",
    "Iyer",
    "Jørgensen",
    "Öztürk",
    "Nguyen",
    "Xhebraj",
    "Fernández",
    "Müller",
    "Sato",
    "Haddad",
    "Rossi",
    "Kowalski",
    "Dubois",
    "Silva",
    "Lindqvist",
    "Mensah",
    "Petrov",
    "Kim",
    "Tanaka",
    "FENG",
    "JIANG",
    "CUI",
]
TOPICS = [
    "pipeline parallelism",
    "prefix caching",
    "structured generation",
    "federated learning",
    "KV-cache compression",
    "speculative decoding",
    "mixture-of-experts routing",
    "sparse attention",
    "GPU kernel fusion",
    "quantized training",
    "edge inference",
    "cluster scheduling",
    "data loading",
    "compiler autotuning",
    "memory offloading",
]
VERBS = [
    "Scaling",
    "Accelerating",
    "Rethinking",
    "Taming",
    "Serving",
    "Compiling",
    "Balancing",
    "Profiling",
]
WORDS = [
    "we",
    "present",
    "a",
    "system",
    "that",
    "improves",
    "throughput",
    "latency",
    "memory",
    "efficiency",
    "across",
    "workloads",
    "models",
    "clusters",
    "accelerators",
    "by",
    "exploiting",
    "structure",
    "in",
    "the",
    "computation",
    "and",
    "communication",
    "our",
    "evaluation",
    "shows",
    "consistent",
    "gains",
    "over",
    "strong",
    "baselines",
    "while",
    "preserving",
    "accuracy",
]
AFFILIATIONS = [
    "ETH Zurich",
    "Georgia Institute of Technology",
    "Carnegie Mellon University",
    "Tsinghua University",
    "Université de Montréal",
    "NVIDIA",
    "Meta",
    "Google",
    "Microsoft Research",
    "KAIST",
    "University of São Paulo",
]


@dataclass
class Summary:
    conference: Conference
    sessions: int
    posters: int
    talks: int
    people: int
    authorships: int


def validate(*, posters, sessions, days, people, rooms, talks, timezone) -> None:
    problems = []
    for name, value, least in (
        ("posters", posters, 0),
        ("sessions", sessions, 1),
        ("days", days, 1),
        ("people", people, 1),
        ("rooms", rooms, 1),
        ("talks", talks, 0),
    ):
        if value < least:
            problems.append(f"{name} must be at least {least} (got {value})")
    if sessions < days * 2:
        problems.append(
            f"sessions must be at least twice the days (a registration and one more each day);"
            f" got {sessions} for {days} days"
        )
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"{timezone!r} is not a known time zone")
    if problems:
        raise ValueError("; ".join(problems))


def _uid(slug: str, *parts) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join([slug, *map(str, parts)]))


def _abstract(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(100, 250))]
    words[rng.randrange(len(words))] = f"${rng.randint(2, 40)}.{rng.randint(0, 9)}\\times$"
    words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
    if rng.random() < 0.1:
        words.append("https://example.org/artifact.")
    text = " ".join(words).capitalize()
    return text[:1400] + " …" if rng.random() < 0.08 else text + "."


@transaction.atomic
def generate_program(
    *,
    slug: str,
    posters: int = 4500,
    sessions: int = 80,
    days: int = 6,
    people: int = 20000,
    rooms: int = 8,
    talks: int | None = None,
    seed: int = 1,
    timezone: str = "Europe/Berlin",
    start: datetime.date = datetime.date(2026, 7, 13),
) -> Summary:
    talks = sessions * 2 if talks is None else talks
    validate(
        posters=posters,
        sessions=sessions,
        days=days,
        people=people,
        rooms=rooms,
        talks=talks,
        timezone=timezone,
    )
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(timezone)
    conference = Conference.objects.create(
        slug=slug,
        name=f"Generated {slug}",
        full_name=f"Generated conference {slug}",
        timezone=timezone,
        city="Generated City",
        venue="Convention Centre",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        is_published=True,
    )
    room_objects = Room.objects.bulk_create(
        Room(conference=conference, name=f"Hall {chr(65 + n % 26)}{n // 26 or ''}")
        for n in range(rooms)
    )

    # People: unique slugs across the whole database, found in one query.
    taken = set(Person.objects.values_list("slug", flat=True))
    person_objects = []
    for _ in range(people):
        name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
        if rng.random() < 0.03:
            name = name.upper()
        base = f"{Person.slug_base(name)}-{slug}"
        candidate, counter = base, 2
        while candidate in taken:
            candidate, counter = f"{base}-{counter}", counter + 1
        taken.add(candidate)
        person_objects.append(
            Person(
                name=name,
                slug=candidate,
                affiliation=rng.choice(AFFILIATIONS) if rng.random() < 0.8 else "",
            )
        )
    person_objects = Person.objects.bulk_create(person_objects, batch_size=2000)

    # Sessions: per day a registration, then poster and oral sessions from 09:00; one keynote
    # on the first day, closing remarks on the last; every 15th session's time is unknown.
    per_day = [sessions // days + (1 if d < sessions % days else 0) for d in range(days)]
    session_objects, kinds = [], []
    for d, count in enumerate(per_day):
        day = start + datetime.timedelta(days=d)
        clock = datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=zone)
        for position in range(1, count + 1):
            if position == 1:
                kind, title, length = SessionKind.REGISTRATION, "Registration and Check-in", 60
            elif d == days - 1 and position == count:
                kind, title, length = SessionKind.CLOSING_REMARKS, "Closing Remarks", 30
            elif d == 0 and position == 2:
                kind, title, length = (
                    SessionKind.KEYNOTE,
                    f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}",
                    60,
                )
            elif position % 3 == 0:
                kind, title, length = (
                    SessionKind.ORAL_SESSION,
                    f"Orals: {rng.choice(TOPICS).title()}",
                    75,
                )
            else:
                kind, title, length = (
                    SessionKind.POSTER_SESSION,
                    f"Posters: {rng.choice(TOPICS).title()}",
                    90,
                )
            index = len(session_objects)
            untimed = index % 15 == 14 and kind not in (SessionKind.REGISTRATION,)
            starts = None if untimed else clock
            ends = (
                None
                if untimed or rng.random() < 0.3
                else clock + datetime.timedelta(minutes=length)
            )
            session_objects.append(
                Session(
                    uid=_uid(slug, "session", index),
                    conference=conference,
                    kind=kind,
                    title=title,
                    day=day,
                    position=position,
                    starts_at=starts,
                    ends_at=ends,
                    room=None if kind == SessionKind.REGISTRATION else room_objects[index % rooms],
                )
            )
            kinds.append(kind)
            step = datetime.timedelta(minutes=length + 15)
            if (clock + step).date() == day and (clock + step).hour < 22:
                clock += step
    session_objects = Session.objects.bulk_create(session_objects)
    poster_sessions = [s for s in session_objects if s.kind == SessionKind.POSTER_SESSION]
    talk_sessions = [
        s for s in session_objects if s.kind in (SessionKind.ORAL_SESSION, SessionKind.KEYNOTE)
    ] or poster_sessions

    poster_objects = []
    for n in range(posters if poster_sessions else 0):
        session = poster_sessions[n % len(poster_sessions)]
        poster_objects.append(
            Poster(
                uid=_uid(slug, "poster", n),
                session=session,
                title=f"{rng.choice(VERBS)} {rng.choice(TOPICS)} with {rng.choice(TOPICS)}",
                abstract=_abstract(rng),
                position=n // len(poster_sessions) + 1,
            )
        )
    poster_objects = Poster.objects.bulk_create(poster_objects, batch_size=1000)

    # Authors: 1-15 per poster, most 3-8; a Zipf-like pull towards a few prolific people.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(person_objects))]
    authorships = []
    for poster in poster_objects:
        count = min(15, max(1, int(rng.gauss(5.5, 2.2))))
        chosen: dict[int, None] = {}
        while len(chosen) < min(count, len(person_objects)):
            pick = (
                rng.choices(range(len(person_objects)), weights=weights)[0]
                if rng.random() < 0.3
                else rng.randrange(len(person_objects))
            )
            chosen[pick] = None
        authorships += [
            Authorship(poster=poster, person=person_objects[p], position=rank)
            for rank, p in enumerate(chosen, start=1)
        ]
    Authorship.objects.bulk_create(authorships, batch_size=5000)

    talk_objects = [
        Talk(
            uid=_uid(slug, "talk", n),
            session=talk_sessions[n % len(talk_sessions)],
            title=f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
            abstract=_abstract(rng),
            position=n // len(talk_sessions) + 1,
        )
        for n in range(talks)
    ]
    talk_objects = Talk.objects.bulk_create(talk_objects, batch_size=1000)
    Speakership.objects.bulk_create(
        Speakership(
            talk=talk, person=person_objects[rng.randrange(len(person_objects))], position=1
        )
        for talk in talk_objects
    )
    conference.touch()
    return Summary(
        conference=conference,
        sessions=len(session_objects),
        posters=len(poster_objects),
        talks=len(talk_objects),
        people=len(person_objects),
        authorships=len(authorships),
    )
