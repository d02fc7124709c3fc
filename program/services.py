"""Writes that span several program models: a contribution's ordered people, given by name;
merging two records of one person, and splitting a record that stands for several people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from program import changes
from program.models import ORDERED_PEOPLE_MODELS, Authorship, Conference, Contribution, Person


def clean_names(names: Sequence[str]) -> list[str]:
    """Names as printed, stripped; refuses an empty name.

    A name may appear twice: two co-authors can share a printed name ("Zhiyuan Liu").
    """
    cleaned = [name.strip() for name in names]
    if any(not name for name in cleaned):
        raise ValidationError("A name cannot be empty.")
    return cleaned


def people_by_name(conference: Conference, names: Sequence[str]) -> list[Person]:
    """The conference's people with these exact names, created where there are too few.

    The n-th time a name appears in the list it means the n-th person of that name in the
    conference (oldest record first), so a name given twice is two different people and one
    person is never listed twice. People of other conferences are never used: the same name
    elsewhere may be someone else.
    """
    cleaned = clean_names(names)
    existing: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(conference=conference, name__in=cleaned).order_by("pk"):
        existing[person.name].append(person)
    seen: dict[str, int] = defaultdict(int)
    people = []
    for name in cleaned:
        index = seen[name]
        seen[name] += 1
        if index == len(existing[name]):
            existing[name].append(
                Person.objects.create(
                    conference=conference,
                    name=name,
                    slug=Person.objects.unique_slug(conference, name),
                )
            )
        people.append(existing[name][index])
    return people


@transaction.atomic
def set_people(contribution: Contribution, names: Sequence[str]) -> None:
    """Replace a contribution's authors or speakers with these, in this order (1 = first).

    All its posters and talks show them."""
    people = people_by_name(contribution.conference, names)
    with changes.deferred():  # said once below
        contribution.authorships.all().delete()
        Authorship.objects.bulk_create(
            Authorship(contribution=contribution, person=person, position=position)
            for position, person in enumerate(people, start=1)
        )
    sessions = changes.sessions_of_contributions([contribution.pk])
    changes.program_changed([contribution.conference_id], sessions)


MERGED_FIELDS = ("affiliation", "bio", "external_id")


@transaction.atomic
def merge_people(keep: Person, others: Sequence[Person]) -> None:
    """Make ``others`` one person with ``keep``: their places on papers and talks move to
    ``keep`` (same positions), blank fields of ``keep`` are filled from them, links are joined,
    and they are deleted.

    Refused, changing nothing, when they belong to another conference or when two of them are
    on the same paper or talk (then they are two people who share a name).
    """
    others = [other for other in others if other.pk != keep.pk]
    foreign = [other.name for other in others if other.conference_id != keep.conference_id]
    if foreign:
        raise ValidationError(
            f"Only people of one conference can be merged; {', '.join(foreign)} belong to"
            " another. Link people across conferences with an external id instead."
        )
    everyone = [keep.pk, *(other.pk for other in others)]
    for link_model in ORDERED_PEOPLE_MODELS:
        links = link_model.objects.filter(person__in=everyone).select_related(link_model.item_field)
        items = defaultdict(list)
        for link in links:
            items[link.item].append(link)
        shared = sorted(str(item) for item, together in items.items() if len(together) > 1)
        if shared:
            raise ValidationError(
                f"These people are listed together on “{shared[0]}”: they are different people"
                " who share a name, not one person."
            )
        link_model.objects.filter(person__in=others).update(person=keep)
    for field in MERGED_FIELDS:
        if not getattr(keep, field):
            given = (getattr(other, field) for other in others if getattr(other, field))
            setattr(keep, field, next(given, ""))
    for other in others:
        keep.links += [link for link in other.links if link not in keep.links]
    Person.objects.filter(pk__in=[other.pk for other in others]).delete()
    keep.full_clean()
    keep.save()
    theirs = Contribution.objects.filter(authorships__person=keep)
    changes.program_changed([keep.conference_id], changes.sessions_of_contributions(theirs))


@transaction.atomic
def split_person(person: Person) -> list[Person]:
    """Give each of the person's papers and talks after the first its own record (same printed
    name, affiliation, bio and links; free slugs), for a record that turned out to stand for
    several people who share a name. The organizer then merges back the records that are one
    person. The external id stays with the original: it names one human. Returns the new records.
    """
    places = [
        link
        for link_model in ORDERED_PEOPLE_MODELS
        for link in link_model.objects.filter(person=person).order_by("pk")
    ]
    # The blocks that show the person's papers, read before the papers move to the new records.
    theirs = Contribution.objects.filter(authorships__person=person)
    sessions = list(changes.sessions_of_contributions(theirs).values_list("pk", flat=True))
    created = []
    for link in places[1:]:
        copy = Person.objects.create(
            conference=person.conference,
            name=person.name,
            slug=Person.objects.unique_slug(person.conference, person.name),
            affiliation=person.affiliation,
            bio=person.bio,
            links=person.links,
        )
        type(link).objects.filter(pk=link.pk).update(person=copy)
        created.append(copy)
    if created:
        changes.program_changed([person.conference_id], sessions)
    return created
