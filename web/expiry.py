"""Answers that are right only until a moment: a page that tells the time of day (the overview's
"Happening now"), the app manifest naming the current conference.

Such an answer says so with ``Expires``, and its ``Cache-Control`` freshness (``max-age``, and
``stale-while-revalidate`` after it) is cut so that no cache keeps or serves it past that
moment. ``expires_at`` does both, once where the answer is made and again each time the front
cache (``web/caching.py``) serves a stored copy, cut to what is left by then.
"""

from __future__ import annotations

import datetime
import math

from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

FRESHNESS = ("max-age", "stale-while-revalidate")


def seconds_until(moment: datetime.datetime) -> int:
    """Whole seconds from now to ``moment``, at least 1 (a cache's lifetime)."""
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def expires_at(response, moment: datetime.datetime) -> None:
    """Mark ``response`` right until ``moment``: its ``Expires``, and its freshness cut to it."""
    response.headers["Expires"] = http_date(moment.timestamp())
    if response.has_header("Cache-Control"):
        response.headers["Cache-Control"] = cut_to(response["Cache-Control"], seconds_until(moment))


def expiry(response) -> datetime.datetime | None:
    """The moment an answer said it expires (``expires_at``), or None."""
    seconds = parse_http_date_safe(response.get("Expires", ""))
    return None if seconds is None else datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def cut_to(cache_control: str, left: int) -> str:
    """``Cache-Control`` with ``max-age`` and ``stale-while-revalidate`` cut so that together
    they reach no further than ``left`` seconds (a stale-while-revalidate cut to 0 is left out)."""
    directives = [part.strip() for part in cache_control.split(",") if part.strip()]
    seconds = {}
    for part in directives:
        name, _, value = part.partition("=")
        if name.lower() in FRESHNESS and value.isdigit():
            seconds[name.lower()] = int(value)
    max_age = min(seconds.get("max-age", left), left)
    stale = min(seconds.get("stale-while-revalidate", 0), left - max_age)
    kept = [part for part in directives if part.partition("=")[0].lower() not in FRESHNESS]
    kept.append(f"max-age={max_age}")
    if stale:
        kept.append(f"stale-while-revalidate={stale}")
    return ", ".join(kept)
