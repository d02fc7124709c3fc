"""Template filters for the program pages: times as the conference prints them, abstracts, links."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime, now

from program import formatting, search, timezones, timing
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
def clock_span(starts: datetime.datetime | None, ends: datetime.datetime | None) -> str:
    """ "10:30-10:55 a.m." (with an en dash), "11:30 a.m.-12:15 p.m.": said once where it can."""
    if starts is None:
        return TBA
    if ends is None:
        return clock(starts)
    if localtime(ends - datetime.timedelta(microseconds=1)).date() != localtime(starts).date():
        return f"{clock(starts)}–{clock(ends)} the next day"
    if _format(starts, "a") == _format(ends, "a"):
        return f"{_format(starts, 'g:i')}–{clock(ends)}"
    return f"{clock(starts)}–{clock(ends)}"


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
def with_bio(authorships) -> list:
    """A talk's speakers who have a bio, in printed order (from the prefetched list)."""
    return [link for link in authorships if link.person.bio]


@register.filter
def abstract(text: str) -> str:
    return formatting.render_abstract(text)


@register.filter
def inline_text(text: str) -> str:
    return formatting.render_inline(text)


@register.filter
def highlight(text: str, words: list[str] | None) -> str:
    """Search results: the matched words in ``<mark>``, everything escaped. A title with math
    keeps its rendered math and goes unmarked (marking inside MathML would break it)."""
    if text and "$" in text and formatting.MATH.search(text):
        return formatting.render_inline(text)
    return mark_safe(search.highlight(text, words or []))  # escaped by search.highlight


@register.simple_tag
def marked_people(people, words: list[str] | None, conference=None) -> str:
    """A result's people (``PersonName`` values, ``Contribution.attach_names``) in printed
    order, " · " between them, the search words marked in their names; given the conference,
    each name links to the person's page.

    One tag where the template had a loop with a filter and a ``{% url %}`` per person: on a
    search page of 150 results and some 750 names that loop was the larger part of rendering.
    The address is reversed once per call, the person's slug put in its place.
    """
    names = [highlight(person.name, words) for person in people]
    if conference is not None:
        head, _, tail = reverse(
            "program:person-detail", args=(conference.slug, SLUG_PLACEHOLDER)
        ).rpartition(SLUG_PLACEHOLDER)
        names = [
            format_html('<a href="{}{}{}">{}</a>', head, person.slug, tail, name)
            for person, name in zip(people, names, strict=True)
        ]
    return mark_safe(" · ".join(names))  # each name escaped by highlight or format_html


#: Stands for a person's slug in a reversed address (slugs are letters, digits, "-" and "_").
SLUG_PLACEHOLDER = "person-slug"


@register.filter
def labelled_links(links: list[dict]) -> list[tuple[str, str]]:
    """A person's or paper's typed links as (label, url): ("Code", "https://github.com/...")."""
    return labelled(links)


@register.simple_tag(takes_context=True)
def zone_link(context) -> str:
    """The header's "Los Angeles UTC-7" link to the time zone page, which comes back here."""
    zone, request = context.get("zone"), context.get("request")
    if zone is None or request is None:
        return ""
    conference, day = context.get("conference"), context.get("date")
    moment = timing.offset_moment(conference, day) if conference is not None else now()
    url = reverse("program:set-timezone") + "?" + urlencode({"next": request.get_full_path()})
    # Named once: "Berlin UTC+1", and "UTC" or "UTC+1" alone for a zone named after no place.
    place = timezones.place_of(zone.key)
    return format_html(
        '<a class="zone-link" href="{}"><span class="visually-hidden">Times in </span>{}'
        '<span class="zone-offset">{}</span><span class="visually-hidden">;'
        " change the time zone</span></a>",
        url,
        f"{place}\u00a0" if place else "",  # kept in the phone's flex box
        timezones.offset_label(zone, moment),
    )
