"""The people of an import: the conference's own, read once, found by the file's ids or names,
and those the file adds, written in one batch with the ones whose details changed; then each
contribution's authorships, rewritten only where its people changed (``put_people``)."""

from __future__ import annotations

from collections import defaultdict

from program.importing import source
from program.importing.records import BATCH
from program.importing.report import Change, Report
from program.models import Authorship, Conference, Contribution, Person
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


def put_people(
    conference: Conference,
    report: Report,
    placed: list[tuple[Contribution, source.Contribution, bool]],
) -> bool:
    """Every contribution's people in the file's order: the people new to the conference
    made in one batch, and the authorships of the contributions whose people changed (each
    contribution that existed is reported as changed). Whether any person's details changed."""
    people = People(conference, report.skipped)
    printed = defaultdict(list)  # a contribution's people's keys in printed order
    for contribution_id, person_id in (
        Authorship.objects.filter(contribution__conference=conference)
        .order_by("contribution", "position")
        .values_list("contribution", "person")
    ):
        printed[contribution_id].append(person_id)
    stale, links = [], []
    for contribution, item, existed in placed:
        given = people.of(item)
        before = printed.get(contribution.pk, []) if existed else []
        if before == [p.pk for p in given]:
            continue
        if existed:
            stale.append(contribution.pk)
            names = ([people.by_pk[pk].name for pk in before], [p.name for p in given])
            report.changes.append(
                Change("change", "contribution", item.key, item.title, {"people": names})
            )
        links.extend(
            Authorship(contribution=contribution, person=person, position=position)
            for position, person in enumerate(given, start=1)
        )
    people_changed = people.save()
    for start in range(0, len(stale), BATCH):
        Authorship.objects.filter(contribution_id__in=stale[start : start + BATCH]).delete()
    Authorship.objects.bulk_create(links, batch_size=BATCH)
    return people_changed
