"""The ``seed`` fixture writes the seed back from rows kept once (tests/seed.py) instead of running
``load_program`` for every test: the database must then be exactly as ``load_program`` leaves it."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction

from program import changes
from program.models import Conference, Contribution
from program.models.search import SearchDocument
from tests import seed as seeding
from tests.factories import ConferenceFactory

LOADED_AT = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def every_model():
    """Every table the project can see, the search documents (written by triggers) included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and not model._meta.swapped
    ]


def database_state() -> dict:
    """Every row of every table, with each primary and foreign key replaced by the row's rank
    in its table (keys differ from one load to the next on PostgreSQL, whose sequences are not
    rolled back), and the refreshes queued for after the commit."""
    models = every_model()
    ranks = {
        model: {
            pk: rank
            for rank, pk in enumerate(
                model._base_manager.order_by("pk").values_list("pk", flat=True)
            )
        }
        for model in models
    }
    state = {}
    for model in models:
        if issubclass(model, SearchDocument):
            state[model._meta.label] = search_documents(model, ranks[model._meta.pk.related_model])
            continue
        fields = model._meta.concrete_fields
        rows = []
        for values in model._base_manager.order_by("pk").values_list(*(f.attname for f in fields)):
            row = {}
            for field, value in zip(fields, values, strict=True):
                if field.primary_key and not field.is_relation:
                    value = ranks[model][value]
                elif field.is_relation and value is not None:
                    value = ranks[field.related_model].get(value, ("missing", value))
                row[field.attname] = value
            rows.append(row)
        state[model._meta.label] = rows
    # The change is said once, for after the commit (program/changes.py).
    # (A rolled-back load's conference is gone: its pending change names no row.)
    pending = changes._pending.changes.items()
    state["pending"] = {
        ranks[Conference][pk]: papers for pk, papers in pending if pk in ranks[Conference]
    }
    return state


def search_documents(model, ranks: dict) -> list[tuple]:
    """What the triggers wrote for each row: the FTS5 table's columns on SQLite (the view's
    ``document`` is a handle, not the text), the ``tsvector`` as text on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            columns = ", ".join(column for column, _label, _weight in model.COLUMNS)
            cursor.execute(f"SELECT rowid, {columns} FROM {model.FTS_TABLE} ORDER BY rowid")
        else:
            key = model._meta.pk.column
            cursor.execute(
                f"SELECT {key}, document::text FROM {model._meta.db_table} ORDER BY {key}"
            )
        return [(ranks.get(key, ("missing", key)), *rest) for key, *rest in cursor.fetchall()]


def state_after(write) -> dict:
    """The database as ``write`` leaves it, at a fixed moment; then rolled back."""
    with time_machine.travel(LOADED_AT, tick=False), transaction.atomic():
        write()
        connection.check_constraints()  # every foreign key finds its row
        state = database_state()
        transaction.set_rollback(True)
    return state


@pytest.fixture
def snapshot(db, seed_rows):
    """The rows every ``seed`` is written from, kept at the run's first use of the seed: another
    moment than the one loaded and restored at here, so the loading moment (the conference's
    program_changed_at, the sessions' changed_at) must be the restore's own."""
    return seed_rows


def test_a_restored_seed_is_what_load_program_leaves(snapshot):
    assert snapshot is not None, "the seed's load can no longer be replayed from its rows"
    loaded = state_after(seeding.load)
    restored = state_after(lambda: seeding.restore(snapshot))
    assert restored == loaded
    assert len(loaded["program.Contribution"]) == 21
    assert len(loaded["program.ContributionSearch"]) == 21
    assert loaded["program.Conference"][0]["program_changed_at"] == LOADED_AT
    assert loaded["pending"] == {0: True}


def test_a_restored_seed_answers_searches_as_a_loaded_one(snapshot):
    """The search documents are the triggers' work: the same ranked answers either way."""
    answers = []

    def search():
        for query in ("bother", "federated learning", "ana klimovic", "speculative"):
            ranked = Contribution.objects.search(query).order_by("-search_rank", "title")
            answers[-1].append(list(ranked.values_list("title", "search_rank")))

    def loaded():
        answers.append([])
        seeding.load()
        search()

    def restored():
        answers.append([])
        seeding.restore(snapshot)
        search()

    state_after(loaded)
    state_after(restored)
    assert answers[0] == answers[1]
    assert answers[0][0] and answers[0][1]


def test_a_restored_seed_keeps_the_keys_it_was_loaded_with(snapshot):
    """Rows refer to each other by the keys kept, whatever the sequences say by now."""
    with transaction.atomic():
        ConferenceFactory(slug="before").delete()  # the sequence moves on
        assert seeding.restore(snapshot)
        for table in snapshot.tables:
            kept = [row[table.model._meta.pk.attname] for row in table.rows]
            assert list(table.model.objects.order_by("pk").values_list("pk", flat=True)) == kept
        connection.check_constraints()
        transaction.set_rollback(True)


def test_a_restored_seed_commits_and_what_is_made_next_gets_new_keys(transactional_db, seed_rows):
    """As in the browser tests: the restore commits, after earlier tests moved the sequences."""
    ConferenceFactory(slug="before").delete()
    assert seeding.restore(seed_rows)
    conference = Conference.objects.get(slug="mlsys2025")
    assert conference.sessions.count() == 7
    assert ConferenceFactory(slug="after").pk > conference.pk


def test_where_the_seeds_tables_hold_rows_already_load_program_runs_instead(snapshot):
    with transaction.atomic():
        ConferenceFactory(slug="other")
        assert seeding.restore(snapshot) is False
        assert not Conference.objects.filter(slug="mlsys2025").exists()
        transaction.set_rollback(True)


def test_the_seed_says_its_program_changed_once_for_after_the_commit(seed):
    """Similar papers and exports follow once the load commits (program/changes.py)."""
    assert changes._pending.changes.get(seed.pk) is True
