"""What every public program page shares: finding the conference, the zone, conditional GET."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_vary_headers

from program.models import Conference
from program.timezones import display_zone, known_zones


def visible_conferences(request: HttpRequest):
    return Conference.objects.visible_to(request.user)


def get_conference(request: HttpRequest, slug: str) -> Conference:
    """A published conference, or a draft for organizers; anyone else gets a 404."""
    return get_object_or_404(visible_conferences(request), slug=slug)


def page_context(request: HttpRequest, conference: Conference, **extra) -> dict:
    zone = display_zone(request, conference)
    return {
        "conference": conference,
        "zone": zone,
        "zone_is_conference_zone": zone.key == conference.timezone,
        "known_zones": known_zones(),
        **extra,
    }


def conditional(
    request: HttpRequest, conference: Conference, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """Answer 304 when the visitor's copy of this page is still current, else build it.

    The ETag covers everything the page depends on besides the URL: the conference's program
    (moved forward by every edit), the visitor's zone, who they are and their CSRF cookie (the
    page's forms carry a token made from it), and the code that renders it.
    """
    if messages.get_messages(request):  # a one-off notice must be shown, not cached
        return build()
    parts = [
        settings.BUILD_ID,
        conference.program_changed_at.isoformat(),
        str(conference.is_published),
        display_zone(request, conference).key,
        str(request.user.pk or ""),
        # Save buttons show the visitor's own agenda.
        str(getattr(request.user, "agenda_changed_at", "")),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    etag = '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = build()
    if response.status_code == 200:
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Cookie"])
    return response
