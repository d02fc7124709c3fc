"""Writes that span several program models: ordered authors and speakers given by name."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from program.models import Authorship, Person, Poster, Speakership, Talk


def people_by_name(names: Sequence[str]) -> list[Person]:
    """The people with these exact names, created where nobody has the name yet."""
    cleaned = [name.strip() for name in names]
    if any(not name for name in cleaned):
        raise ValidationError("A name cannot be empty.")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("The same person is listed twice.")
    existing: dict[str, Person] = {}
    for person in Person.objects.filter(name__in=cleaned).order_by("pk"):
        existing.setdefault(person.name, person)
    people = []
    for name in cleaned:
        if name not in existing:
            existing[name] = Person.objects.create(name=name, slug=Person.objects.unique_slug(name))
        people.append(existing[name])
    return people


@transaction.atomic
def set_poster_authors(poster: Poster, names: Sequence[str]) -> None:
    """Replace a poster's authors with these, in this order (1 = first)."""
    people = people_by_name(names)
    poster.authorships.all().delete()
    Authorship.objects.bulk_create(
        Authorship(poster=poster, person=person, position=position)
        for position, person in enumerate(people, start=1)
    )
    poster.touch_conferences()


@transaction.atomic
def set_talk_speakers(talk: Talk, names: Sequence[str]) -> None:
    people = people_by_name(names)
    talk.speakerships.all().delete()
    Speakership.objects.bulk_create(
        Speakership(talk=talk, person=person, position=position)
        for position, person in enumerate(people, start=1)
    )
    talk.touch_conferences()
