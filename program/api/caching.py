"""Anonymous reads of the program API, answered once per program change.

Every anonymous caller sees the same published program, so a list or a detail is rendered once
and kept in the configured cache (Redis in production, shared by instances), keyed by the
request (path, query, format, host) and by the published program's version: the latest
``program_changed_at`` of the published conferences, how many there are and which (every edit
of a conference's program moves the first; publishing, unpublishing or deleting one changes the
others). That version costs one query, and it is also the ETag: a caller with the current copy
gets a 304 without the list being built, and a proxy or CDN may keep the answer for a minute
(``Cache-Control: public``), serving it stale while it revalidates.

Only an address whose query holds parameters the endpoint reads is kept: the format, its
filters', ordering's and (for a list) pagination's, found from the viewset's own classes
(``params_read``). Any other (``?_=123`` against caches, ``?x=1``, ``?x=2``, ...) is answered
the same way, public with its ETag, but kept nowhere: the answer's links echo its address, so it
is not the kept one's, and made-up parameters must not fill the cache
(``conference.query_params``).

Signed-in callers (organizers see drafts) are answered as before: built each time, private.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response
from rest_framework.settings import api_settings

from conference import query_params
from program.models import Conference
from program.views import page_cache

SHARED_MAX_AGE = 60
STALE_FOR = 600


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


class CachedAnonymousReads:
    """For viewsets: ``list`` and ``retrieve`` of anonymous callers from the cache."""

    cache_key: str | None = None
    public = False

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

    def list(self, request, *args, **kwargs):
        return self.from_cache(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.from_cache(request) or super().retrieve(request, *args, **kwargs)

    def from_cache(self, request):
        """The stored answer (or a 304), else None, remembering the key for the answer."""
        if request.user.is_authenticated:
            return None
        self.public = True
        kept = query_params.declare(request, self.params_read())
        parts = [
            settings.BUILD_ID,
            Conference.objects.published_version(),
            request.build_absolute_uri(),
            request.accepted_renderer.format,
        ]
        key = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
        self.etag = f'"{key[:32]}"'
        if self.etag in parse_etags(request.headers.get("If-None-Match", "")):
            return self.shared(Response(status=304))
        if not kept:
            return None  # answered as usual, kept nowhere
        stored = cache.get(f"api:{key}")
        if stored is not None:
            content, content_type = stored
            return self.shared(HttpResponse(content, content_type=content_type))
        self.cache_key = f"api:{key}"
        return None

    def shared(self, response):
        response["ETag"] = self.etag
        patch_cache_control(
            response, public=True, max_age=SHARED_MAX_AGE, stale_while_revalidate=STALE_FOR
        )
        # A token caller may see drafts: a shared cache must not answer them with this.
        patch_vary_headers(response, ["Authorization"])
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.public and isinstance(response, Response) and response.status_code == 200:
            if self.cache_key:
                response.render()
                # As long as a page, or as a search page for a search (``?q=``): anyone can
                # make up new ones. The one rule for both (``page_cache.searched_for``).
                kept_for = page_cache.searched_for(request)
                cache.set(self.cache_key, (response.content, response["Content-Type"]), kept_for)
            self.shared(response)
        return response


def query_names(parameters: list[dict]) -> list[str]:
    """The names of the query parameters in a list of OpenAPI parameters."""
    return [parameter["name"] for parameter in parameters if parameter.get("in") == "query"]
