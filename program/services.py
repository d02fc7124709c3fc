"""Writes that span several program models: an item's ordered people, given by name."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from program.models import Person, SessionItem


def clean_names(names: Sequence[str]) -> list[str]:
    """Names as printed, stripped; refuses an empty name and a name given twice."""
    cleaned = [name.strip() for name in names]
    if any(not name for name in cleaned):
        raise ValidationError("A name cannot be empty.")
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("The same person is listed twice.")
    return cleaned


def people_by_name(names: Sequence[str]) -> list[Person]:
    """The people with these exact names, created where nobody has the name yet."""
    cleaned = clean_names(names)
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
def set_people(item: SessionItem, names: Sequence[str]) -> None:
    """Replace a poster's authors or a talk's speakers with these, in this order (1 = first)."""
    people = people_by_name(names)
    link_model = item.people_model()
    getattr(item, item.people_relation).all().delete()
    link_model.objects.bulk_create(
        link_model(**{link_model.item_field: item}, person=person, position=position)
        for position, person in enumerate(people, start=1)
    )
    item.touch_conferences()
