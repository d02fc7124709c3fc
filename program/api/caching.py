"""Anonymous reads of the program API, answered once per program change.

Every anonymous caller sees the same published program, so a list or a detail is rendered once
and kept in the configured cache (Redis in production, shared by instances), keyed by the
request (path, query, format, host) and by the published program's version: the latest
``program_changed_at`` of the published conferences, how many there are and which (every edit
of a conference's program moves the first; publishing, unpublishing or deleting one changes the
others). That version costs one query, and it is also the ETag: a caller with the current copy
gets a 304 without the list being built, and a proxy or CDN may keep the answer for a minute
(``Cache-Control: public``), serving it stale while it revalidates.

Signed-in callers (organizers see drafts) are answered as before: built each time, private.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.response import Response

from program.models import Conference

SHARED_MAX_AGE = 60
STALE_FOR = 600
KEPT_FOR = 24 * 60 * 60


class CachedAnonymousReads:
    """For viewsets: ``list`` and ``retrieve`` of anonymous callers from the cache."""

    cache_key: str | None = None

    def list(self, request, *args, **kwargs):
        return self.from_cache(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.from_cache(request) or super().retrieve(request, *args, **kwargs)

    def from_cache(self, request):
        """The stored answer (or a 304), else None, remembering the key for the answer."""
        if request.user.is_authenticated:
            return None
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
        if self.cache_key and isinstance(response, Response) and response.status_code == 200:
            response.render()
            cache.set(self.cache_key, (response.content, response["Content-Type"]), KEPT_FOR)
            self.shared(response)
        return response
