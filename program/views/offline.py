"""The site as an app that keeps working offline: the web app manifest, the service worker and
the page it shows for what it has not kept.

The service worker (``templates/offline/sw.js``) is served from the site's root, not from
``/static/``, so that its scope is every page. It is rendered per build: the static files it
keeps ahead of time carry hashed names in production, and a new build gives a new script, which
browsers pick up on their next visit. ``static/js/offline.js`` registers it and shows when a page
is a copy kept on the device.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.timezone import now
from django.views.decorators.http import require_safe

from program import timing
from program.models import Conference
from web import expiry, session_marker

# The header's colour (--band in site.css) and the page's (--paper).
THEME_COLOUR = "#16233f"
BACKGROUND_COLOUR = "#ffffff"

# Kept when the service worker is installed: what every page loads, and the icon.
STATIC_FILES = [
    "css/site.css",
    "js/agenda.js",
    "js/offline.js",
    "js/now.js",
    "js/day_tabs.js",
    "js/timezone.js",
]
# Proxies and browsers may keep the manifest this long (less when the current conference
# changes sooner).
MANIFEST_KEPT_FOR = 60 * 60
ICONS = [
    ("img/icon.svg", "any", "image/svg+xml"),
    ("img/icon-192.png", "192x192", "image/png"),
    ("img/icon-512.png", "512x512", "image/png"),
]


def start_url(conference: Conference | None) -> str:
    """Where the installed app opens: the conference's overview (kept for offline use, unlike
    ``/``, which only redirects to it)."""
    return conference.get_absolute_url() if conference else "/"


@require_safe
def manifest(request):
    """The web app manifest: installs the current conference's program under its name. The
    current conference changes with the date: the manifest says when it may next (``Expires``,
    which the front cache keeps it to, and a max-age of an hour at most, cut to that)."""
    conferences = list(Conference.objects.published())
    moment = now()
    conference = timing.current_conference(conferences, moment)
    changes_at = timing.current_changes_at(conferences, moment)
    if conference is None:
        name, short_name, description = "Conference program", "Program", ""
    else:
        name, short_name = f"{conference.name} program", conference.name
        description = conference.full_name
    body = {
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": "en",
        "start_url": start_url(conference),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": "any"}
            for path, sizes, kind in ICONS
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=MANIFEST_KEPT_FOR)
    if changes_at is not None:
        expiry.expires_at(response, changes_at)
    # The same for everyone: stored for the URL without parameters (web/caching.py).
    request.store_response = not request.META.get("QUERY_STRING")
    return response


@require_safe
def service_worker(request):
    """The service worker script, from the root so that it controls the whole site."""
    config = {
        # A new build gives a new script, which browsers install with its new list of files.
        "build": settings.BUILD_ID,
        "staticPrefix": settings.STATIC_URL,
        "precache": [static(path) for path in STATIC_FILES] + [static(path) for path, *_ in ICONS],
        "offlinePage": reverse("offline"),
        "markerHeader": session_marker.HEADER,
        "markerCookie": session_marker.COOKIE,
    }
    body = render_to_string("offline/sw.js", {"config": json.dumps(config, indent=2)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every visit; the ETag (ConditionalGetMiddleware)
    # makes that a 304 until the next build.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline_page(request):
    """What the service worker shows for a page it has not kept, or a form sent offline. It is
    kept without cookies, so it names nobody."""
    conference = timing.current_conference(list(Conference.objects.published()), now())
    return render(request, "offline/offline.html", {"program_url": start_url(conference)})
