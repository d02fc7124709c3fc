"""What every public program page shares: the request's conference, its zone, conditional GET.

``conference_page`` is the one place that turns the ``<conference>`` in a URL into
``request.conference`` (a 404 for drafts unless the visitor is an organizer) and answers 304 when
the visitor's copy is current, with Django's own ``condition`` decorator.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from conference import expiry, query_params
from program.models import Conference, Session, can_see_drafts
from program.timezones import display_zone
from program.timing import Clock
from program.views import page_cache


def published_version(request: HttpRequest) -> str:
    """``Conference.objects.published_version()``, read once per request (the ETag and the page
    cache both need it)."""
    if not hasattr(request, "published_version"):
        request.published_version = Conference.objects.published_version()
    return request.published_version


def csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret the page's forms are made from: on a first visit the one this response
    sets as a cookie (not the none the request carried), so the visitor's first revisit matches
    the ETag and gets a 304."""
    get_token(request)
    return request.META.get("CSRF_COOKIE", "")


def program_parts(request: HttpRequest) -> list[str]:
    """What every visitor's copy of a program page depends on besides the address: the code that
    renders it, the conference's program (moved forward by every edit), whether it is published,
    the published program across conferences (a page may link to a person's other
    conferences) and the zone times are shown in. The ETag and the anonymous page cache
    (``page_cache``) both start from these."""
    conference = request.conference
    parts = [
        settings.BUILD_ID,
        conference.program_changed_at.isoformat(),
        str(conference.is_published),
        published_version(request),
        display_zone(request, conference).key,
    ]
    clock = page_cache.page_clock(request)
    if clock is not None:  # a page that tells the time of day: what it shows now
        parts.append(clock.label)
    return parts


def page_etag(request: HttpRequest, *args, **kwargs) -> str | None:
    """Everything a program page depends on besides its URL: ``program_parts``, who the visitor
    is and, signed in, their CSRF cookie (the page's forms carry a token made from it). None
    (no ETag) while a one-off notice waits to be shown: that page must not be reused.
    """
    if messages.get_messages(request):
        return None
    parts = [
        *program_parts(request),
        str(request.user.pk or ""),
        # Save buttons show the visitor's own agenda.
        str(getattr(request.user, "agenda_changed_at", "")),
        # Only a signed-in visitor's page holds a form token (base.html).
        csrf_secret(request) if request.user.is_authenticated else "",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def conference_view(view):
    """Sets ``request.conference`` from the URL's slug: published, or a draft for organizers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, conference: str, *args, **kwargs):
        found = Conference.objects.filter(slug=conference).first()
        # The user (and so the session) is read only for a draft: a published conference's
        # exports are the same for everyone, and a response that read the session would
        # "Vary: Cookie", which no shared cache can keep.
        if found is None or not (found.is_published or can_see_drafts(request.user)):
            raise Http404("No conference here.")
        request.conference = found
        return view(request, *args, **kwargs)

    return wrapper


# A page that is the same for every visitor without cookies: a proxy or CDN in front may keep it
# for a minute and serve it stale for ten while it asks again (the ETag makes that a 304).
PUBLIC_PAGE = {"public": True, "max_age": 60, "stale_while_revalidate": 600}


def shared(request: HttpRequest, response) -> bool:
    """Whether the page may be kept by a shared cache: an anonymous visitor's page that sets no
    cookie (no form token, no session) and holds no one-off notice."""
    session = getattr(request, "session", None)
    return (
        not request.user.is_authenticated
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def conference_page(
    view=None,
    *,
    kept_for: page_cache.KeptFor = page_cache.KEPT_FOR,
    params: tuple[str, ...] = (),
    clock: Callable[[Conference, datetime.datetime], Clock] | None = None,
):
    """A conference's page: ``conference_view`` plus an ETag, 304s and private revalidation;
    anonymous visitors get the page rendered once per program change (``page_cache``), kept
    ``kept_for`` seconds at most (or a function of the request: ``page_cache.searched_for``).
    ``params``: the query parameters the page reads; asked for with
    others, it answers a 301 to its address without them, before anything else
    (``conference.query_params``). ``clock``: for a page that tells the time of day, what it
    shows at a moment (``timing.live_clock``): its key and ETag name the clock's state, and no
    copy (kept, in a worker's memory, or in a proxy) outlives it. ``@conference_page`` or
    ``@conference_page(params=...)``."""
    if view is None:
        return functools.partial(conference_page, kept_for=kept_for, params=params, clock=clock)
    conditional = condition(etag_func=page_etag)(page_cache.kept(view, kept_for))

    @conference_view
    def page(request: HttpRequest, *args, **kwargs):
        if clock is not None:
            request.page_clock = clock(request.conference, timezone.now())
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        # Without an ETag the page holds a one-off notice: for this visitor, this once.
        if response.has_header("ETag") and shared(request, response):
            patch_cache_control(response, **PUBLIC_PAGE)
            until = clock is not None and request.page_clock.until
            if until:
                expiry.expires_at(response, until)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        redirect = query_params.redirect_to_read(request, params)
        if redirect is not None:
            return redirect
        query_params.declare(request, params)
        return page(request, *args, **kwargs)

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
