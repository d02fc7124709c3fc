"""Fresh planner statistics after a bulk write of a program (an import, a generated program).

PostgreSQL plans each query from statistics of its tables that autovacuum refreshes some time
after a change. Right after thousands of rows arrive they still describe the tables as they
were: measured on the generated program (20,000 people), the planner expected 6 people in the
conference, looked each of the 20,000 up one by one and a search took 325 ms (p50) instead of
165 ms after ``ANALYZE``. So an import analyzes the program's tables once it has committed.
SQLite keeps no statistics unless asked, and the search queries are written not to need them
(program/search/fulltext.py): nothing is done there.
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
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(apps.get_model("program", name)._meta.db_table) for name in TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")


def analyze_after_commit() -> None:
    transaction.on_commit(analyze)
