"""How an import finds, compares, checks and writes one record, whatever its kind.

A record is found by the file's id (``RecordWriter.existing``), compared field by field
(``diff``), checked as the admin checks it (``check``) when new or changed, and queued for one
``bulk_create`` or ``bulk_update`` of its model (``Writes``): no query per record.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from program.importing.report import Change, Report

NAMESPACE = uuid.UUID("9d3f5a8e-2b71-4c0a-8f6e-1a4b7c2d9e05")
# Rows a bulk insert, update or delete sends at once (well under SQLite's limit of bound values).
BATCH = 500


def uid_for(slug: str, kind: str, key: str) -> uuid.UUID:
    """The uid of the record the file calls ``key``, in this conference, when the key is not a
    guid of its own (see ``RecordWriter.existing``)."""
    return uuid.uuid5(NAMESPACE, f"{slug}/{kind}/{key}")


def as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


class Writes:
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


class RecordWriter:
    """``slug``: the conference's; ``taken``: the file's guids that other conferences' records
    hold as uids; problems found go to ``problems``, changes to ``report``."""

    def __init__(self, slug: str, report: Report):
        self.slug, self.report = slug, report
        self.taken: set[uuid.UUID] = set()
        self.problems: list[str] = []

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

    @staticmethod
    def delete(model, records) -> None:
        pks = [record.pk for record in records]
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
