"""Template filters for the program pages: times as the conference prints them, abstracts."""

from __future__ import annotations

import datetime

from django import template
from django.utils import dateformat
from django.utils.timezone import localtime

from program import formatting

register = template.Library()

TBA = "time to be announced"


def _format(moment: datetime.datetime, pattern: str) -> str:
    # localtime() uses the zone that {% timezone %} activated for the page.
    return dateformat.format(localtime(moment), pattern)


@register.filter
def when(moment: datetime.datetime | None) -> str:
    """ "Thu 15 May 08:30 a.m.", as the conference's own pages print a start."""
    if moment is None:
        return TBA
    return _format(moment, "D j M h:i a")


@register.filter
def clock(moment: datetime.datetime | None) -> str:
    return TBA if moment is None else _format(moment, "h:i a")


@register.filter
def schedule_time(item) -> str:
    """A session's, poster's or talk's time: start, with the end where it is known."""
    starts = getattr(item, "effective_starts_at", None) or item.starts_at
    ends = getattr(item, "effective_ends_at", item.ends_at)
    if starts is None:
        day = getattr(item, "day", None) or getattr(getattr(item, "session", None), "day", None)
        return f"{dateformat.format(day, 'D j M')}, {TBA}" if day else TBA
    text = when(starts)
    if ends:
        same_day = localtime(ends).date() == localtime(starts).date()
        text += " – " + (clock(ends) if same_day else when(ends))
    return text


@register.filter
def zone_label(moment: datetime.datetime | None) -> str:
    """The abbreviation in force at that moment ("PDT"), for labelling times."""
    if moment is None:
        return ""
    return _format(moment, "T")


@register.filter
def abstract(text: str) -> str:
    return formatting.render_abstract(text)


@register.filter
def inline_text(text: str) -> str:
    return formatting.render_inline(text)
