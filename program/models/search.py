"""Search documents: one per contribution, session and person, written only by the database.

Unmanaged: migration 0015 creates them (a table with a GIN-indexed ``tsvector`` on PostgreSQL, an
FTS5 table behind a view on SQLite) with the triggers that keep them in sync, and fills them.
Querysets reach them through ``search_document`` (``program/search/fulltext.py`` says how they
match and rank); nothing else reads or writes them.
"""

from __future__ import annotations

from django.db import models

from program.search.fulltext import Rank, SearchDocumentField


class SearchDocument(models.Model):
    #: (column, PostgreSQL weight label, weight) in the SQLite FTS5 table's column order.
    COLUMNS: list[tuple[str, str, float]]
    #: The FTS5 table behind the view on SQLite.
    FTS_TABLE: str

    document = SearchDocumentField()

    class Meta:
        abstract = True
        managed = False

    def __str__(self) -> str:
        return f"Search document of {self.pk}"

    @classmethod
    def rank(cls, query: str, path: str = "search_document") -> Rank:
        """How well each row matches ``query``, reached through ``path`` ("contribution__...")."""
        return Rank(f"{path}__document", query, columns=cls.COLUMNS)


class ContributionSearch(SearchDocument):
    COLUMNS = [
        ("title", "A", 1.0),
        ("people", "B", 0.8),
        ("abstract", "C", 0.2),
        ("keywords", "D", 0.1),
        ("sessions", "D", 0.1),
    ]

    contribution = models.OneToOneField(
        "program.Contribution",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )

    FTS_TABLE = "program_contribution_fts"

    class Meta(SearchDocument.Meta):
        db_table = "program_contributionsearch"


class SessionSearch(SearchDocument):
    COLUMNS = [("title", "A", 1.0), ("description", "C", 0.2)]

    session = models.OneToOneField(
        "program.Session",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )

    FTS_TABLE = "program_session_fts"

    class Meta(SearchDocument.Meta):
        db_table = "program_sessionsearch"


class PersonSearch(SearchDocument):
    COLUMNS = [("name", "A", 1.0), ("affiliation", "C", 0.2)]

    person = models.OneToOneField(
        "program.Person",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )

    FTS_TABLE = "program_person_fts"

    class Meta(SearchDocument.Meta):
        db_table = "program_personsearch"


class SearchDocumentRouter:
    """Keeps search documents out of fixtures: ``dumpdata`` would write them (it skips proxy
    models, not unmanaged ones) and ``loaddata`` would write them into the index. Everything
    else is left to the default (None)."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        model = hints.get("model")
        if model is not None and issubclass(model, SearchDocument):
            return False
        return None
