"""The site as an app: the web app manifest, so that browsers offer to install it."""

from __future__ import annotations

from django.http import JsonResponse
from django.templatetags.static import static
from django.utils.timezone import now
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from program import timing
from program.models import Conference

# The header's colour (--band in site.css) and the page's (--paper).
THEME_COLOUR = "#16233f"
BACKGROUND_COLOUR = "#ffffff"

ICONS = [
    ("img/icon.svg", "any", "image/svg+xml"),
    ("img/icon-192.png", "192x192", "image/png"),
    ("img/icon-512.png", "512x512", "image/png"),
]


def start_url(conference: Conference | None) -> str:
    """Where the installed app opens: the conference's overview."""
    return conference.get_absolute_url() if conference else "/"


@require_safe
@cache_control(public=True, max_age=60 * 60)
def manifest(request):
    """The web app manifest: installs the current conference's program under its name."""
    conference = timing.current_conference(list(Conference.objects.published()), now())
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
    return JsonResponse(body, content_type="application/manifest+json")
