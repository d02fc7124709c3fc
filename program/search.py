"""Case- and accent-insensitive substring matching, the same on SQLite and PostgreSQL: the admin's
search boxes use it. The site's and the API's searches match word prefixes and rank instead
(``program/fulltext.py``).

"bother" finds "Böther" and "xgrammar" finds "XGrammar": both sides are folded to lower case
without accents. PostgreSQL folds with ``lower(unaccent(...))`` (the unaccent extension, created
by migration 0004); SQLite calls the Python ``fold`` below, registered on each new connection.
Register with ``field__folded__contains=fold(term)``.
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.utils.html import escape

SQLITE_FUNCTION = "program_fold"


def fold(text: str | None) -> str | None:
    """Lower case, accents removed: "Maximilian Böther" -> "maximilian bother"."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Folded(models.Transform):
    lookup_name = "folded"

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"LOWER({sql})", params

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"{SQLITE_FUNCTION}({sql})", params

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        return f"LOWER(UNACCENT({sql}))", params


def register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def install() -> None:
    """Called once from ProgramConfig.ready()."""
    models.CharField.register_lookup(Folded)
    models.TextField.register_lookup(Folded)
    connection_created.connect(register_sqlite_function, dispatch_uid="program-search-fold")


def terms(query: str) -> list[str]:
    """The folded words of a query, for marking them in results (``highlight``)."""
    return [word for word in (fold(query) or "").split() if word]


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped, with each folded word's matches in ``<mark>`` ("bother" marks "Böther").

    Matching runs on the folded text, one original character at a time, so a mark always covers
    whole original characters and the escaping is never split.
    """
    if not text or not words:
        return escape(text or "")
    folded, origin = [], []
    for index, character in enumerate(text):
        piece = fold(character) or ""
        folded.append(piece)
        origin.extend([index] * len(piece))
    haystack = "".join(folded)
    marked = [False] * len(text)
    for word in words:
        start = haystack.find(word)
        while start != -1:
            for position in range(start, start + len(word)):
                marked[origin[position]] = True
            start = haystack.find(word, start + len(word))
    out, inside = [], False
    for character, is_marked in zip(text, marked, strict=True):
        if is_marked != inside:
            out.append("<mark>" if is_marked else "</mark>")
            inside = is_marked
        out.append(escape(character))
    if inside:
        out.append("</mark>")
    return "".join(out)
