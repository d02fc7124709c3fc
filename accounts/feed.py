"""Agendas as iCalendar subscriptions: the private feed of one's own agenda, and the read-only
feed of an agenda shared by link."""

from __future__ import annotations

import datetime

import icalendar
from django.db.models import Max, Prefetch
from django.db.models.functions import Coalesce

from accounts.models import AgendaItem
from program import calendar, timing
from program.models import Poster, Talk


def feed_items(user):
    """The user's visible agenda with everything the events print: a fixed number of queries."""
    return with_event_details(AgendaItem.objects.visible_to(user))


def shared_feed_items(owner):
    """What the owner's shared agenda shows (published conferences only), as ``feed_items``."""
    return with_event_details(AgendaItem.objects.shared_by(owner))


def with_event_details(items):
    return items.with_items().prefetch_related(
        Poster.prefetch_people(through="poster__"),
        Talk.prefetch_people(through="talk__"),
        Prefetch("session__posters", queryset=Poster.objects.select_related("contribution")),
        Talk.prefetch_people(through="session__talks__"),
    )


def last_program_change(items) -> datetime.datetime | None:
    """The latest edit of any program these saved items belong to: one query."""
    changed = Coalesce(
        "session__conference__program_changed_at",
        "poster__session__conference__program_changed_at",
        "talk__session__conference__program_changed_at",
    )
    return items.aggregate(latest=Max(changed))["latest"]


def agenda_calendar(items, *, title: str, url_for) -> bytes:
    """One event per saved item with a known time.

    SEQUENCE and LAST-MODIFIED follow the conference's last program edit (``calendar``), so a
    calendar app that polls the feed replaces an event whose time or room the organizers
    changed.
    """
    feed = icalendar.Calendar()
    feed.add("prodid", calendar.PRODID)
    feed.add("version", "2.0")
    feed.add("x-wr-calname", title)
    feed.add("x-published-ttl", "PT1H")
    timed = [a.item for a in items if calendar.has_known_time(a.item)]
    ends_of = timing.session_ends_around(timed)
    for agenda_item in items:
        item = agenda_item.item
        if not calendar.has_known_time(item):
            continue
        event = calendar.EVENTS[agenda_item.item_type](
            item, url_for=url_for, stamp=item.conference.program_changed_at, ends_of=ends_of
        )
        feed.add_component(event)
    feed.add_missing_timezones()
    return feed.to_ical()
