"""The conference in the frab/c3voc formats that conference apps read: schedule.json and .xml.

Everyone who may see the conference gets the same document, so its ETag depends only on the
program's version, the code and the address it is served at (its links are absolute); its
Last-Modified is the program's last change. A client that has the current copy (by
If-None-Match or If-Modified-Since) gets a 304 without the document being built.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from conference import query_params
from program import frab
from program.models import Room, Session, Track
from program.views.common import conference_view

# Shared caches may serve a published export this long without asking, then stale while they
# revalidate (an ETag makes that a 304). A program change shows within a minute.
SHARED_MAX_AGE = 60
STALE_FOR = 600
# A rendered export stays in the cache this long unless the program changes first (new key).
KEPT_FOR = 24 * 60 * 60
# How long a request waits for another that is building the same file, before building it too.
BUILD_WAIT = 30


def schedule_etag(request: HttpRequest, *args, **kwargs) -> str:
    conference = request.conference
    parts = [
        settings.BUILD_ID,
        conference.program_changed_at.isoformat(),
        str(conference.is_published),
        request.build_absolute_uri("/"),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def program_changed(request: HttpRequest, *args, **kwargs) -> datetime.datetime:
    """Last-Modified: the conference's last program change (a new release that changes the
    files without a program change is told by the ETag, which names the build)."""
    return request.conference.program_changed_at


def build_schedule(request: HttpRequest) -> dict:
    conference = request.conference
    sessions = Session.objects.for_conference(conference).in_program_order().with_program()
    return frab.schedule(
        conference,
        sessions,
        rooms=Room.objects.filter(conference=conference),
        tracks=Track.objects.filter(conference=conference),
        url_for=request.build_absolute_uri,
        base_url=request.build_absolute_uri("/"),
    )


def exported(view):
    """ETag, Last-Modified and 304s. A published program is the same for everyone: shared
    caches (a proxy, a CDN) may keep it for a minute and serve it stale while they revalidate;
    a draft answers organizers only, so it is private and varies by cookie.

    The files read no query parameter: an app's ``?_=123`` against caches gets the file, and
    its bytes are kept for the address without it, never for the made-up one
    (``conference.query_params``)."""
    conditional = condition(etag_func=schedule_etag, last_modified_func=program_changed)(view)

    @conference_view
    def wrapper(request: HttpRequest, *args, **kwargs):
        query_params.declare(request, (), same_bytes=True)
        response = conditional(request, *args, **kwargs)
        if request.conference.is_published:
            patch_cache_control(
                response, public=True, max_age=SHARED_MAX_AGE, stale_while_revalidate=STALE_FOR
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def rendered(request: HttpRequest, name: str, build) -> bytes:
    """The export's bytes, made once per program change (and per build and address: the key is
    the ETag) and kept in the configured cache (Redis in production, shared by instances).

    Building a large program's file takes seconds, and right after a change many apps ask at
    once: one request builds (it holds a short lock in the cache), the others wait for its
    result instead of building the same bytes each. They wait only while the lock is there: a
    builder that failed took its lock with it, and a cache that cannot be reached (Redis down)
    holds no lock at all, so the request builds at once rather than waiting BUILD_WAIT."""
    key = f"export:{request.conference.pk}:{name}:{schedule_etag(request)}"
    lock = f"{key}:building"
    body = cache.get(key)
    if body is not None:
        return body
    if not cache.add(lock, True, timeout=BUILD_WAIT):
        deadline = time.monotonic() + BUILD_WAIT
        while time.monotonic() < deadline:
            # The builder keeps the bytes before it lets go of the lock: bytes first.
            body = cache.get(key)
            if body is not None:
                return body
            if cache.get(lock) is None:
                break
            time.sleep(0.1)
    try:
        body = build()
        cache.set(key, body, timeout=KEPT_FOR)
    finally:
        cache.delete(lock)
    return body


@exported
def schedule_json(request: HttpRequest) -> HttpResponse:
    def build() -> bytes:
        document = build_schedule(request)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

    body = rendered(request, "json", build)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@exported
def schedule_xml(request: HttpRequest) -> HttpResponse:
    def build() -> bytes:
        # The file names its own address without the query string: the bytes are shared.
        url = request.build_absolute_uri(request.path)
        return frab.to_xml(build_schedule(request), url=url)

    body = rendered(request, "xml", build)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
