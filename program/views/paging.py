"""A paginator for ranked search results: one query per page, count included.

Django's ``Paginator`` runs ``COUNT(*)`` and then the page, and for a ranked search both find and
rank every match. Here the page query also selects ``COUNT(*) OVER ()``, read from the first
row; only a page past the end (no rows) counts on its own, to return the last page as
``get_page`` does. PostgreSQL only: SQLite's FTS5 refuses ``bm25`` beside a window function, so
there this is Django's paginator.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Window

TOTAL = "rows_in_all_pages"


class OneQueryPaginator(Paginator):
    def get_page(self, number) -> Page:
        """The page ``number`` as ``Paginator.get_page`` gives it (1 when it is not a number,
        the last page when it is past the end or below 1), with ``count`` known: one query
        unless past the end."""
        if connections[self.object_list.db].vendor != "postgresql":
            return super().get_page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1:
            return super().get_page(number)  # as Django's: the last page
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{TOTAL: Window(Count("*"))})[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL)  # the cached_property, set
            return self._get_page(rows, number, self)
        if number == 1:
            self.__dict__["count"] = 0
            return self._get_page(rows, 1, self)
        return super().get_page(number)  # past the end: counts, then the last page
