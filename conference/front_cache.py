"""Answers that are the same for every anonymous visitor, served before the middleware stack.

The program's pages, exports and anonymous API reads are already rendered once per program
change and kept (``program.views.page_cache``, ``program.api.caching``, ``program.views.
interchange``), but a kept page still went through sessions, CSRF, authentication, messages,
the view's two queries and the compression cache: about a third of what the same server does
for a static file of the same bytes. This middleware sits right below whitenoise and keeps the
finished answer (compressed, with its headers) in this process's memory, so that the next
anonymous request for the same address is answered with one small query and a dictionary read.

The memory is bounded by bytes, not entries (``FRONT_CACHE_BYTES``, the least recently used
give way). One answer takes at most an eighth of it, so the 12.6 MB uncompressed
``schedule.json`` of a 4,500-poster program is left to the stack's own cache, its 1.4 MB brotli
copy is kept.

What may be kept: a GET answered 200 with ``Cache-Control: public`` (every such answer in the
site is the same for everyone who sends no cookie and no ``Authorization``), which sets no cookie
and varies on nothing but the headers in the key, for an address whose query holds only
parameters its view reads (``conference.query_params``): ``schedule.json?1``, ``?2``, ... are
answered, not kept, and a view that does not say which parameters it reads is not kept at
all. Who may be answered from it: a GET without ``Authorization`` and without cookies, except the
CSRF cookie (an anonymous page holds no form token, so that cookie changes nothing). A visitor
with a session (signed in, a chosen time zone, a notice waiting) is answered by the stack, as
before.

The key holds the address (host and query included), the code's build, the encoding the client
accepts (brotli, gzip or none: the kept bytes are compressed), ``Accept`` (the API's format) and
``Origin`` (the CORS headers). Each kept answer remembers the **site version** it was made
under: the latest ``program_changed_at`` of all conferences, how many there are and which. Every
edit (admin, API, import, a conference published or deleted) moves it, so the next request after
an edit, in any worker or instance, is a miss. The version is read before the answer is made:
an edit that lands while a page renders leaves the page stored under the old version.

An answer that DRF's throttles counted (the API) is counted on each kept answer too: the same
``AnonThrottle``, so the rate limit holds; over the limit the stack answers with its 429.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from conference import expiry, query_params
from conference.compression import accepted_encodings

# A Vary header naming anything else means the answer depends on something not in the key.
VARY_IN_KEY = frozenset({"accept-encoding", "accept", "origin", "cookie", "authorization"})
# Response headers the kept answer does not repeat: the server writes its own.
NOT_KEPT = frozenset({"date"})


@dataclasses.dataclass(frozen=True)
class Kept:
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    counted: bool
    # An answer that says when it expires (``conference.expiry``) is kept until then, and
    # served with its freshness cut to what is left of it, so that no proxy in front keeps it
    # longer either. Other answers stay current as long as the site version does.
    until: datetime.datetime | None = None

    def current(self, version: str) -> bool:
        return self.version == version and (self.until is None or timezone.now() < self.until)

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body)
        for name, value in self.headers:
            response.headers[name] = value
        if self.until is not None:
            expiry.expires_at(response, self.until)
        return response


class Store:
    """Kept answers, least recently used first out, at most ``limit`` bytes of bodies. Not
    pickled (a ``Kept`` is never changed: each answer is a new response made from it)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.entries: OrderedDict[str, Kept] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self.lock:
            kept = self.entries.get(key)
            if kept is not None:
                self.entries.move_to_end(key)
            return kept

    def set(self, key: str, kept: Kept) -> None:
        size = len(kept.body)
        if size > self.limit // 8:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= len(old.body)
            self.entries[key] = kept
            self.used += size
            while self.used > self.limit:
                _, dropped = self.entries.popitem(last=False)
                self.used -= len(dropped.body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0


STORE = Store(settings.FRONT_CACHE_BYTES)


def site_version() -> str:
    """The site version, read as the request's first query; it also stands for Django's health
    check of a reused connection (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` before a request's first
    query, 0.3 ms here against 0.45 ms for the version query itself). A
    connection it finds dead is closed and the query asked once more on a new one, which is
    what the check would have done; a database that is down still raises."""
    from program.models import Conference

    connection = connections[Conference.objects.db]
    unchecked = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
    )
    connection.health_check_done = True
    try:
        return Conference.objects.site_version()
    except DatabaseError:
        if not unchecked or connection.in_atomic_block:
            raise
        connection.close()
        return Conference.objects.site_version()


def key_for(request: HttpRequest) -> str | None:
    """The kept answer's key, or None when this request must go through the stack."""
    if request.method != "GET" or "Authorization" in request.headers:
        return None
    if set(request.COOKIES) - {settings.CSRF_COOKIE_NAME}:
        return None
    accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
    encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else ""
    parts = [
        settings.BUILD_ID,
        request.build_absolute_uri(),
        encoding,
        request.headers.get("Accept", ""),
        request.headers.get("Origin", ""),
    ]
    return "front:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


def header_names(value: str) -> set[str]:
    """The names in a comma-separated header (``Vary``; ``Cache-Control`` less the values)."""
    names = {part.partition("=")[0].strip().lower() for part in value.split(",")}
    return names - {""}


def keepable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "public" not in header_names(response.get("Cache-Control", "")):
        return False
    return header_names(response.get("Vary", "")) <= VARY_IN_KEY


def within_rate(request: HttpRequest) -> bool:
    from conference.throttling import AnonThrottle

    request.user = AnonymousUser()  # the stack's authentication sets its own again
    return AnonThrottle().allow_request(request, None)


class FrontCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        key = key_for(request) if STORE.limit else None
        if key is None:
            return self.get_response(request)
        try:
            version = site_version()
        except DatabaseError:
            # The stack answers: /healthz says the database is down, pages say what they can.
            return self.get_response(request)
        kept = STORE.get(key)
        fresh = kept is not None and kept.current(version)
        if fresh and (not kept.counted or within_rate(request)):
            return self.answer(request, kept)
        response = self.get_response(request)
        # Kept only for an address with no parameter its view does not read (nor one given
        # twice): made-up ones (``?x=1``, ``?x=2``, ...) would each be kept apart.
        if keepable(response) and query_params.kept_as_asked(request):
            headers = tuple(
                (name, value) for name, value in response.items() if name.lower() not in NOT_KEPT
            )
            counted = getattr(request, "counted_by_throttle", False)
            until = expiry.expiry(response)
            STORE.set(key, Kept(version, headers, response.content, counted, until))
        return response

    @staticmethod
    def answer(request: HttpRequest, kept: Kept) -> HttpResponse:
        response = kept.response()
        # Django's own If-None-Match comparison (weak, as the compressed answers' ETags are), or
        # If-Modified-Since against its Last-Modified (the exports'): a 304 with the kept
        # answer's caching headers, or the answer.
        modified = response.get("Last-Modified")
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=modified and parse_http_date_safe(modified),
            response=response,
        )
