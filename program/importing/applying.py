"""Apply a ``source.Program`` to one conference, all or nothing, or only report what would change.

Records are found again by the file's ids: an event's guid becomes its uid (unless another
conference has it), so a re-import updates the same rows and attendees' saved items stay saved.
What the file no longer has is removed, except rooms, tracks and people. Each record is checked
with ``full_clean()`` before bulk writes; a dry run rolls the transaction back; an unchanged file
writes nothing."""

from __future__ import annotations

import copy
import datetime
import uuid

from django.db import IntegrityError, transaction

from program import changes, planner
from program.importing import source
from program.importing.people import put_people
from program.importing.records import BATCH, RecordWriter, Writes, as_uuid, uid_for
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
from program.importing.signals import program_imported
from program.models import (
    Conference,
    Contribution,
    Poster,
    Room,
    Session,
    Talk,
    Track,
)

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

SLOT_MODELS = {"poster": Poster, "talk": Talk}


def _room_name(item) -> str:
    room = item.effective_room
    return room.name if room else ""


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
        with transaction.atomic(), changes.deferred():
            importer = _Importer(program, slug, report, progress)
            importer.run()
            if dry_run:
                raise _DryRun
            if report.removals_need_yes and not allow_removals:
                raise RemovalsNotConfirmed([report.removal_summary()])
            if report.changes:
                program_imported.send(Conference, conference=importer.conference)
    except _DryRun:
        pass
    except IntegrityError as error:  # what the checks above should have named first
        raise ImportProblem([f"The database refused the file: {error}"]) from error
    return report


class _Importer(RecordWriter):
    def __init__(self, program: source.Program, slug: str, report: Report, progress):
        super().__init__(slug, report)
        self.program, self.progress = program, progress
        self.people_changed = False

    def run(self) -> None:
        self.conference = self.find_conference()
        self.taken = self.guids_taken_elsewhere()
        program = self.program
        self.rooms = self.named(
            Room, {*program.rooms, *(s.room for s in program.sessions)}, program.room_details
        )
        tracks = {*program.tracks, *(c.track for c in program.contributions)}
        tracks |= {s.track for s in program.sessions}
        colours = {name: {"colour": colour} for name, colour in program.track_colours.items()}
        self.tracks = self.named(Track, tracks, colours)
        self.room_by_pk = {room.pk: room for room in self.rooms.values()}
        self.contributions = self.put_contributions()
        self.sessions = self.put_sessions()
        self.put_slots()
        if self.problems:
            raise ImportProblem(self.problems)
        self.abstracts_later()
        if self.report.changes or self.people_changed:  # an unchanged file writes nothing
            changes.conference_changed(self.conference)
            planner.analyze_after_commit()

    def abstracts_later(self) -> None:
        """The new contributions' abstracts, written once their people and slots are in.

        Triggers rewrite a contribution's search document (title, people, abstract, keywords,
        sessions) at each of these writes; with its abstract, a new paper's document was
        tokenized and indexed 3 to 5 times, which was most of a first import's database time
        (PostgreSQL, FOSDEM 2023: 3.6 s of SQL, 1.9 s with the abstracts written last)."""
        later = [contribution for contribution, _abstract in self.abstracts]
        Contribution.objects.bulk_update(later, ["abstract"], batch_size=BATCH)

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
        record, writes = model._meta.model_name, Writes(model)
        for name in sorted(filter(None, names)):
            obj = found.get(name)
            existed = obj is not None
            obj = obj or model(conference=self.conference, name=name)
            values = {"name": name, **details.get(name, {})}
            if self.upsert(record, obj, name, values, existed, writes) is not None:
                found[name] = obj
        writes.save()
        return found

    def put_contributions(self) -> dict[str, Contribution]:
        existing = {c.uid: c for c in Contribution.objects.filter(conference=self.conference)}
        self.report.existing += len(existing)
        for contribution in existing.values():
            contribution.conference = self.conference
        # Those that had posters and talks, for the titles of the ones removed.
        self.had = {c.pk: c for c in existing.values()}
        result, placed, writes = {}, [], Writes(Contribution)
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
                "external_id": item.code,
            }
            if self.upsert("contribution", contribution, item.key, values, existed, writes) is None:
                continue
            placed.append((contribution, item, existed))
            result[item.key] = contribution
        # New abstracts come last (``abstracts_later``), once their people and sessions are in.
        self.abstracts = [(c, c.abstract) for c in writes.fresh if c.abstract]
        for contribution, _abstract in self.abstracts:
            contribution.abstract = ""
        writes.save()
        for contribution, abstract in self.abstracts:
            contribution.abstract = abstract
        self.people_changed = put_people(self.conference, self.report, placed)
        self.leftovers = list(existing.values())
        return result

    def put_sessions(self) -> dict[str, Session]:
        existing = {s.uid: s for s in Session.objects.filter(conference=self.conference)}
        self.report.existing += len(existing)
        self.was = {}  # each session as it was, for the posters' and talks' moves and removals
        for session in existing.values():
            session.conference = self.conference  # for clean() and the slots' checks
            if session.room_id:
                session.room = self.room_by_pk[session.room_id]
            self.was[session.pk] = copy.copy(session)
        result, writes = {}, Writes(Session)
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
        """Posters and talks: added, changed or moved (a new start or room, its own or its
        session's), and those the file no longer has removed with the sessions and
        contributions it no longer has."""
        existing = {}
        for kind, model in SLOT_MODELS.items():
            existing[kind] = {}
            for item in model.objects.filter(session__conference=self.conference):
                # As ``select_related`` would give them, without the joins: the session as it
                # was before the import, the contribution, its own room.
                item.session = self.was[item.session_id]
                item.contribution = self.had[item.contribution_id]
                if item.room_id:
                    item.room = self.room_by_pk[item.room_id]
                existing[kind][item.uid] = item
            self.report.existing += len(existing[kind])
        slots = self.progress(
            self.program.slots, total=len(self.program.slots), description="Posters and talks"
        )
        writes = {kind: Writes(model) for kind, model in SLOT_MODELS.items()}
        for slot in slots:
            session = self.sessions.get(slot.session)
            contribution = self.contributions.get(slot.contribution)
            if session is None or contribution is None:
                continue  # its session or contribution did not pass: already named
            model = SLOT_MODELS[slot.kind]
            item, uid = self.existing(existing[slot.kind], slot.kind, slot.key)
            existed = item is not None
            before = (item.effective_starts_at, item.effective_room) if existed else None
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
        for kind_writes in writes.values():
            kind_writes.save()
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
