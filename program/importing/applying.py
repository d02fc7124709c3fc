"""Apply a ``source.Program`` to one conference, all or nothing, or only say what would change.

Every record is found again by the file's own id. An event's guid becomes its uid, so a
program exported here, imported elsewhere and exported there keeps its guids (unless another
conference already has that uid: then, as for ids that are not guids, the uid is derived from
(conference slug, kind of record, source id)). A re-import updates the same rows: attendees'
saved posters and talks stay saved, and one whose time or room changed shows as changed in their
agenda and feed (the agenda compares with what it saved). Sessions, contributions, posters and
talks of the conference that the file no longer has are removed; rooms, tracks and people are
kept.

Each record is checked as the admin checks it (``full_clean``) before it is saved; a problem
names the record by the file's id and the field, and nothing is written. A dry run does the same
work and rolls it back, so the preview is exactly what a real import would do.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction

from program import planner
from program.importing import source
from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    ProgramPart,
    Room,
    Session,
    Talk,
    Track,
)
from program.services import clean_names

NAMESPACE = uuid.UUID("9d3f5a8e-2b71-4c0a-8f6e-1a4b7c2d9e05")
# Rows a bulk insert or delete sends at once (well under SQLite's limit of bound values).
BATCH = 500
SLOT_MODELS = {"poster": Poster, "talk": Talk}
DONE = {"add": "added", "change": "changed", "move": "moved", "remove": "removed"}


def _room_name(item) -> str:
    room = item.effective_room
    return room.name if room else ""


def uid_for(slug: str, kind: str, key: str) -> uuid.UUID:
    """The uid of the record the file calls ``key``, in this conference, when the key is not a
    guid of its own (see ``_Importer.uid``)."""
    return uuid.uuid5(NAMESPACE, f"{slug}/{kind}/{key}")


def as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


class ImportProblem(Exception):
    """The file does not fit; ``problems`` name each record and field. Nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RemovalsNotConfirmed(ImportProblem):
    """The import would remove more of the program than ``REMOVAL_SHARE`` without a yes."""


class _DryRun(Exception):
    pass


# An import that would remove more than this share of a conference's sessions, contributions,
# posters and talks is shown first and needs an explicit yes (a file that lost half its events
# to a changed export format must not empty the program).
REMOVAL_SHARE = 0.10
# A file whose records were mostly left out is not understood: refused, never applied.
UNREAD_SHARE = 0.5
PROGRAM_RECORDS = ("session", "contribution", "poster", "talk")


@dataclass
class Change:
    action: str  # "add", "change", "move" or "remove"
    record: str  # "session", "contribution", "poster", "talk", "conference", "room", "track"
    key: str  # the file's id, or our title for a removal
    title: str
    fields: dict[str, tuple] = field(default_factory=dict)  # name -> (before, after)
    day: datetime.date | None = None  # where it is (a removal: where it was)
    room: str = ""

    def __str__(self) -> str:
        text = f"{self.action:6} {self.record} {self.title!r}"
        if self.room:
            text += f" ({self.room})"
        if self.fields:
            text += ": " + "; ".join(
                f"{name} {_short(before)} -> {_short(after)}"
                for name, (before, after) in self.fields.items()
            )
        return text


def _short(value) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class Report:
    conference: str
    created_conference: bool = False
    changes: list[Change] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The conference's sessions, contributions, posters and talks before the import.
    existing: int = 0

    def count(self, action: str, record: str) -> int:
        return sum(1 for c in self.changes if c.action == action and c.record == record)

    def summary(self, changes=None) -> str:
        """ "3 sessions added, 40 talks added, 2 posters moved", or "nothing changed"."""
        counts = Counter((c.record, c.action) for c in self.changes if changes is None) + Counter(
            (c.record, c.action) for c in changes or []
        )
        order = {action: number for number, action in enumerate(DONE)}
        parts = [
            f"{number:,} {record}{'s' if number != 1 else ''} {DONE[action]}"
            for (record, action), number in sorted(
                counts.items(), key=lambda item: (item[0][0], order[item[0][1]])
            )
        ]
        return ", ".join(parts) or "nothing changed"

    def by_day(self) -> list[Change]:
        """The changes by day and room (those of no day first), in the file's order within."""
        return sorted(self.changes, key=lambda c: (c.day or datetime.date.min, c.room))

    def summary_by_day(self) -> list[tuple[datetime.date, str]]:
        days = defaultdict(list)
        for change in self.changes:
            if change.day:
                days[change.day].append(change)
        return [(day, self.summary(changes)) for day, changes in sorted(days.items())]

    @property
    def removals(self) -> int:
        return sum(1 for c in self.changes if c.action == "remove" and c.record in PROGRAM_RECORDS)

    @property
    def removals_need_yes(self) -> bool:
        """More than ``REMOVAL_SHARE`` of the program would go."""
        return self.removals > REMOVAL_SHARE * self.existing

    def removal_summary(self) -> str:
        share = self.removals / self.existing if self.existing else 1
        return (
            f"This import would remove {self.removals:,} of the {self.existing:,} sessions,"
            f" contributions, posters and talks of {self.conference} ({share:.0%}). Check the"
            " removals listed, then confirm them (--allow-removals on the command, the checkbox"
            " in the admin's preview)."
        )


def no_progress(items, *, total: int, description: str):
    return items


def refuse_unread(program: source.Program) -> None:
    """Raise ``ImportProblem`` when most of the file's records were left out: the file is in a
    shape the reader does not understand, and applying it would remove what it did not read."""
    if program.records and program.left_out > UNREAD_SHARE * program.records:
        raise ImportProblem(
            [
                f"{program.left_out:,} of the file's {program.records:,} records could not be"
                " read, so the file is not understood and nothing was imported. The first:",
                *program.skipped[:10],
            ]
        )


def import_program(
    program: source.Program,
    *,
    slug: str,
    dry_run: bool = False,
    allow_removals: bool = False,
    progress=no_progress,
) -> Report:
    """Apply ``program`` to the conference ``slug``, or (``dry_run``) only report what would
    change. Refused with ``ImportProblem`` when most records were not read, and with
    ``RemovalsNotConfirmed`` when more than ``REMOVAL_SHARE`` of the program would be removed
    without ``allow_removals`` (a dry run reports it: ``Report.removals_need_yes``).
    ``progress(items, total=..., description=...)`` wraps the long loops (a progress bar)."""
    refuse_unread(program)
    report = Report(conference=slug, skipped=list(program.skipped), notes=list(program.notes))
    try:
        with transaction.atomic(), ProgramPart.touching_deferred():
            _Importer(program, slug, report, progress).run()
            if dry_run:
                raise _DryRun
            if report.removals_need_yes and not allow_removals:
                raise RemovalsNotConfirmed([report.removal_summary()])
    except _DryRun:
        pass
    except IntegrityError as error:  # what the checks above should have named first
        raise ImportProblem([f"The database refused the file: {error}"]) from error
    return report


class _Importer:
    def __init__(self, program: source.Program, slug: str, report: Report, progress):
        self.program, self.slug, self.report = program, slug, report
        self.progress = progress
        self.problems: list[str] = []

    def run(self) -> None:
        self.conference = self.find_conference()
        self.report.existing = self.conference.program_size()
        self.taken = self.guids_taken_elsewhere()
        program = self.program
        self.rooms = self.named(
            Room, {*program.rooms, *(s.room for s in program.sessions)}, program.room_details
        )
        tracks = {*program.tracks, *(c.track for c in program.contributions)}
        tracks |= {s.track for s in program.sessions}
        colours = {name: {"colour": colour} for name, colour in program.track_colours.items()}
        self.tracks = self.named(Track, tracks, colours)
        self.contributions = self.put_contributions()
        self.sessions = self.put_sessions()
        self.put_slots()
        if self.problems:
            raise ImportProblem(self.problems)
        self.conference.touch()
        planner.analyze_after_commit()

    def guids_taken_elsewhere(self) -> set[uuid.UUID]:
        """The file's guids that another conference's records already have as uids."""
        guids = {as_uuid(s.key) for s in self.program.sessions}
        guids |= {as_uuid(s.key) for s in self.program.slots}
        guids.discard(None)
        if not guids:
            return set()
        taken = set(
            Session.objects.filter(uid__in=guids)
            .exclude(conference=self.conference)
            .values_list("uid", flat=True)
        )
        for model in SLOT_MODELS.values():
            taken.update(
                model.objects.filter(uid__in=guids)
                .exclude(session__conference=self.conference)
                .values_list("uid", flat=True)
            )
        return taken

    def uid(self, kind: str, key: str) -> uuid.UUID:
        guid = as_uuid(key) if kind != "contribution" else None
        if guid is not None and guid not in self.taken:
            return guid
        return uid_for(self.slug, kind, key)

    def existing(self, records: dict, kind: str, key: str):
        """The record a key names, by its uid, or by the uid an earlier import derived."""
        found = records.pop(self.uid(kind, key), None)
        return found if found is not None else records.pop(uid_for(self.slug, kind, key), None)

    @staticmethod
    def checks(instance) -> dict:
        """What ``full_clean`` checks besides fields and ``clean()``: not unique keys (a new
        record's uid is new by construction: derived from this conference's slug, or a guid no
        other conference holds; a new room's or track's name is one the conference lacks; an
        import changes no key of a record that exists), constraints (``clean()`` checks the
        same, naming the field) or that foreign keys exist (they are records this import read
        or wrote). Each would be a query per record; the database enforces all three anyway."""
        foreign = [f.name for f in instance._meta.concrete_fields if f.many_to_one]
        return {"validate_unique": False, "validate_constraints": False, "exclude": foreign}

    def check(self, instance, name: str, **options) -> bool:
        try:
            instance.full_clean(**options)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                self.problems.append(f"{name}: {field_name}: {' '.join(messages)}")
            return False
        return True

    def find_conference(self) -> Conference:
        conference = Conference.objects.filter(slug=self.slug).first()
        if conference is None:
            program = self.program
            if not (program.start_date and program.end_date):
                raise ImportProblem(
                    [
                        f"There is no conference {self.slug!r} and the file gives no dates:"
                        " create the conference first (admin or API), then import."
                    ]
                )
            conference = Conference(
                slug=self.slug,
                name=(program.name or self.slug)[:200],
                full_name=program.full_name,
                timezone=program.timezone,
                start_date=program.start_date,
                end_date=program.end_date,
                day_starts_at=program.day_starts_at or datetime.time(0, 0),
                is_published=False,  # organizers look at it before publishing
            )
            if not self.check(conference, f"conference {self.slug!r}"):
                raise ImportProblem(self.problems)
            conference.save()
            self.report.created_conference = True
            self.report.changes.append(Change("add", "conference", self.slug, conference.name))
        # Talk types the file names that the conference does not have yet.
        types = dict(conference.presentation_type_choices())
        new = {
            slot.presentation_type: slot.type_label
            for slot in self.program.slots
            if slot.presentation_type and slot.presentation_type not in types and slot.type_label
        }
        if new:
            before = dict(conference.presentation_types)
            conference.presentation_types = {**before, **new}
            conference.save()
            self.report.changes.append(
                Change(
                    "change",
                    "conference",
                    self.slug,
                    conference.name,
                    {"presentation_types": (before, conference.presentation_types)},
                )
            )
        return conference

    def named(self, model, names, details: dict[str, dict]) -> dict[str, object]:
        """Rooms or tracks by name, made when missing (never removed: other data may use them),
        with the details the file gives (a room's area and capacity, a track's colour)."""
        found = {obj.name: obj for obj in model.objects.filter(conference=self.conference)}
        record = model._meta.model_name
        for name in sorted(filter(None, names)):
            obj = found.get(name)
            existed = obj is not None
            obj = obj or model(conference=self.conference, name=name)
            values = {"name": name, **details.get(name, {})}
            if self.upsert(record, obj, name, values, existed) is not None:
                found[name] = obj
        return found

    def diff(self, instance, values: dict) -> dict[str, tuple]:
        changed = {}
        for name, value in values.items():
            field = instance._meta.get_field(name)
            # A foreign key is compared by key (reading one not read yet is a query per record);
            # the same record is then the importer's copy, whose own keys clean() follows
            # without a query.
            if field.many_to_one and getattr(instance, field.attname) == getattr(value, "pk", 0):
                setattr(instance, name, value)
                continue
            try:
                before = getattr(instance, name)
            except ObjectDoesNotExist:  # a new record's foreign key, not set yet
                before = None
            if before != value:
                changed[name] = (before, value)
                setattr(instance, name, value)
        return changed

    def upsert(
        self, record: str, instance, key: str, values: dict, existed: bool, batch=None, **place
    ):
        """Set values, check, and save (or, for a new record, add it to ``batch`` for one
        ``bulk_create``); record an add or a change. Returns the changed fields, or None when
        the record does not pass."""
        changed = self.diff(instance, values)
        if existed and not changed:
            return changed  # as the database holds it, checked when it was written
        name = f"{record} {key!r}"
        if not self.check(instance, name, **self.checks(instance)):
            return None
        if batch is None or existed:
            instance.save()
        else:
            batch.append(instance)
        self.report.changes.append(
            Change(
                "change" if existed else "add",
                record,
                key,
                str(values.get("title", key)),
                changed if existed else {},
                **place,
            )
        )
        return changed

    def put_contributions(self) -> dict[str, Contribution]:
        existing = {
            c.uid: c
            for c in Contribution.objects.filter(conference=self.conference).prefetch_related(
                Contribution.prefetch_people()
            )
        }
        for contribution in existing.values():
            contribution.conference = self.conference
        result, fresh, placed = {}, [], []
        contributions = self.progress(
            self.program.contributions,
            total=len(self.program.contributions),
            description="Contributions",
        )
        for item in contributions:
            contribution = self.existing(existing, "contribution", item.key)
            existed = contribution is not None
            contribution = contribution or Contribution(
                conference=self.conference, uid=self.uid("contribution", item.key)
            )
            values = {
                "title": item.title,
                "abstract": item.abstract,
                "track": self.tracks.get(item.track),
                "keywords": item.keywords,
                "language": item.language,
                "links": item.links,
                "external_url": item.external_url,
            }
            if self.upsert("contribution", contribution, item.key, values, existed, fresh) is None:
                continue
            placed.append((contribution, item, existed))
            result[item.key] = contribution
        Contribution.objects.bulk_create(fresh, batch_size=BATCH)
        self.put_people(placed)
        self.leftovers = list(existing.values())
        return result

    def put_people(self, placed: list[tuple[Contribution, source.Contribution, bool]]) -> None:
        """Every contribution's people in the file's order: the people new to the conference
        made in one batch, and the authorships of the contributions whose people changed."""
        self.read_people()
        stale, links = [], []
        for contribution, item, existed in placed:
            people = self.people_for(item)
            # Prefetched in printed order for a contribution that existed; a new one has none.
            before = [link.person for link in contribution.ordered_people] if existed else []
            if [p.pk for p in before] == [p.pk for p in people]:
                continue
            if existed:
                stale.append(contribution.pk)
                names = ([p.name for p in before], [p.name for p in people])
                self.report.changes.append(
                    Change("change", "contribution", item.key, item.title, {"people": names})
                )
            links.extend(
                Authorship(contribution=contribution, person=person, position=position)
                for position, person in enumerate(people, start=1)
            )
        Person.objects.bulk_create(self.new_people, batch_size=BATCH)
        for start in range(0, len(stale), BATCH):
            Authorship.objects.filter(contribution_id__in=stale[start : start + BATCH]).delete()
        Authorship.objects.bulk_create(links, batch_size=BATCH)

    def read_people(self) -> None:
        """The conference's people, read once: by source id, by name (oldest first, as the API
        finds them), and their slugs, for the people the file adds."""
        self.keyed: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        self.slugs: set[str] = set()
        self.new_people: list[Person] = []
        for person in Person.objects.filter(conference=self.conference).order_by("pk"):
            if person.external_id:
                self.keyed[person.external_id] = person
            self.by_name[person.name].append(person)
            self.slugs.add(person.slug)

    def new_person(self, name: str, **fields) -> Person:
        person = Person(
            conference=self.conference,
            name=name,
            slug=Person.free_slug(name, self.slugs),
            **fields,
        )
        self.slugs.add(person.slug)
        self.by_name[name].append(person)
        self.new_people.append(person)
        return person

    def people_for(self, item: source.Contribution) -> list[Person]:
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
                person = known[index] if index < len(known) else self.new_person(name)
            if id(person) in seen:
                self.report.skipped.append(
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
                given.name, external_id=given.key, bio=given.bio, links=given.links
            )
            return person
        # A file that gives no biography or links keeps the ones organizers added here.
        now = (given.name, given.bio or person.bio, given.links or person.links)
        if person.pk and (person.name, person.bio, person.links) != now:
            person.name, person.bio, person.links = now
            person.save()
        return person

    def put_sessions(self) -> dict[str, Session]:
        existing = {s.uid: s for s in Session.objects.filter(conference=self.conference)}
        for session in existing.values():
            session.conference = self.conference  # for clean() and the slots' checks
        result = {}
        positions: dict[datetime.date, int] = {}
        ordered = sorted(
            self.program.sessions,
            key=lambda s: (s.starts_at is None, s.starts_at or datetime.datetime.min, s.room),
        )
        for item in ordered:
            session = self.existing(existing, "session", item.key)
            existed = session is not None
            session = session or Session(
                conference=self.conference, uid=self.uid("session", item.key)
            )
            day = (
                self.conference.day_of(item.starts_at)
                if item.starts_at
                else self.conference.start_date
            )
            positions[day] = positions.get(day, 0) + 1
            values = {
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "day": day,
                "position": positions[day],
                "starts_at": item.starts_at,
                "ends_at": item.ends_at,
                "room": self.rooms.get(item.room),
                "track": self.tracks.get(item.track),
            }
            changed = self.upsert(
                "session", session, item.key, values, existed, day=day, room=item.room
            )
            if changed is not None:
                result[item.key] = session
        self.leftovers += list(existing.values())
        return result

    def put_slots(self) -> None:
        existing = {
            kind: {
                item.uid: item
                for item in model.objects.filter(
                    session__conference=self.conference
                ).select_related("session__room", "room")
            }
            for kind, model in SLOT_MODELS.items()
        }
        slots = self.progress(
            self.program.slots, total=len(self.program.slots), description="Posters and talks"
        )
        fresh: dict[str, list] = {kind: [] for kind in SLOT_MODELS}
        updated: dict[str, list] = {kind: [] for kind in SLOT_MODELS}
        updated_fields: set[str] = set()
        for slot in slots:
            session = self.sessions.get(slot.session)
            contribution = self.contributions.get(slot.contribution)
            if session is None or contribution is None:
                continue  # its session or contribution did not pass: already named
            model = SLOT_MODELS[slot.kind]
            of_kind = existing[slot.kind]
            item = self.existing(of_kind, slot.kind, slot.key)
            existed = item is not None
            before = (item.effective_starts_at, item.effective_room) if existed else None
            item = item or model(uid=self.uid(slot.kind, slot.key))
            values = {
                "session": session,
                "contribution": contribution,
                "position": slot.position,
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
            }
            if model is Talk:
                values["presentation_type"] = slot.presentation_type
                values["do_not_record"] = slot.do_not_record
            changed = self.diff(item, values)
            if existed and not changed:
                continue  # as the database holds it, checked when it was written
            if not self.check(item, f"{slot.kind} {slot.key!r}", **self.checks(item)):
                continue
            if existed:
                updated[slot.kind].append(item)
                updated_fields.update(changed)
            else:
                fresh[slot.kind].append(item)
            moved = existed and before != (item.effective_starts_at, item.effective_room)
            if existed and not moved and changed.keys() == {"position"}:
                continue  # renumbered because another poster came or went: not news
            action = "move" if moved else ("change" if existed else "add")
            self.report.changes.append(
                Change(
                    action,
                    slot.kind,
                    slot.key,
                    contribution.title,
                    changed if existed else {},
                    day=session.day,
                    room=_room_name(item),
                )
            )
        for kind, model in SLOT_MODELS.items():
            model.objects.bulk_create(fresh[kind], batch_size=BATCH)
            if updated[kind]:  # one statement per batch, not a save per poster
                fields = sorted(name for name in updated_fields if hasattr(model, name))
                model.objects.bulk_update(updated[kind], fields, batch_size=BATCH)
        # What the file no longer has, in one delete per model (the conference is touched once,
        # at the end; saved agenda items of removed posters and talks go with them).
        for kind, leftovers in existing.items():
            for item in leftovers.values():
                self.report.changes.append(
                    Change(
                        "remove",
                        kind,
                        str(item.uid),
                        item.title,
                        day=item.session.day,
                        room=_room_name(item),
                    )
                )
            self.delete(SLOT_MODELS[kind], leftovers.values())
        for model in (Session, Contribution):
            gone = [leftover for leftover in self.leftovers if isinstance(leftover, model)]
            for leftover in gone:
                record = model._meta.model_name
                self.report.changes.append(
                    Change(
                        "remove",
                        record,
                        str(leftover.uid),
                        leftover.title,
                        day=getattr(leftover, "day", None),
                    )
                )
            self.delete(model, gone)

    @staticmethod
    def delete(model, records) -> None:
        pks = [record.pk for record in records]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
