"""Full-text search documents for contributions, sessions and people, kept in sync by triggers.

What a document holds (``program/models/search.py`` gives the ranking weights):

- a contribution: its title (A), its people's names (B), abstract (C), keywords (D) and the
  titles of the sessions it is presented in (D);
- a session: its title (A) and description (C);
- a person: their name (A) and affiliation (C).

PostgreSQL: a table per kind with a ``tsvector`` of the ``unaccent``-ed text (the 'simple'
configuration: no stemming and no stop words, so a word prefix stays a word prefix) under a GIN
index. A stored column, not a functional index: the document reads other tables (a paper's
authors, its sessions), which neither an index expression nor a generated column may do.
Statement-level triggers with transition tables refresh the documents a statement touched in one
set-based query, whatever the number of rows (a bulk_create of 20,000 authorships is one refresh).

SQLite: an FTS5 table per kind (``unicode61 remove_diacritics 2``: "bother" finds "Böther"; prefix
indexes for 2 and 3 letters), its rowid the object's id, behind a view that gives it the same
columns as PostgreSQL's table. SQLite has only row-level triggers; each refreshes one document.

Triggers, not code, because every path writes: the admin and its inlines, the API, services, the
importer's bulk writes, loaddata and raw SQL. Adding tables and triggers rebuilds no table, so
the triggers of 0002 and 0012 are untouched. The documents of existing rows are filled here.
"""

import django.db.models.deletion
from django.db import migrations, models

import program.search.fulltext
from program.migrations._triggers import Triggers

# SQLite ----------------------------------------------------------------------------------------

SQLITE_CONTRIBUTION_COLUMNS = """
    c.title,
    coalesce((SELECT group_concat(p.name, ' ') FROM program_authorship a
              JOIN program_person p ON p.id = a.person_id WHERE a.contribution_id = c.id), ''),
    c.abstract,
    coalesce((SELECT group_concat(k.value, ' ') FROM json_each(c.keywords) k), ''),
    coalesce((SELECT group_concat(s.title, ' ') FROM program_session s WHERE s.id IN (
              SELECT session_id FROM program_poster WHERE contribution_id = c.id
              UNION SELECT session_id FROM program_talk WHERE contribution_id = c.id)), '')
"""


def sqlite_index(kind: str, columns: list[str], source: str, select: str) -> list[str]:
    table = f"program_{kind}_fts"
    return [
        f"""
        CREATE VIRTUAL TABLE {table} USING fts5(
            {", ".join(columns)}, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        )
        """,
        f"""
        CREATE VIEW program_{kind}search AS
        SELECT rowid AS {kind}_id, {table} AS document FROM {table}
        """,
        # Fill for the rows already there.
        f"INSERT INTO {table} (rowid, {', '.join(columns)}) SELECT {select} FROM {source}",
    ]


def sqlite_refresh(kind: str, columns: list[str], source: str, select: str, ids: str) -> str:
    """Statements (for a trigger body) that rewrite the documents of the ids ``ids`` selects."""
    table = f"program_{kind}_fts"
    alias = source.split()[-1]
    return f"""
        DELETE FROM {table} WHERE rowid IN ({ids});
        INSERT INTO {table} (rowid, {", ".join(columns)})
        SELECT {select} FROM {source} WHERE {alias}.id IN ({ids});
    """


def sqlite_trigger(name: str, event: str, table: str, body: str) -> str:
    return f"""
        CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW
        BEGIN {body} END
    """


CONTRIBUTION = (
    "contribution",
    ["title", "people", "abstract", "keywords", "sessions"],
    "program_contribution c",
    f"c.id, {SQLITE_CONTRIBUTION_COLUMNS}",
)
SESSION = ("session", ["title", "description"], "program_session s", "s.id, s.title, s.description")
PERSON = ("person", ["name", "affiliation"], "program_person p", "p.id, p.name, p.affiliation")


def contributions(ids: str) -> str:
    return sqlite_refresh(*CONTRIBUTION, ids)


def sqlite_own_triggers(kind, columns, source, select, fields: str) -> list[str]:
    """A document that reads only its own row: refreshed on insert and on an update of
    ``fields``, removed on delete."""
    table, fts = source.split()[0], f"program_{kind}_fts"
    return [
        sqlite_trigger(
            f"program_{kind}_search_insert",
            "INSERT",
            table,
            sqlite_refresh(kind, columns, source, select, "NEW.id"),
        ),
        sqlite_trigger(
            f"program_{kind}_search_update",
            f"UPDATE OF {fields}",
            table,
            sqlite_refresh(kind, columns, source, select, "NEW.id"),
        ),
        sqlite_trigger(
            f"program_{kind}_search_delete",
            "DELETE",
            table,
            f"DELETE FROM {fts} WHERE rowid = OLD.id;",
        ),
    ]


def items_of_session(session: str) -> str:
    return (
        f"SELECT contribution_id FROM program_poster WHERE session_id = {session}"
        f" UNION SELECT contribution_id FROM program_talk WHERE session_id = {session}"
    )


SQLITE = [
    *sqlite_index(*CONTRIBUTION),
    *sqlite_index(*SESSION),
    *sqlite_index(*PERSON),
    *sqlite_own_triggers(*CONTRIBUTION, "title, abstract, keywords"),
    *sqlite_own_triggers(*SESSION, "title, description"),
    *sqlite_own_triggers(*PERSON, "name, affiliation"),
    # A contribution's people, by their places on it and by their names.
    sqlite_trigger(
        "program_authorship_search_insert",
        "INSERT",
        "program_authorship",
        contributions("NEW.contribution_id"),
    ),
    sqlite_trigger(
        "program_authorship_search_update",
        "UPDATE OF contribution_id, person_id",
        "program_authorship",
        contributions("OLD.contribution_id, NEW.contribution_id"),
    ),
    sqlite_trigger(
        "program_authorship_search_delete",
        "DELETE",
        "program_authorship",
        contributions("OLD.contribution_id"),
    ),
    sqlite_trigger(
        "program_person_contributions_search_update",
        "UPDATE OF name",
        "program_person",
        contributions("SELECT contribution_id FROM program_authorship WHERE person_id = NEW.id"),
    ),
    # A contribution's sessions, by its posters and talks and by the sessions' titles.
    *[
        trigger
        for item in ("poster", "talk")
        for trigger in (
            sqlite_trigger(
                f"program_{item}_search_insert",
                "INSERT",
                f"program_{item}",
                contributions("NEW.contribution_id"),
            ),
            sqlite_trigger(
                f"program_{item}_search_update",
                "UPDATE OF contribution_id, session_id",
                f"program_{item}",
                contributions("OLD.contribution_id, NEW.contribution_id"),
            ),
            sqlite_trigger(
                f"program_{item}_search_delete",
                "DELETE",
                f"program_{item}",
                contributions("OLD.contribution_id"),
            ),
        )
    ],
    sqlite_trigger(
        "program_session_contributions_search_update",
        "UPDATE OF title",
        "program_session",
        contributions(items_of_session("NEW.id")),
    ),
]

SQLITE_TRIGGER_NAMES = [
    *(
        f"program_{kind}_search_{event}"
        for kind in ("contribution", "session", "person")
        for event in ("insert", "update", "delete")
    ),
    *(
        f"program_{table}_search_{event}"
        for table in ("authorship", "poster", "talk")
        for event in ("insert", "update", "delete")
    ),
    "program_person_contributions_search_update",
    "program_session_contributions_search_update",
]

SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGER_NAMES),
    *(
        f"DROP VIEW IF EXISTS program_{kind}search"
        for kind in ("contribution", "session", "person")
    ),
    *(f"DROP TABLE IF EXISTS program_{kind}_fts" for kind in ("contribution", "session", "person")),
]

# PostgreSQL ------------------------------------------------------------------------------------


def weighted(text: str, label: str) -> str:
    return (
        f"setweight(to_tsvector('simple'::regconfig, program_unaccent(coalesce({text}, ''))),"
        f" '{label}')"
    )


# ``unaccent`` is only STABLE (it reads a dictionary that could change), so PostgreSQL cannot
# fold ``to_tsquery('simple', unaccent('ling') || ':*')`` into a constant when it plans a search,
# and plans it blind (a per-row filter instead of the GIN index). This wrapper names the
# dictionary and promises the same answer for the same text: the usual way to index unaccent.
PG_UNACCENT = """
    CREATE OR REPLACE FUNCTION program_unaccent(text) RETURNS text AS $$
        SELECT public.unaccent('public.unaccent'::regdictionary, $1)
    $$ LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
"""


PG_DOCUMENTS = {
    "contribution": " || ".join(
        [
            weighted("c.title", "A"),
            weighted(
                "(SELECT string_agg(p.name, ' ') FROM program_authorship a"
                " JOIN program_person p ON p.id = a.person_id WHERE a.contribution_id = c.id)",
                "B",
            ),
            weighted("c.abstract", "C"),
            weighted(
                "(SELECT string_agg(k, ' ') FROM jsonb_array_elements_text(CASE WHEN"
                " jsonb_typeof(c.keywords) = 'array' THEN c.keywords ELSE '[]'::jsonb END) k)",
                "D",
            ),
            weighted(
                "(SELECT string_agg(s.title, ' ') FROM program_session s WHERE s.id IN ("
                "SELECT session_id FROM program_poster WHERE contribution_id = c.id"
                " UNION SELECT session_id FROM program_talk WHERE contribution_id = c.id))",
                "D",
            ),
        ]
    ),
    "session": f"{weighted('c.title', 'A')} || {weighted('c.description', 'C')}",
    "person": f"{weighted('c.name', 'A')} || {weighted('c.affiliation', 'C')}",
}


def pg_index(kind: str) -> list[str]:
    """The table, its GIN index, and ``program_index_<kind>s(ids)``, which writes (or removes)
    the documents of those ids in one statement each."""
    table = f"program_{kind}search"
    return [
        f"CREATE TABLE {table} ({kind}_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        # Without fastupdate: a search never scans a long list of pending entries (writes are
        # few and set-based, searches many).
        f"CREATE INDEX {table}_document ON {table} USING gin (document) WITH (fastupdate = off)",
        f"""
        CREATE OR REPLACE FUNCTION program_index_{kind}s(ids bigint[]) RETURNS void AS $$
        BEGIN
            DELETE FROM {table} WHERE {kind}_id = ANY(ids)
              AND NOT EXISTS (SELECT 1 FROM program_{kind} WHERE id = {kind}_id);
            INSERT INTO {table} ({kind}_id, document)
            SELECT c.id, {PG_DOCUMENTS[kind]} FROM program_{kind} c WHERE c.id = ANY(ids)
            ON CONFLICT ({kind}_id) DO UPDATE SET document = EXCLUDED.document;
        END $$ LANGUAGE plpgsql
        """,
        f"SELECT program_index_{kind}s(ARRAY(SELECT id FROM program_{kind}))",
    ]


def pg_triggers(table: str, kind: str, *, inserted: str, updated: str, deleted: str) -> list[str]:
    """Statement-level triggers on ``table`` refreshing the documents of ``kind`` whose ids the
    queries select from the transition tables ``new_rows`` and ``old_rows`` (PostgreSQL allows
    transition tables only on single-event triggers, hence three)."""
    function = f"program_{table}_{kind}_search"
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM program_index_{kind}s(ARRAY({inserted}));
            ELSIF TG_OP = 'UPDATE' THEN
                PERFORM program_index_{kind}s(ARRAY({updated}));
            ELSE
                PERFORM program_index_{kind}s(ARRAY({deleted}));
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql
        """
    ]
    for event, referencing in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
    ):
        statements.append(
            f"""
            CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON program_{table}
            REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()
            """
        )
    return statements


def changed(*fields: str) -> str:
    """Rows of an UPDATE where one of ``fields`` changed."""
    condition = " OR ".join(f"n.{field} IS DISTINCT FROM o.{field}" for field in fields)
    return f"new_rows n JOIN old_rows o ON o.id = n.id WHERE {condition}"


PG_ITEMS_OF_SESSIONS = (
    "SELECT i.contribution_id FROM program_poster i WHERE i.session_id IN ({sessions})"
    " UNION SELECT i.contribution_id FROM program_talk i WHERE i.session_id IN ({sessions})"
)

POSTGRESQL = [
    PG_UNACCENT,
    *pg_index("contribution"),
    *pg_index("session"),
    *pg_index("person"),
    *pg_triggers(
        "contribution",
        "contribution",
        inserted="SELECT id FROM new_rows",
        updated=f"SELECT n.id FROM {changed('title', 'abstract', 'keywords')}",
        deleted="SELECT id FROM old_rows",
    ),
    *pg_triggers(
        "session",
        "session",
        inserted="SELECT id FROM new_rows",
        updated=f"SELECT n.id FROM {changed('title', 'description')}",
        deleted="SELECT id FROM old_rows",
    ),
    *pg_triggers(
        "person",
        "person",
        inserted="SELECT id FROM new_rows",
        updated=f"SELECT n.id FROM {changed('name', 'affiliation')}",
        deleted="SELECT id FROM old_rows",
    ),
    *pg_triggers(
        "authorship",
        "contribution",
        inserted="SELECT contribution_id FROM new_rows",
        updated="SELECT contribution_id FROM new_rows UNION SELECT contribution_id FROM old_rows",
        deleted="SELECT contribution_id FROM old_rows",
    ),
    *pg_triggers(
        "person",
        "contribution",
        inserted="SELECT NULL::bigint WHERE false",
        updated="SELECT a.contribution_id FROM program_authorship a WHERE a.person_id IN"
        f" (SELECT n.id FROM {changed('name')})",
        deleted="SELECT NULL::bigint WHERE false",
    ),
    *[
        statement
        for item in ("poster", "talk")
        for statement in pg_triggers(
            item,
            "contribution",
            inserted="SELECT contribution_id FROM new_rows",
            updated="SELECT n.contribution_id FROM"
            f" {changed('contribution_id', 'session_id')}"
            " UNION SELECT o.contribution_id FROM"
            f" {changed('contribution_id', 'session_id')}",
            deleted="SELECT contribution_id FROM old_rows",
        )
    ],
    *pg_triggers(
        "session",
        "contribution",
        inserted="SELECT NULL::bigint WHERE false",
        updated=PG_ITEMS_OF_SESSIONS.format(sessions=f"SELECT n.id FROM {changed('title')}"),
        deleted="SELECT NULL::bigint WHERE false",
    ),
]

PG_TRIGGERS = [
    ("contribution", "contribution"),
    ("session", "session"),
    ("person", "person"),
    ("authorship", "contribution"),
    ("person", "contribution"),
    ("poster", "contribution"),
    ("talk", "contribution"),
    ("session", "contribution"),
]

POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS program_{table}_{kind}_search_{event} ON program_{table}"
        for table, kind in PG_TRIGGERS
        for event in ("insert", "update", "delete")
    ),
    *(f"DROP FUNCTION IF EXISTS program_{table}_{kind}_search()" for table, kind in PG_TRIGGERS),
    *(
        f"DROP FUNCTION IF EXISTS program_index_{kind}s(bigint[])"
        for kind in ("contribution", "session", "person")
    ),
    *(
        f"DROP TABLE IF EXISTS program_{kind}search"
        for kind in ("contribution", "session", "person")
    ),
    "DROP FUNCTION IF EXISTS program_unaccent(text)",
]

TRIGGERS = Triggers({"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)})
# A later migration that makes SQLite rebuild one of the source tables calls these again (which
# rebuilds the documents from scratch).
install, uninstall = TRIGGERS.install, TRIGGERS.uninstall


def search_model(name: str, target: str) -> migrations.CreateModel:
    return migrations.CreateModel(
        name=f"{name}Search",
        fields=[
            ("document", program.search.fulltext.SearchDocumentField()),
            (
                target,
                models.OneToOneField(
                    db_constraint=False,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    primary_key=True,
                    related_name="search_document",
                    serialize=False,
                    to=f"program.{name.lower()}",
                ),
            ),
        ],
        options={"db_table": f"program_{name.lower()}search", "abstract": False, "managed": False},
    )


class Migration(migrations.Migration):
    dependencies = [("program", "0014_pending_imports")]

    operations = [
        search_model("Contribution", "contribution"),
        search_model("Session", "session"),
        search_model("Person", "person"),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
