"""Program pages for anonymous visitors, rendered once per program change and kept.

Every anonymous visitor of a page sees the same HTML: its save stars ask to log in by a plain
GET and carry no CSRF token (base.html). So the page is rendered once and kept in the
configured cache (Redis in production, shared by instances), and every visitor gets the kept
bytes, which a proxy may keep too (``common.shared``). Should a kept page hold a form token
after all, the token is replaced by a stand-in and each visitor gets one of their own
(``get_token``), so such a page keeps working without JavaScript.

The key holds what an anonymous page depends on: the code (build), the conference's program
version (moved by every edit: admin, API, import), whether it is published, the published
program's version across conferences (a person's page links to their other conferences), the
visitor's time zone, and the address, which holds only parameters the page reads (an address
with any other was answered with a redirect before this: ``conference.query_params``).
Signed-in visitors (their save buttons show their agenda) and pages with a one-off notice are
rendered each time, as before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from conference import expiry, query_params
from program.timing import Clock

STAND_IN = b"csrf-token-stand-in-0f6b2a1e"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
KEPT_FOR = 24 * 60 * 60
# Search pages: one per query, and anyone can make up new queries; a popular one stays kept.
SEARCH_KEPT_FOR = 10 * 60

#: Seconds, or a function of the request that says them (``searched_for``).
KeptFor = int | Callable[[HttpRequest], int]


def searched_for(request: HttpRequest) -> int:
    """How long a page with a search box is kept: as a search page when it shows a search
    (``?q=``: anyone can make up new ones), as any page when it does not."""
    return SEARCH_KEPT_FOR if request.GET.get("q") else KEPT_FOR


def key_for(request: HttpRequest) -> str | None:
    """The page's key in the cache, or None when this visitor's page must be rendered."""
    if request.method != "GET" or request.user.is_authenticated or messages.get_messages(request):
        return None
    if not query_params.kept_as_asked(request):
        return None
    # Here, not at the top: common imports this module (for KEPT_FOR), whichever comes first.
    from program.views.common import program_parts

    parts = [*program_parts(request), request.build_absolute_uri()]
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def kept(view, seconds: KeptFor = KEPT_FOR):
    """Wraps a page view: anonymous visitors get the kept page, rendered on the first visit and
    kept ``seconds`` at most (a program change makes a new key before then); ``seconds`` may be
    a function of the request (``searched_for``)."""

    def wrapper(request: HttpRequest, *args, **kwargs):
        key = key_for(request)
        if key is not None:
            body = cache.get(key)
            if body is not None:
                # Pages for anonymous visitors hold no form token (base.html); a page that does
                # gets the visitor's own, which sets their CSRF cookie.
                if STAND_IN in body:
                    body = body.replace(STAND_IN, get_token(request).encode())
                return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if key is not None and response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            body = without_token(response.content)
            if body is not None:
                cache.set(key, body, lifetime(request, seconds))
        return response

    return wrapper


def page_clock(request: HttpRequest) -> Clock | None:
    """The clock of a page that tells the time of day (``common.conference_page(clock=...)``)."""
    return getattr(request, "page_clock", None)


def lifetime(request: HttpRequest, seconds: KeptFor) -> int:
    """How long the page is kept: ``seconds``, and no longer than the state of the day it shows
    lasts, for a page that tells the time."""
    kept_for = seconds(request) if callable(seconds) else seconds
    clock = page_clock(request)
    if clock is not None and clock.until is not None:
        kept_for = min(kept_for, expiry.seconds_until(clock.until))
    return kept_for


def without_token(content: bytes) -> bytes | None:
    """The page with its CSRF token replaced by the stand-in; None if it holds two different
    tokens (then it is not kept: it would not be the same for the next visitor)."""
    tokens = set(TOKEN.findall(content))
    if len(tokens) > 1:
        return None
    return content.replace(tokens.pop(), STAND_IN) if tokens else content
