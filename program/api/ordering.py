"""``?ordering=`` that names a field the list cannot be ordered by is a 400, not ignored.

The schema's pattern is the rule: field names, each with an optional ``-``, separated by commas
(no spaces); an empty value is no ordering, as an empty filter is no filter.
"""

from django.db.models import F
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            allowed = [
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            ]
            wrong = [term for term in raw.split(",") if term.removeprefix("-") not in allowed]
            if wrong:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Order by {', '.join(allowed)} (with - for descending, several"
                            f" separated by commas); got {', '.join(map(repr, wrong))[:200]}."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def filter_queryset(self, request, queryset, view):
        """Items without a value (a talk whose time is not known yet) come last either way, on
        SQLite as on PostgreSQL (which disagree about where NULL sorts)."""
        ordering = self.get_ordering(request, queryset, view)
        if "search_rank" in queryset.query.annotations and not request.query_params.get(
            self.ordering_param
        ):
            # Searched (``?q=``) without an explicit order: best matches first, ties in the
            # list's own order.
            ordering = ["-search_rank", *(ordering or [])]
        if not ordering:
            return queryset
        return queryset.order_by(
            *(
                F(term[1:]).desc(nulls_last=True)
                if term.startswith("-")
                else F(term).asc(nulls_last=True)
                for term in ordering
            )
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            for parameter in parameters:
                parameter["description"] = (
                    f"Order by {', '.join(fields)}; prefix - for descending, separate several"
                    " with commas (no spaces). Empty: the default order. Anything else is a 400."
                )
                if "q" in getattr(getattr(view, "filterset_class", None), "base_filters", {}):
                    parameter["description"] += (
                        " Without it, a search (q) lists the best matches first."
                    )
                names = "|".join(fields)
                parameter["schema"] = {
                    "type": "string",
                    "pattern": rf"^(-?({names})(,-?({names}))*)?$",
                }
        return parameters


class AliasedOrderingFilter(StrictOrderingFilter):
    """``?ordering=`` by the names the API shows, sorted by where they live: a view's
    ``ordering_aliases`` maps a name ("title") to a database path ("contribution__title")."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        aliases = getattr(view, "ordering_aliases", {})

        def path(term: str) -> str:
            name = term.removeprefix("-")
            return term[: len(term) - len(name)] + aliases.get(name, name)

        return [path(term) for term in ordering] if ordering else ordering
