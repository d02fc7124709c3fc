"""The seed program (settings.PROGRAM_FIXTURE), written back fast for each test that asks for it.

``load_program`` of the seed runs about 2,000 queries: 0.5 s on SQLite, 1.2 s on PostgreSQL, for
some 500 tests. So the first load in a run is rolled back and the rows it wrote are kept
(``capture``); each test then gets them back in one bulk insert per table (``restore``: 40-70
ms). ``tests/test_seed.py`` checks that a restore leaves the database exactly as
``load_program`` does; where it cannot, ``load_program`` runs as before.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.models import signals

from program import changes


@dataclass
class Table:
    model: type[models.Model]
    #: Each row as attname -> value, in primary key order (the order load_program wrote them).
    rows: list[dict]
    #: Fields the fixture leaves out (the primary key aside): they take their default again
    #: at each restore.
    defaulted: list[models.Field] = field(default_factory=list)


@dataclass
class Snapshot:
    #: In the order the fixture loads them (parents before children).
    tables: list[Table]


def fixture_models() -> tuple[list[type[models.Model]], dict[type[models.Model], set[str]]]:
    """The fixture's models in loading order, and the fields each one's records give."""
    records = json.loads(settings.PROGRAM_FIXTURE.read_text(encoding="utf-8"))
    order: list[type[models.Model]] = []
    given: dict[type[models.Model], set[str]] = {}
    for record in records:
        model = apps.get_model(record["model"])
        if model not in given:
            order.append(model)
            given[model] = set()
        given[model].update(record.get("fields", {}))
        if "pk" in record:
            given[model].add(model._meta.pk.name)
    return order, given


def managed_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def row_counts(using: str) -> dict[type[models.Model], int]:
    return {model: model._base_manager.using(using).count() for model in managed_models()}


def load(using: str = "default") -> None:
    """The seed as the suite always loaded it."""
    call_command("load_program", str(settings.PROGRAM_FIXTURE), verbosity=0, database=using)


def capture(using: str = "default") -> Snapshot | None:
    """Load the seed with load_program in a transaction that is rolled back; keep what it wrote.

    None when the load cannot be replayed from its rows: a table it wrote was not empty before,
    or it wrote to a table that is not one of the fixture's models (something other than the
    database's triggers reacts to a load). The suite then keeps using load_program."""
    order, given = fixture_models()
    with transaction.atomic(using=using):
        before = row_counts(using)
        load(using)
        after = row_counts(using)
        changed = {model for model in after if after[model] != before[model]}
        if not changed <= set(order) or any(before[model] for model in order):
            transaction.set_rollback(True, using=using)
            return None
        tables = []
        for model in order:
            fields = model._meta.concrete_fields
            rows = list(
                model._base_manager.using(using).order_by("pk").values(*(f.attname for f in fields))
            )
            # Keys are kept: the fixture names records by natural key, but the rows that refer
            # to them hold the keys they were given.
            defaulted = [f for f in fields if f.name not in given[model] and not f.primary_key]
            tables.append(Table(model=model, rows=rows, defaulted=defaulted))
        transaction.set_rollback(True, using=using)
    return Snapshot(tables=tables)


def restore(snapshot: Snapshot, using: str = "default") -> bool:
    """Write the captured seed back as load_program would have written it; False (nothing written)
    when a table the seed fills already holds rows (a test made some before asking for the seed,
    or the captured load wrote to a table no one expected): the caller loads the seed instead.

    What ``load_program`` does around its writes is done the same way:

    - fields the fixture does not give take their defaults again (the conference's
      ``program_changed_at`` is the loading moment);
    - ``pre_save`` and ``post_save`` are sent for every record with ``raw=True``;
    - the database's own triggers fill the search documents;
    - sequences are reset to the loaded rows, and the change is said once
      (``program.changes.program_changed``, as ``load_program`` does).
    """
    if any(table.model._base_manager.using(using).exists() for table in snapshot.tables):
        return False
    with transaction.atomic(using=using):
        for table in snapshot.tables:
            model = table.model
            objects = []
            for row in table.rows:
                values = copy.deepcopy(row)
                for defaulted in table.defaulted:
                    values[defaulted.attname] = defaulted.get_default()
                objects.append(model(**values))
            for instance in objects:
                signals.pre_save.send(
                    sender=model, instance=instance, raw=True, using=using, update_fields=None
                )
            model._base_manager.using(using).bulk_create(objects)
            for instance in objects:
                signals.post_save.send(
                    sender=model,
                    instance=instance,
                    created=True,
                    raw=True,
                    using=using,
                    update_fields=None,
                )
        # What load_program does once every record is in: sequences after the loaded keys (as
        # Django's loaddata), and the change said once (its own).
        connection = connections[using]
        statements = connection.ops.sequence_reset_sql(
            no_style(), [table.model for table in snapshot.tables]
        )
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        Conference = apps.get_model("program", "Conference")
        conferences = Conference.objects.using(using).values_list("pk", flat=True)
        changes.program_changed(list(conferences), None, using=using)
    return True
