"""The people of an import: the conference's own, read once, found by the file's ids or names,
and those the file adds, written in one batch with the ones whose details changed."""

from __future__ import annotations

from collections import defaultdict

from program.importing import source
from program.importing.records import BATCH
from program.models import Conference, Person
from program.services import clean_names


class People:
    def __init__(self, conference: Conference, skipped: list[str]):
        """The conference's people: by key, by source id, by name (oldest first, as the API
        finds them), and their slugs, for the people the file adds. ``skipped`` gets a line
        for a person a contribution names twice."""
        self.conference, self.skipped = conference, skipped
        self.by_pk: dict[int, Person] = {}
        self.keyed: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        self.slugs: set[str] = set()
        self.new: list[Person] = []
        self.changed: dict[int, Person] = {}
        for person in Person.objects.filter(conference=conference).order_by("pk"):
            self.by_pk[person.pk] = person
            if person.external_id:
                self.keyed[person.external_id] = person
            self.by_name[person.name].append(person)
            self.slugs.add(person.slug)

    def save(self) -> bool:
        """Write the new people and the changed ones; whether any had changed."""
        Person.objects.bulk_create(self.new, batch_size=BATCH)
        if self.changed:
            changed = list(self.changed.values())
            Person.objects.bulk_update(changed, ["name", "bio", "links"], batch_size=BATCH)
        return bool(self.changed)

    def new_person(self, name: str, slug: str = "", **fields) -> Person:
        """A person new to the conference, with the slug the file gives when it is free (our
        own exports name it: namesakes keep theirs), else the first free one for the name."""
        person = Person(
            conference=self.conference,
            name=name,
            slug=slug if slug and slug not in self.slugs else Person.free_slug(name, self.slugs),
            **fields,
        )
        self.slugs.add(person.slug)
        self.by_name[name].append(person)
        self.new.append(person)
        return person

    def of(self, item: source.Contribution) -> list[Person]:
        """The file's people in order: by the source's id when it has one (kept in
        ``external_id``), else by name as the API finds them (``services.people_by_name``: the
        n-th time a name appears on a paper it is the n-th person of that name, so two
        namesakes on one paper stay two)."""
        people, seen, times = [], set(), defaultdict(int)
        for given in item.people:
            if given.key:
                person = self.keyed_person(given)
            else:
                name = clean_names([given.name])[0]
                index = times[name]
                times[name] += 1
                known = self.by_name[name]
                person = known[index] if index < len(known) else self.new_person(name, given.slug)
            if id(person) in seen:
                self.skipped.append(
                    f"contribution {item.key!r}: {given.name} named twice; listed once"
                )
                continue
            seen.add(id(person))
            people.append(person)
        return people

    def keyed_person(self, given: source.Person) -> Person:
        person = self.keyed.get(given.key)
        if person is None:
            person = self.keyed[given.key] = self.new_person(
                given.name, given.slug, external_id=given.key, bio=given.bio, links=given.links
            )
            return person
        # A file that gives no biography or links keeps the ones organizers added here.
        now = (given.name, given.bio or person.bio, given.links or person.links)
        if person.pk and (person.name, person.bio, person.links) != now:
            person.name, person.bio, person.links = now
            self.changed[person.pk] = person
        return person
