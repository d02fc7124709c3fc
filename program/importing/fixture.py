"""Our own format: a conference's ``manage.py export_conference`` file, imported with a preview.

The file is a natural-key fixture, loaded by ``load_program`` (Django's loaddata, validating each
record). Around the load, as other imports do: a report comparing the conference's records
before and after by natural key (a dry run rolls the load back); removal of what the file no
longer has (rooms, tracks and people stay); authorships replaced, so swapped authors do not
collide on unique keys. Records keep their uids, so attendees' saved items stay saved."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError
from django.db import transaction

from program import planner
from program.changes import conference_changed
from program.importing.applying import (
    PROGRAM_RECORDS,
    Change,
    ImportProblem,
    RemovalsNotConfirmed,
    Report,
    _DryRun,
)
from program.importing.readers import ReadError
from program.importing.signals import program_imported
from program.interchange.exporting import conference_records
from program.models import Authorship, Conference, Contribution, Poster, Session, Talk

#: What an export of one conference holds, and what a removal may take away.
MODELS = {
    f"program.{name}"
    for name in (
        "conference",
        "person",
        "room",
        "track",
        "session",
        "contribution",
        "authorship",
        "poster",
        "talk",
    )
}
REMOVABLE = {"session": Session, "contribution": Contribution, "poster": Poster, "talk": Talk}
#: A poster's or talk's fields that place it: a change to one is a move.
PLACE = {"session", "starts_at", "ends_at", "room"}


def is_fixture(data) -> bool:
    """A JSON list of Django records (``{"model": ..., "fields": ...}``)."""
    return (
        isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "model" in data[0]
    )


def check_records(records, slug: str) -> None:
    """The file is one conference's export, and that conference is ``slug``."""
    for number, record in enumerate(records, start=1):
        if not (isinstance(record, dict) and isinstance(record.get("fields"), dict)):
            raise ReadError(f"record {number}: not a record with a model and fields")
        if record.get("model") not in MODELS:
            raise ReadError(
                f"record {number}: {record.get('model')!r} is not part of a conference's export"
            )
    slugs = [r["fields"].get("slug") for r in records if r["model"] == "program.conference"]
    if len(slugs) != 1:
        raise ReadError(f"The file holds {len(slugs)} conferences; an export holds one.")
    if slugs[0] != slug:
        # Every record names its conference by slug (natural keys): the file loads as that one.
        raise ReadError(
            f"This file is the conference {slugs[0]!r}; import it with --conference {slugs[0]}."
        )


def record_key(record: dict) -> tuple:
    """A record's natural key, read from its fields (as each model's ``natural_key()``)."""
    fields, model = record["fields"], record["model"]
    if "uid" in fields:
        return (model, fields["uid"])
    if model == "program.conference":
        return (model, fields["slug"])
    if model == "program.authorship":
        return (model, tuple(fields["contribution"]), fields["position"])
    return (model, tuple(fields["conference"]), fields.get("slug") or fields.get("name"))


def keyed(conference: Conference | None) -> dict[tuple, dict]:
    if conference is None:
        return {}
    return {record_key(r): r["fields"] for r in conference_records(conference)}


def import_fixture(
    data: bytes, records: list, *, slug: str, dry_run: bool = False, allow_removals: bool = False
) -> Report:
    check_records(records, slug)
    report = Report(conference=slug)
    try:
        with transaction.atomic():
            before = keyed(Conference.objects.filter(slug=slug).first())
            uids = [r["fields"]["uid"] for r in records if r["model"] == "program.contribution"]
            Authorship.objects.filter(
                contribution__conference__slug=slug, contribution__uid__in=uids
            ).delete()
            load(data, records)
            conference = Conference.objects.get(slug=slug)
            remove_the_rest(conference, {record_key(r) for r in records})
            # loaddata's raw saves send no change (program/changes.py): said once here.
            conference_changed(conference)
            planner.analyze_after_commit()
            after = keyed(conference)
            report.created_conference = not before
            report.changes = changes(before, after)
            report.existing = sum(1 for key in before if key[0][8:] in PROGRAM_RECORDS)
            if dry_run:
                raise _DryRun
            if report.removals_need_yes and not allow_removals:
                raise RemovalsNotConfirmed([report.removal_summary()])
            program_imported.send(Conference, conference=conference)
    except _DryRun:
        pass
    return report


def load(data: bytes, records: list) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "program.json"
        path.write_bytes(data)
        try:
            call_command("load_program", str(path), stdout=StringIO(), verbosity=0)
        except CommandError as error:
            raise ImportProblem(str(error).replace(str(path), "the file").splitlines()) from error
        except DeserializationError as error:
            # A value the field cannot hold ("25:00"): Django names the file, not the record.
            raise ImportProblem([unreadable_record(records) or str(error)]) from error


def unreadable_record(records: list) -> str:
    """The first record Django cannot turn into an object, named by its key and the field."""
    for record in records:
        model = apps.get_model(record["model"])
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.is_relation or value is None:
                continue
            try:
                field.to_python(value)
            except ValidationError as error:
                key = record_key(record)
                return f"{key[0].removeprefix('program.')} {key[1]!r}: {name}: {error.messages[0]}"
    return ""


def remove_the_rest(conference: Conference, kept: set[tuple]) -> None:
    for name, model in REMOVABLE.items():
        label = f"program.{name}"
        if name in ("poster", "talk"):
            mine = model.objects.filter(session__conference=conference)
        else:
            mine = model.objects.filter(conference=conference)
        gone = [uid for uid in mine.values_list("uid", flat=True) if (label, str(uid)) not in kept]
        model.objects.filter(uid__in=gone).delete()


def title_of(key: tuple, fields: dict) -> str:
    if key[0] == "program.authorship":  # the person's slug, at their place in the list
        return f"{fields['person'][-1]} (author {fields['position']})"
    return str(fields.get("title") or fields.get("name") or key[1])


def changes(before: dict[tuple, dict], after: dict[tuple, dict]) -> list[Change]:
    found = []
    for key, fields in after.items():
        record = key[0].removeprefix("program.")
        title = title_of(key, fields)
        if key not in before:
            found.append(Change("add", record, str(key[1]), title))
            continue
        changed = {
            name: (before[key].get(name), value)
            for name, value in fields.items()
            if before[key].get(name) != value
        }
        if changed:
            moved = record in ("poster", "talk") and PLACE & changed.keys()
            found.append(Change("move" if moved else "change", record, str(key[1]), title, changed))
    for key, fields in before.items():
        if key not in after:
            record = key[0].removeprefix("program.")
            found.append(Change("remove", record, str(key[1]), title_of(key, fields)))
    return found


def parse(data: bytes) -> list:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReadError(f"This is not valid JSON: {error}") from error
    if not is_fixture(records):
        raise ReadError("This is not a conference's export (a list of records).")
    return records
