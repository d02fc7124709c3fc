"""What ``manage.py load_program`` adds to Django's loaddata: records validated as the admin
validates them, and every error naming its record by natural key.

``record_name`` names a record in every message: its model label and natural key
(``program.room ['mlsys2025', 'Hall A']``), or its pk for a model without one. ``LoadCheck``
validates the records a load saved once, after the last save, while its transaction is open.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.management.base import CommandError
from django.db import models

#: Apps whose records a load validates; others (auth, contenttypes ...) are saved as they are.
VALIDATED_APPS = frozenset({"program", "accounts"})

#: How many invalid records an error lists before it only counts the rest.
LISTED_RECORDS = 20


def natural_key_of(instance: models.Model) -> list | None:
    """The record's natural key as a list, or None (no natural key, or a broken one).

    The key may look up a related record (a room's conference, an authorship's poster), so call
    it only while the transaction can still run queries.
    """
    if not hasattr(instance, "natural_key"):
        return None
    try:
        key = instance.natural_key()
    except Exception:  # the key itself may be what is broken
        return None
    return list(key) if key else None


def record_name(instance: models.Model) -> str:
    """``program.session ['6f0c…']``: the model label and the natural key, else the pk."""
    key = natural_key_of(instance)
    label = instance._meta.label_lower
    return f"{label} {key!r}" if key else f"{label} pk={instance.pk}"


def name_record_in_error(error: Exception, instance: models.Model) -> None:
    """Append the record's natural key to a database or deserialization error's message."""
    key = natural_key_of(instance)
    if key:
        first = error.args[0] if error.args else ""
        error.args = (f"{first} [natural key {key!r}]", *error.args[1:])


def foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [field for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one]


class LoadCheck:
    """The records one load saved, validated together before the load commits.

    Validation is ``full_clean()`` without ``validate_unique``/``validate_constraints`` (the
    database has just enforced both) and without the existence check of foreign keys that hold a
    value (the database enforces those too, and Django would ask once per key). Every model's
    field validators and ``clean()`` run. Before that, each record's foreign keys are pointed at
    the loaded records they name, and the rest are fetched in one query per related model, so
    that ``clean()`` (a session's conference and room, a poster's session) asks no query per
    record.
    """

    def __init__(self, using: str):
        self.using = using
        # The last saved version of each record, in fixture order: (model, pk) -> instance.
        self.records: dict[tuple[type[models.Model], object], models.Model] = {}
        self.done = False

    def add(self, instance: models.Model) -> None:
        if instance._meta.app_label in VALIDATED_APPS and instance.pk is not None:
            key = (instance._meta.concrete_model, instance.pk)
            self.records.pop(key, None)  # a record loaded twice is checked where it was last
            self.records[key] = instance

    def run(self) -> None:
        """Raise CommandError naming every invalid record; once per load."""
        if self.done:
            return
        self.done = True
        self.point_foreign_keys_at_records()
        problems = []
        for instance in self.records.values():
            errors = self.errors_of(instance)
            if errors:
                problems.append((instance, errors))
        if problems:
            raise CommandError(describe(problems))

    def errors_of(self, instance: models.Model) -> dict[str, list[str]]:
        exclude = {
            field.name
            for field in foreign_keys(type(instance))
            if getattr(instance, field.attname) is not None
        }
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            return error.message_dict
        except ObjectDoesNotExist as error:  # a related record vanished; the database should
            return {NON_FIELD_ERRORS: [str(error)]}  # have said so already
        return {}

    def point_foreign_keys_at_records(self) -> None:
        """Fill each record's foreign-key caches: loaded records first, then bulk queries."""
        by_target = {}
        for (model, pk), instance in self.records.items():
            by_target[model, model._meta.pk.name, pk] = instance
        wanted = defaultdict(list)  # (model, field name) -> [(instance, field, value)]
        for instance in self.records.values():
            for field in foreign_keys(type(instance)):
                value = getattr(instance, field.attname)
                if value is None or field.is_cached(instance):
                    continue
                target = field.remote_field.model._meta.concrete_model
                target_field = field.target_field.name
                related = by_target.get((target, target_field, value))
                if related is not None:
                    field.set_cached_value(instance, related)
                else:
                    wanted[target, target_field].append((instance, field, value))
        for (target, target_field), links in wanted.items():
            # With their own foreign keys: a new poster's clean() reads its session's conference.
            found = target._base_manager.using(self.using)
            if related := [field.name for field in foreign_keys(target)]:
                found = found.select_related(*related)
            found = found.in_bulk({value for _, _, value in links}, field_name=target_field)
            for instance, field, value in links:
                if value in found:
                    field.set_cached_value(instance, found[value])


def describe(problems: list[tuple[models.Model, dict[str, list[str]]]]) -> str:
    count = len(problems)
    lines = [
        f"{count} record{'s' if count != 1 else ''} {'do' if count != 1 else 'does'} not pass"
        " validation; nothing was loaded:"
    ]
    for instance, errors in problems[:LISTED_RECORDS]:
        name = record_name(instance)
        for field, messages in errors.items():
            where = "" if field == NON_FIELD_ERRORS else f" {field}"
            lines.extend(f"  {name}{where}: {message}" for message in messages)
    if count > LISTED_RECORDS:
        lines.append(f"  … and {count - LISTED_RECORDS} more.")
    return "\n".join(lines)
