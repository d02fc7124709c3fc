"""Case- and accent-insensitive substring matching, the same on SQLite and PostgreSQL: the admin's
search boxes use it. The site's and the API's searches match word prefixes and rank instead
(``program/search/fulltext.py``).

"bother" finds "Böther" and "xgrammar" finds "XGrammar": both sides are folded to lower case
without accents. PostgreSQL folds with ``lower(unaccent(...))`` (the unaccent extension, created
by migration 0004); SQLite calls the Python ``fold`` below, registered on each new connection.
Register with ``field__folded__contains=fold(term)``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.utils.html import escape

from program.search import fulltext

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
    """The folded words of a query as the full-text search reads them ("kv-cache" is "kv" and
    "cache"), for marking them in results (``highlight``)."""
    folded = (fold(word) for word in fulltext.words(query))
    return list(dict.fromkeys(word for word in folded if word))


@functools.lru_cache(maxsize=256)
def _word_starts(words: tuple[str, ...]) -> re.Pattern:
    """Where the words match in folded text as the search matched them: at the start of a word
    ("graph" in "GraphSAGE" and "Graph-based", not in "paragraph"), a one-letter word only
    whole ("i" in "Part I", not in "in")."""
    alternatives = []
    for word in sorted(words, key=len, reverse=True):  # the longest first: "ling" before "lin"
        pattern = re.escape(word)
        if not fulltext.is_prefix(word):
            pattern += r"(?![^\W_])"
        alternatives.append(pattern)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")")


def highlight(text: str, words: list[str]) -> str:
    """``text`` escaped, with the start of each word that matched a folded search word in
    ``<mark>`` ("bother" marks "Böther", "graph" marks "Graph" in "GraphSAGE").

    Matching runs on the folded text; for text that folding changes in length (accents, "ß")
    each folded character remembers its original one, so a mark always covers whole original
    characters and the escaping is never split. Plain ASCII text, nearly every title and name,
    takes the short way: lower case has the same length.
    """
    if not text or not words:
        return escape(text or "")
    if text.isascii():
        haystack, origin = text.lower(), None
    else:
        folded, origin = [], []
        for index, character in enumerate(text):
            piece = character.lower() if character.isascii() else fold(character) or ""
            folded.append(piece)
            origin.extend([index] * len(piece))
        haystack = "".join(folded)
    out, done = [], 0
    for match in _word_starts(tuple(words)).finditer(haystack):
        start, end = match.span()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        if start < done:  # within what is already marked
            continue
        out += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>"]
        done = end
    out.append(escape(text[done:]))
    return "".join(out)
