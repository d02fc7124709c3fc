"""Fresh PostgreSQL planner statistics after a bulk write of a program (an import, a
generated program).

Right after thousands of rows arrive, the statistics autovacuum refreshes still describe the
tables as they were and the planner picks slow plans, so an import runs ``ANALYZE`` on the
program's tables once it has committed (docs/scale.md, "Import", has the measurement). On SQLite
nothing is done: the search queries are written not to need statistics.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction

TABLES = [
    "Conference",
    "Room",
    "Track",
    "Person",
    "Session",
    "Contribution",
    "Authorship",
    "Poster",
    "Talk",
    "ContributionSearch",
    "SessionSearch",
    "PersonSearch",
]


def analyze() -> None:
    """``ANALYZE`` the program's tables on PostgreSQL; on SQLite nothing (it has no statistics
    unless asked, and program/search/fulltext.py does not need them)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(apps.get_model("program", name)._meta.db_table) for name in TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")


def analyze_after_commit() -> None:
    transaction.on_commit(analyze)
