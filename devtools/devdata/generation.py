"""A large, realistic, reproducible conference program for tests and benchmarks.

``generate_program(slug=..., posters=4500, sessions=80, days=6, people=20000, ...)`` writes a
published conference the size of a big ML conference: a planned day (``planning``) of plenaries,
parallel poster and oral sessions and breaks, a few sessions without a known time, posters that
borrow time and room from their session, names with accents and capitals, and everyone generated
on at least one paper or talk with a few people on many (``casting``).

Everything is drafted in memory (``draft``) from ``random.Random(seed)`` before the first write,
so bad arguments change nothing, and the same arguments and the same database give the same
program: uids come from the slug and an index, and person slugs follow ``Person.free_slug``
against the slugs the database already holds.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from devtools.devdata.casting import cast_program
from devtools.devdata.draft import Draft, draft_sessions
from devtools.devdata.planning import plan_sessions
from program import planner
from program.changes import conference_changed
from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    Talk,
    Track,
    validate_timezone,
)

BATCH_SIZE = 1000
MOST_DAYS = 366


@dataclass
class Summary:
    conference: Conference
    rooms: int
    sessions: int
    untimed_sessions: int
    contributions: int
    unscheduled: int
    posters: int
    talks: int
    people: int
    authorships: int
    most_papers: int  # posters and talks of the person named most often
    replaced: bool


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
    start_date: datetime.date = datetime.date(2026, 7, 13),
    replace: bool = False,
) -> Summary:
    """Write a generated conference; ``talks=None`` means one per plenary and four per oral.

    Raises ValidationError, before writing anything, for arguments that cannot make a program
    and for a slug that is taken unless ``replace`` is given.
    """
    validate_arguments(
        slug=slug,
        posters=posters,
        sessions=sessions,
        days=days,
        people=people,
        rooms=rooms,
        talks=talks,
        timezone=timezone,
    )
    rng = random.Random(seed)
    planned = plan_sessions(
        rng, sessions=sessions, days=days, rooms=rooms, posters=posters, talks=talks
    )
    dates = [start_date + datetime.timedelta(days=n) for n in range(days)]
    draft = draft_sessions(
        rng, slug=slug, timezone=timezone, dates=dates, rooms=rooms, planned=planned
    )
    picker = cast_program(draft, people=people, posters=posters, talks=talks)
    replaced = free_conference_slug(slug, replace=replace)
    write_draft(draft)
    return Summary(
        conference=draft.conference,
        rooms=len(draft.rooms),
        sessions=len(draft.sessions),
        untimed_sessions=sum(1 for s in draft.sessions if s.starts_at is None),
        contributions=len(draft.contributions),
        unscheduled=len(draft.contributions)
        - len({id(item.contribution) for item in [*draft.posters, *draft.talks]}),
        posters=len(draft.posters),
        talks=len(draft.talks),
        people=len(draft.people),
        authorships=len(draft.authorships),
        most_papers=max(picker.papers, default=0),
        replaced=replaced,
    )


def validate_arguments(*, slug, posters, sessions, days, people, rooms, talks, timezone) -> None:
    """All the problems with the arguments at once, as one ValidationError."""
    problems = []
    try:
        validate_slug(slug)
        if len(slug) > Conference._meta.get_field("slug").max_length:
            raise ValidationError("The slug is longer than 60 characters.")
    except ValidationError as error:
        problems += [f"Slug {slug!r}: {message}" for message in error.messages]
    for name, value, least in (
        ("posters", posters, 0),
        ("talks", talks, 0),
        ("sessions", sessions, 1),
        ("days", days, 1),
        ("people", people, 1),
        ("rooms", rooms, 1),
    ):
        if value is not None and value < least:
            problems.append(f"--{name} must be at least {least}, not {value}.")
    if days > MOST_DAYS:
        problems.append(f"--days must be at most {MOST_DAYS}, not {days}.")
    try:
        validate_timezone(timezone)
    except ValidationError as error:
        problems += error.messages
    if problems:
        raise ValidationError(problems)


def free_conference_slug(slug: str, *, replace: bool) -> bool:
    """Delete the conference with this slug if ``replace``, else refuse; True if one was deleted."""
    existing = Conference.objects.filter(slug=slug).first()
    if existing and not replace:
        raise ValidationError(
            f'A conference with the slug "{slug}" exists already; pass --replace to delete it'
            " and generate it anew, or choose another slug."
        )
    if existing:
        delete_conference(existing)
    return existing is not None


def delete_conference(conference: Conference) -> None:
    """Delete a conference with its program and its people."""
    conference.delete()


def write_draft(draft: Draft) -> None:
    draft.conference.save()
    assign_slugs(draft.conference, draft.people)
    Room.objects.bulk_create(draft.rooms)
    Track.objects.bulk_create(draft.tracks)
    Person.objects.bulk_create(draft.people, batch_size=BATCH_SIZE)
    Session.objects.bulk_create(draft.sessions, batch_size=BATCH_SIZE)
    Contribution.objects.bulk_create(draft.contributions, batch_size=BATCH_SIZE)
    Authorship.objects.bulk_create(draft.authorships, batch_size=BATCH_SIZE)
    Poster.objects.bulk_create(draft.posters, batch_size=BATCH_SIZE)
    Talk.objects.bulk_create(draft.talks, batch_size=BATCH_SIZE)
    # Bulk writes send no signals: the change is said once here.
    conference_changed(draft.conference)
    planner.analyze_after_commit()


def assign_slugs(conference: Conference, people: list[Person]) -> None:
    """Puts the people in the conference, each with ``Person.free_slug`` against the slugs given
    before it (a new conference has no people yet)."""
    taken: set[str] = set()
    for person in people:
        person.conference = conference
        person.slug = Person.free_slug(person.name, taken)
        taken.add(person.slug)
