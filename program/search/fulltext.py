"""Ranked full-text search: word-prefix matching over search documents the database updates itself.

Triggers (migration 0015) update each searchable model's document on every write path: a weighted
``tsvector`` of ``unaccent``-ed text under a GIN index on PostgreSQL, an FTS5 table on SQLite.
Both backends must match and rank alike: every query word must start a word of the document, and
the user's text is only ever a list of words passed as parameters, never operators. The README's
"Search" gives the rules with examples.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models

#: A word as both databases cut text into words: letters and digits (an underscore separates).
WORD = re.compile(r"[^\W_]+")
#: More words than this narrow nothing further; the rest are ignored.
MAX_WORDS = 16
#: Words this long or shorter match whole words only.
WHOLE_WORD_LENGTH = 1


def words(query: str) -> list[str]:
    """The distinct words of a query, in order: '"a" OR b*' -> ["a", "OR", "b"]."""
    found = WORD.findall(unicodedata.normalize("NFC", query or ""))
    return list(dict.fromkeys(found))[:MAX_WORDS]


def is_prefix(word: str) -> bool:
    """Whether ``word`` matches as a prefix: a word of one letter or digit must be whole ("i"
    finds "Part I", not every "in")."""
    return len(word) > WHOLE_WORD_LENGTH


def fts5_query(query: str) -> str:
    """An FTS5 query that ANDs each word as a quoted prefix: 'ling liu' -> '"ling"* "liu"*'."""
    terms = []
    for word in words(query):
        quoted = '"' + word.replace('"', '""') + '"'
        terms.append(quoted + "*" if is_prefix(word) else quoted)
    return " ".join(terms)


def tsquery_sql(query: str) -> tuple[str, list[str]]:
    """SQL for a PostgreSQL ``tsquery`` that ANDs each word as a prefix, with the words as
    parameters: ``quote_literal`` makes whatever ``unaccent`` turns a word into one lexeme (or a
    phrase), never syntax. ``program_unaccent`` (migration 0015) is immutable, so the planner
    folds it all into a constant and estimates the match from the index's statistics."""
    parts, params = [], []
    for word in words(query):
        parts.append("to_tsquery('simple'::regconfig, quote_literal(program_unaccent(%s)) || %s)")
        params += [word, ":*" if is_prefix(word) else ""]
    if not parts:
        return "''::tsquery", []
    return "(" + " && ".join(parts) + ")", params


class SearchDocumentField(models.Field):
    """The search document of an unmanaged search model: a ``tsvector`` on PostgreSQL, the FTS5
    table's own hidden column on SQLite. Only ``matches`` and ``Rank`` read it."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else None


@SearchDocumentField.register_lookup
class Matches(models.Lookup):
    """``document__matches="ling liu"``: every word is a word prefix in the document."""

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            sql, params = tsquery_sql(self.rhs)
            return f"{lhs} @@ {sql}", [*lhs_params, *params]
        if connection.vendor == "sqlite":
            query = fts5_query(self.rhs)
            if not query:
                return "0 = 1", []
            sql, params = f"{lhs} MATCH %s", [*lhs_params, query]
            # The same match as a list of ids for the row the document belongs to. Without
            # statistics (ANALYZE) SQLite guesses that a conference has ten people and would
            # look each of its 20,000 up in the index (seconds); with the list it reads the
            # matching rows only, whatever order it joins in.
            join = compiler.query.alias_map.get(self.lhs.alias)
            if getattr(join, "parent_alias", None):
                ((owner_column, _),) = join.join_cols
                quote = compiler.quote_name
                owner = f"{quote(join.parent_alias)}.{quote(owner_column)}"
                fts = self.lhs.target.model.FTS_TABLE
                sql += f" AND {owner} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
                params.append(query)
            return sql, params
        raise NotImplementedError(f"No full-text search on {connection.vendor}.")


class Rank(models.Func):
    """How well a document matches a query, higher is better: ``ts_rank_cd`` with a weight per
    label A-D on PostgreSQL (cover density: the words of "ling liu" side by side in one name rank
    above "Lingering" in a title and "Liu" in the authors), ``bm25`` with a weight per column on
    SQLite (negated: bm25 is lower for better matches). ``columns`` are the index's (column,
    label, weight) in table order."""

    output_field = models.FloatField()

    def __init__(self, document: str, query: str, *, columns: list[tuple[str, str, float]]):
        self.columns = columns
        self.query = query
        super().__init__(models.F(document))

    def as_postgresql(self, compiler, connection, **extra_context):
        document, document_params = compiler.compile(self.source_expressions[0])
        sql, params = tsquery_sql(self.query)
        by_label = {}
        for _, label, weight in self.columns:
            by_label.setdefault(label, weight)
        # ts_rank takes weights between 0 and 1 for {D, C, B, A}.
        weights = ", ".join(str(float(by_label.get(label, 0.0))) for label in "DCBA")
        return f"ts_rank_cd(ARRAY[{weights}]::float4[], {document}, {sql})", [
            *document_params,
            *params,
        ]

    def as_sqlite(self, compiler, connection, **extra_context):
        document, document_params = compiler.compile(self.source_expressions[0])
        weights = ", ".join(str(float(weight)) for _, _, weight in self.columns)
        return f"-bm25({document}, {weights})", document_params


def in_rank_order(queryset: models.QuerySet) -> models.QuerySet:
    """A searched queryset with the best matches first; ties keep its own order (program order,
    names, titles)."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by("-search_rank", *ordering)
