"""Apply a ``source.Program`` to one conference, all or nothing, or only say what would change.

Every record is found again by the file's own id. An event's guid becomes its uid, so a
program exported here, imported elsewhere and exported there keeps its guids (unless another
conference already has that uid: then, as for ids that are not guids, the uid is derived from
(conference slug, kind of record, source id)). A re-import updates the same rows: attendees'
saved posters and talks stay saved, and one whose time or room changed shows as changed in their
agenda and feed (the agenda compares with what it saved). Sessions, contributions, posters and
talks of the conference that the file no longer has are removed; rooms, tracks and people are
kept.

Each record is checked as the admin checks it (``full_clean``) before it is written; a problem
names the record by the file's id and the field, and nothing is written. A dry run does the same
work and rolls it back, so the preview is exactly what a real import would do. Records are read
once and written in bulk (a fixed number of queries whatever the file's size); an unchanged file
is read and compared, and nothing is written.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction

from program import planner
from program.importing import source
from program.importing.report import (
    PROGRAM_RECORDS,
    REMOVAL_SHARE,
    UNREAD_SHARE,
    Change,
    ImportProblem,
    RemovalsNotConfirmed,
    Report,
    _DryRun,
)
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

__all__ = [
    "PROGRAM_RECORDS",
    "REMOVAL_SHARE",
    "Change",
    "ImportProblem",
    "RemovalsNotConfirmed",
    "Report",
    "_DryRun",
    "import_program",
    "refuse_unread",
    "uid_for",
]

NAMESPACE = uuid.UUID("9d3f5a8e-2b71-4c0a-8f6e-1a4b7c2d9e05")
# Rows a bulk insert or delete sends at once (well under SQLite's limit of bound values).
BATCH = 500
SLOT_MODELS = {"poster": Poster, "talk": Talk}


def uid_for(slug: str, kind: str, key: str) -> uuid.UUID:
    """The uid of the record the file calls ``key``, in this conference, when the key is not a
    guid of its own (see ``_Importer.uid``)."""
    return uuid.uuid5(NAMESPACE, f"{slug}/{kind}/{key}")


def as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


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


class _Writes:
    """One model's writes, in bulk: the new records in one ``bulk_create``, the changed ones in
    one ``bulk_update`` of the fields that changed (no save per record)."""

    def __init__(self, model):
        self.model, self.fresh, self.changed, self.fields = model, [], [], set()

    def add(self, instance, existed: bool, changed: dict) -> None:
        if existed:
            self.changed.append(instance)
            self.fields.update(changed)
        else:
            self.fresh.append(instance)

    def save(self) -> None:
        self.model.objects.bulk_create(self.fresh, batch_size=BATCH)
        if self.changed:
            self.model.objects.bulk_update(self.changed, sorted(self.fields), batch_size=BATCH)


class _Importer:
    def __init__(self, program: source.Program, slug: str, report: Report, progress):
        self.program, self.slug, self.report = program, slug, report
        self.progress = progress
        self.problems: list[str] = []
        self.people_changed = False

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
        if self.report.changes or self.people_changed:  # an unchanged file writes nothing
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

    def existing(self, records: dict, kind: str, key: str) -> tuple[object, uuid.UUID]:
        """The record a key names, by its uid, or by the uid an earlier import derived; and
        the uid a new record gets (a guid of the file's own unless another conference has it)."""
        guid = as_uuid(key) if kind != "contribution" else None
        if guid is None or guid in self.taken:
            uid = uid_for(self.slug, kind, key)
            return records.pop(uid, None), uid
        found = records.pop(guid, None)
        if found is None:
            found = records.pop(uid_for(self.slug, kind, key), None)
        return found, guid

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
        record, writes = model._meta.model_name, _Writes(model)
        for name in sorted(filter(None, names)):
            obj = found.get(name)
            existed = obj is not None
            obj = obj or model(conference=self.conference, name=name)
            values = {"name": name, **details.get(name, {})}
            if self.upsert(record, obj, name, values, existed, writes) is not None:
                found[name] = obj
        writes.save()
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

    def upsert(self, record: str, instance, key: str, values: dict, existed: bool, writes, **place):
        """Set values, check, and add the record to ``writes`` (written in bulk); record an
        add or a change. Returns the changed fields, or None when the record does not pass."""
        changed = self.diff(instance, values)
        if existed and not changed:
            return changed  # as the database holds it, checked when it was written
        name = f"{record} {key!r}"
        if not self.check(instance, name, **self.checks(instance)):
            return None
        writes.add(instance, existed, changed)
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
        existing = {c.uid: c for c in Contribution.objects.filter(conference=self.conference)}
        for contribution in existing.values():
            contribution.conference = self.conference
        # Those that had posters and talks, for the titles of the ones removed.
        self.had = {c.pk: c for c in existing.values()}
        result, placed, writes = {}, [], _Writes(Contribution)
        contributions = self.progress(
            self.program.contributions,
            total=len(self.program.contributions),
            description="Contributions",
        )
        for item in contributions:
            contribution, uid = self.existing(existing, "contribution", item.key)
            existed = contribution is not None
            contribution = contribution or Contribution(conference=self.conference, uid=uid)
            values = {
                "title": item.title,
                "abstract": item.abstract,
                "track": self.tracks.get(item.track),
                "keywords": item.keywords,
                "language": item.language,
                "links": item.links,
                "external_url": item.external_url,
            }
            if self.upsert("contribution", contribution, item.key, values, existed, writes) is None:
                continue
            placed.append((contribution, item, existed))
            result[item.key] = contribution
        writes.save()
        self.put_people(placed)
        self.leftovers = list(existing.values())
        return result

    def put_people(self, placed: list[tuple[Contribution, source.Contribution, bool]]) -> None:
        """Every contribution's people in the file's order: the people new to the conference
        made in one batch, and the authorships of the contributions whose people changed."""
        self.read_people()
        printed = defaultdict(list)  # a contribution's people's keys in printed order
        for contribution_id, person_id in (
            Authorship.objects.filter(contribution__conference=self.conference)
            .order_by("contribution", "position")
            .values_list("contribution", "person")
        ):
            printed[contribution_id].append(person_id)
        stale, links = [], []
        for contribution, item, existed in placed:
            people = self.people_for(item)
            before = printed.get(contribution.pk, []) if existed else []
            if before == [p.pk for p in people]:
                continue
            if existed:
                stale.append(contribution.pk)
                names = ([self.people[pk].name for pk in before], [p.name for p in people])
                self.report.changes.append(
                    Change("change", "contribution", item.key, item.title, {"people": names})
                )
            links.extend(
                Authorship(contribution=contribution, person=person, position=position)
                for position, person in enumerate(people, start=1)
            )
        Person.objects.bulk_create(self.new_people, batch_size=BATCH)
        if self.changed_people:
            fields = ["name", "bio", "links"]
            changed = list(self.changed_people.values())
            Person.objects.bulk_update(changed, fields, batch_size=BATCH)
            self.people_changed = True
        for start in range(0, len(stale), BATCH):
            Authorship.objects.filter(contribution_id__in=stale[start : start + BATCH]).delete()
        Authorship.objects.bulk_create(links, batch_size=BATCH)

    def read_people(self) -> None:
        """The conference's people, read once: by key, by source id, by name (oldest first, as
        the API finds them), and their slugs, for the people the file adds."""
        self.people: dict[int, Person] = {}
        self.keyed: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        self.slugs: set[str] = set()
        self.new_people: list[Person] = []
        self.changed_people: dict[int, Person] = {}
        for person in Person.objects.filter(conference=self.conference).order_by("pk"):
            self.people[person.pk] = person
            if person.external_id:
                self.keyed[person.external_id] = person
            self.by_name[person.name].append(person)
            self.slugs.add(person.slug)

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
                person = known[index] if index < len(known) else self.new_person(name, given.slug)
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
                given.name, given.slug, external_id=given.key, bio=given.bio, links=given.links
            )
            return person
        # A file that gives no biography or links keeps the ones organizers added here.
        now = (given.name, given.bio or person.bio, given.links or person.links)
        if person.pk and (person.name, person.bio, person.links) != now:
            person.name, person.bio, person.links = now
            self.changed_people[person.pk] = person  # written with the new people
        return person

    def put_sessions(self) -> dict[str, Session]:
        existing = {s.uid: s for s in Session.objects.filter(conference=self.conference)}
        # Where each session was before the import: a poster's or talk's move is told from it.
        self.was = {s.pk: (s.day, s.starts_at, s.room_id) for s in existing.values()}
        for session in existing.values():
            session.conference = self.conference  # for clean() and the slots' checks
        result, writes = {}, _Writes(Session)
        positions: dict[datetime.date, int] = {}
        ordered = sorted(
            self.program.sessions,
            key=lambda s: (s.starts_at is None, s.starts_at or datetime.datetime.min, s.room),
        )
        for item in ordered:
            session, uid = self.existing(existing, "session", item.key)
            existed = session is not None
            session = session or Session(conference=self.conference, uid=uid)
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
                "session", session, item.key, values, existed, writes, day=day, room=item.room
            )
            if changed is not None:
                result[item.key] = session
        writes.save()
        self.leftovers += list(existing.values())
        return result

    def put_slots(self) -> None:
        self.room_by_pk = {room.pk: room for room in self.rooms.values()}
        existing = {}
        for kind, model in SLOT_MODELS.items():
            existing[kind] = {}
            for item in model.objects.filter(session__conference=self.conference):
                if item.room_id:  # its own room, for clean() and the report, without a query
                    item.room = self.room_by_pk[item.room_id]
                existing[kind][item.uid] = item
        slots = self.progress(
            self.program.slots, total=len(self.program.slots), description="Posters and talks"
        )
        writes = {kind: _Writes(model) for kind, model in SLOT_MODELS.items()}
        for slot in slots:
            session = self.sessions.get(slot.session)
            contribution = self.contributions.get(slot.contribution)
            if session is None or contribution is None:
                continue  # its session or contribution did not pass: already named
            model = SLOT_MODELS[slot.kind]
            item, uid = self.existing(existing[slot.kind], slot.kind, slot.key)
            existed = item is not None
            before = self.place(item) if existed else None
            item = item or model(uid=uid)
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
            writes[slot.kind].add(item, existed, changed)
            room = item.effective_room
            moved = existed and before != (item.effective_starts_at, room)
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
                    room=room.name if room else "",
                )
            )
        for kind_writes in writes.values():
            kind_writes.save()
        # What the file no longer has, in one delete per model (the conference is touched once,
        # at the end; saved agenda items of removed posters and talks go with them).
        for kind, leftovers in existing.items():
            for item in leftovers.values():
                day, _starts_at, room = self.place(item, with_day=True)
                self.report.changes.append(
                    Change(
                        "remove",
                        kind,
                        str(item.uid),
                        self.had[item.contribution_id].title,
                        day=day,
                        room=room.name if room else "",
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

    def place(self, item, with_day: bool = False) -> tuple:
        """Where a poster or talk was before the import: its start and room (its session's
        when it has none of its own), and with ``with_day`` its session's day first."""
        day, starts_at, room_id = self.was[item.session_id]
        room_id = item.room_id or room_id
        place = (item.starts_at or starts_at, self.room_by_pk.get(room_id) if room_id else None)
        return (day, *place) if with_day else place

    @staticmethod
    def delete(model, records) -> None:
        pks = [record.pk for record in records]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
