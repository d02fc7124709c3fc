"""Template filters for the program pages: times as the conference prints them, abstracts, links."""

from __future__ import annotations

import datetime

from django import template
from django.utils import dateformat
from django.utils.timezone import localtime

from program import formatting
from program.models.links import labelled

register = template.Library()

TBA = "time to be announced"


def _format(moment: datetime.datetime, pattern: str) -> str:
    # localtime() uses the zone that {% timezone %} activated for the page.
    return dateformat.format(localtime(moment), pattern)


@register.filter
def when(moment: datetime.datetime | None) -> str:
    """ "Thu 15 May 8:30 a.m.", as the conference's own pages print a start (no leading zero)."""
    if moment is None:
        return TBA
    return _format(moment, "D j M g:i a")


@register.filter
def clock(moment: datetime.datetime | None) -> str:
    """ "8:30 a.m.": a time of day on a page that already says which day."""
    return TBA if moment is None else _format(moment, "g:i a")


@register.filter
def schedule_time(item) -> str:
    """A session's, poster's or talk's time: start, with the end where it is known."""
    starts, ends = item.effective_starts_at, item.effective_ends_at
    if starts is None:
        return f"{dateformat.format(item.day, 'D j M')}, {TBA}" if item.day else TBA
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


@register.simple_tag(takes_context=True)
def item_actions(context, item) -> str:
    """What other apps offer beside a session, poster or talk, through a hook they fill.

    The program does not know about accounts: the accounts app's context processor puts a
    ``render_item_actions(context, item)`` callable in the context ("Save to my agenda"). Without
    it, nothing is shown.
    """
    render = context.get("render_item_actions")
    return render(context, item) if render else ""


@register.filter
def model_name(instance) -> str:
    """ "poster", "talk", "session": for ids and classes (templates cannot read ``_meta``)."""
    return instance._meta.model_name


@register.filter
def abstract(text: str) -> str:
    return formatting.render_abstract(text)


@register.filter
def inline_text(text: str) -> str:
    return formatting.render_inline(text)


@register.filter
def labelled_links(links: list[dict]) -> list[tuple[str, str]]:
    """A person's or paper's typed links as (label, url): ("Code", "https://github.com/...")."""
    return labelled(links)
