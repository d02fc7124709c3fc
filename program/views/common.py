"""What every public program page shares: the URL's conference, its display zone, caching.

``conference_page`` sets ``request.conference`` from the URL (a 404 for a draft unless the
visitor is an organizer) and makes the page public and conditional (``web.caching.public``). A
visitor with a session gets the stored public page too: signed in, with their own marks added
(``settings.PERSONAL_PAGE``), conditional on what those marks depend on.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string

from program.models import Conference, Session, can_see_drafts
from program.timezones import chosen_zone, display_zone
from program.timing import Clock
from web import caching, expiry, splicing


def csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret the page's forms are made from: on a first visit the one this response
    sets as a cookie, so the visitor's first revisit matches the ETag and gets a 304."""
    get_token(request)
    return request.META.get("CSRF_COOKIE", "")


def conference_view(view):
    """Sets ``request.conference`` from the URL's slug: published, or a draft for organizers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, conference: str, *args, **kwargs):
        found = caching.kept(
            request, "conference", Conference.objects.filter(slug=conference).first, conference
        )
        # The user (and so the session) is read only for a draft: a published conference's
        # exports are the same for everyone, and a response that read the session would
        # "Vary: Cookie", which no shared cache can keep.
        if found is None or not (found.is_published or can_see_drafts(request.user)):
            raise Http404("No conference here.")
        request.conference = found
        return view(request, *args, **kwargs)

    return wrapper


def zone_part(request: HttpRequest) -> str:
    """The zone the visitor chose, if any: the only thing of their session a public page shows."""
    zone = chosen_zone(request) if hasattr(request, "session") else None
    return zone.key if zone else ""


def page_parts(request: HttpRequest) -> list[str]:
    """What a public page depends on besides the program's version and its URL."""
    parts = [zone_part(request)]
    clock = getattr(request, "page_clock", None)
    if clock is not None:  # a page that tells the time of day: what it shows now
        parts.append(clock.label)
    return parts


def everyones(request: HttpRequest) -> bool:
    """Whether the visitor gets the page everyone gets: anonymous, with no notice waiting."""
    return not request.user.is_authenticated and not messages.get_messages(request)


@contextlib.contextmanager
def as_anonymous(request: HttpRequest):
    user = request.user
    request.user = AnonymousUser()
    try:
        yield
    finally:
        request.user = user


def personal_page(request: HttpRequest, page, *args, **kwargs) -> HttpResponse:
    """The stored public page, with the signed-in visitor's marks; 304 when their copy is
    current (the version, the page's parts, their agenda and their CSRF secret)."""
    user = request.user
    encoding = caching.encoding(request)
    etag = caching.key(
        request,
        *page_parts(request),
        str(user.pk),
        str(getattr(user, "agenda_changed_at", "")),
        csrf_secret(request),
        encoding,
    )[-32:]
    response = get_conditional_response(request, etag=f'"{etag}"')
    if response is None:
        stored_key = caching.key(request, "pieces", zone_part(request))
        pieces = cache.get(stored_key)
        if pieces is None:
            with as_anonymous(request):
                public = page(request, *args, **kwargs)
            if hasattr(public, "render"):
                public.render()
            if public.status_code != 200 or "public" not in public.get("Cache-Control", ""):
                return public
            pieces = splicing.Pieces.of(public.content)
            cache.set(stored_key, pieces, caching.timeout(public))
        edits = import_string(settings.PERSONAL_PAGE)(request, pieces.content)
        if encoding:
            response = HttpResponse(pieces.gzipped(edits))
            response["Content-Encoding"] = encoding
        else:
            response = HttpResponse(pieces.edited(edits))
    response["ETag"] = f'"{etag}"'
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    return response


def conference_page(
    view=None,
    *,
    params: tuple[str, ...] = (),
    clock: Callable[[Conference, datetime.datetime], Clock] | None = None,
):
    """A conference's page: ``conference_view`` and ``web.caching.public``. ``params``: the
    query parameters it reads; asked with others, it answers a 301 to its URL without them.
    ``clock``: for a page that tells the time of day (``timing.live_clock``), what it shows at
    a moment: in its ETag, and no copy outlives it. ``@conference_page`` or with arguments."""
    if view is None:
        return functools.partial(conference_page, params=params, clock=clock)
    cached = caching.public(view, params=params, parts=page_parts, shared=everyones)

    def public(request: HttpRequest, *args, **kwargs):
        response = cached(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        until = clock is not None and request.page_clock.until
        if until and "public" in response.get("Cache-Control", ""):
            expiry.expires_at(response, until)
        return response

    @conference_view
    def page(request: HttpRequest, *args, **kwargs):
        if clock is not None:
            request.page_clock = clock(request.conference, timezone.now())
        if (
            request.user.is_authenticated
            and request.conference.is_published
            and not messages.get_messages(request)
        ):
            response = personal_page(request, public, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        return public(request, *args, **kwargs)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        return caching.redirect_to_read(request, params) or page(request, *args, **kwargs)

    wrapper.params = params
    return wrapper


def page_context(request: HttpRequest, **extra) -> dict:
    """What the conference's header and every page under it need: the conference, the zone
    times are shown in and the days that have program (the day tabs; one query, unless the
    view already knows them and passes ``program_days``)."""
    conference = request.conference
    zone = display_zone(request, conference)
    context = {
        "conference": conference,
        "zone": zone,
        "zone_is_conference_zone": zone.key == conference.timezone,
        **extra,
    }
    if "program_days" not in context:
        context["program_days"] = Session.objects.for_conference(conference).days()
    return context
