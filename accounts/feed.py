"""Agendas as iCalendar subscriptions: the private feed of one's own agenda, and the read-only
feed of an agenda shared by link. An item removed from the program stays in both as its event,
cancelled, until its owner dismisses it: a calendar app that had it marks it cancelled."""

from __future__ import annotations

import datetime

import icalendar
from django.db.models import Max, Prefetch

from accounts.models import AgendaItem
from program import timing
from program.interchange import calendar
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
    return items.aggregate(latest=Max("conference__program_changed_at"))["latest"]


def last_change(owner) -> datetime.datetime:
    """When the owner's feeds last changed: they saved, removed or dismissed something (or an
    item of theirs left the program), or a program of theirs changed, published or not (so
    publishing and unpublishing count too). One query."""
    program_changed = last_program_change(AgendaItem.objects.filter(user=owner))
    return max(filter(None, [owner.agenda_changed_at, program_changed]))


def agenda_calendar(items, *, title: str, url_for, reminder_minutes: int = 0) -> bytes:
    """One event per saved item with a known time, cancelled for an item removed from the
    program; with ``reminder_minutes``, each scheduled event has an alarm that long before.

    SEQUENCE and LAST-MODIFIED follow the conference's last program edit (``calendar``), so a
    calendar app that polls the feed replaces an event whose time or room the organizers
    changed.
    """
    feed = icalendar.Calendar()
    feed.add("prodid", calendar.PRODID)
    feed.add("version", "2.0")
    feed.add("x-wr-calname", title)
    feed.add("x-published-ttl", "PT1H")
    scheduled = [a.item for a in items if not a.is_removed]
    timed = [item for item in scheduled if calendar.has_known_time(item)]
    ends_of = timing.session_ends_around(timed)
    for agenda_item in items:
        item = agenda_item.item
        if item is None:
            if agenda_item.saved_starts_at:
                feed.add_component(cancelled_event(agenda_item))
            continue
        if not calendar.has_known_time(item):
            continue
        event = calendar.EVENTS[agenda_item.item_type](
            item, url_for=url_for, stamp=item.conference.program_changed_at, ends_of=ends_of
        )
        if reminder_minutes:
            event.add_component(reminder(event, reminder_minutes))
        feed.add_component(event)
    add_timezones(feed, [a.starts_at for a in items if a.starts_at])
    return feed.to_ical()


def add_timezones(feed: icalendar.Calendar, starts: list[datetime.datetime]) -> None:
    """The VTIMEZONEs of the agenda's dates only, as the program's files have them
    (``calendar._finish``): one for 1970-2038 puts a May event an hour off in vobject."""
    if not starts:
        return
    feed.add_missing_timezones(
        first_date=min(starts).date() - datetime.timedelta(days=1),
        last_date=max(starts).date() + datetime.timedelta(days=2),
    )


def reminder(event: icalendar.Event, minutes: int) -> icalendar.Alarm:
    """A display alarm ``minutes`` before the event starts (RFC 5545 VALARM)."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", str(event["summary"]))
    alarm.add("trigger", -datetime.timedelta(minutes=minutes))
    return alarm


def cancelled_event(agenda_item: AgendaItem) -> icalendar.Event:
    """The event of an item that left the program, as it was saved: the same UID as while it
    was scheduled (``calendar._event``), STATUS:CANCELLED, and a SEQUENCE above the last one."""
    conference = agenda_item.conference
    stamp = max(agenda_item.removed_at, conference.program_changed_at)
    starts = agenda_item.saved_starts_at
    ends = agenda_item.saved_ends_at or starts + timing.DEFAULT_DURATION
    title = agenda_item.saved_title
    event = icalendar.Event()
    event.add("uid", f"{agenda_item.item_type}-{agenda_item.item_uid}@{calendar.UID_SUFFIX}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", starts.astimezone(conference.zone))
    event.add("dtend", ends.astimezone(conference.zone))
    event.add("summary", f"Poster: {title}" if agenda_item.item_type == "poster" else title)
    event.add("status", "CANCELLED")
    location = [agenda_item.saved_room, conference.venue, conference.city]
    if any(location):
        event.add("location", ", ".join(part for part in location if part))
    event.add("description", "Removed from the program.")
    event.add("sequence", calendar.sequence_of(stamp))
    return event
