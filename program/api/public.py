"""Anonymous reads of the program API: public and conditional (``web.caching``), stored
only for URLs holding no parameter the endpoint does not read (``PublicReads.params_read``)."""

from __future__ import annotations

from django.utils.cache import patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.settings import api_settings

from web import caching


def filter_params(filterset_class) -> list[str]:
    """The query parameters of a django-filter FilterSet: one per filter, or one per suffix for
    a filter of several fields (a range's ``_min`` and ``_max``, ``_after`` and ``_before``)."""
    names = []
    for name, found in filterset_class.base_filters.items():
        widget = found.extra.get("widget") or found.field_class.widget
        suffixes = getattr(widget, "suffixes", None) or [""]
        names += [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
    return names


# (viewset class, action): the parameters it reads.
PARAMS_READ: dict[tuple[type, str], frozenset[str]] = {}


class PublicReads:
    """For viewsets: ``list`` and ``retrieve`` public and conditional for anonymous callers
    (``web.caching.public``); a token or session caller (organizers see drafts) gets a private
    response. Stored only for a URL holding no parameter the endpoint does not read."""

    def params_read(self) -> frozenset[str]:
        """The query parameters this list or detail reads: the format; each filter backend's
        (the filterset's fields, ``ordering``); for a list, the paginator's (``page``,
        ``page_size``). DRF filters a detail's queryset too, so filters count for both."""
        found = PARAMS_READ.get((type(self), self.action))
        if found is not None:
            return found
        names = [api_settings.URL_FORMAT_OVERRIDE]
        for backend_class in self.filter_backends:
            backend = backend_class()
            if isinstance(backend, DjangoFilterBackend):
                filterset_class = backend.get_filterset_class(self)
                names += filter_params(filterset_class) if filterset_class else []
            else:
                names += query_names(backend.get_schema_operation_parameters(self))
        if self.action == "list" and self.paginator is not None:
            names += query_names(self.paginator.get_schema_operation_parameters(self))
        found = PARAMS_READ[type(self), self.action] = frozenset(filter(None, names))
        return found

    def public(self, read, request, *args, **kwargs):
        response = caching.public(read, params=self.params_read())(request, *args, **kwargs)
        # A token caller may see drafts: a shared cache must not answer them with this.
        patch_vary_headers(response, ["Authorization"])
        return response

    def list(self, request, *args, **kwargs):
        return self.public(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.public(super().retrieve, request, *args, **kwargs)


def query_names(parameters: list[dict]) -> list[str]:
    """The names of the query parameters in a list of OpenAPI parameters."""
    return [parameter["name"] for parameter in parameters if parameter.get("in") == "query"]
