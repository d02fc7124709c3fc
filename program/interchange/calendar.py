"""iCalendar files (RFC 5545) of the program, built with the icalendar library.

Each timed session, poster and talk is one VEVENT whose UID is the item's stable ``uid``, so a
calendar app that imports the file twice updates events instead of duplicating them. DTSTAMP,
SEQUENCE and LAST-MODIFIED follow the conference's last program change, so the file and its ETag
change only when the program does. Items without a known start are left out. docs/importing.md,
"Formats written", has the rules for ends and time zones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar

from program import timing
from program.interchange.frab import legible
from program.models import Conference, Poster, Session, SessionItem, TimedItem

PRODID = "-//Conference program//EN"
UID_SUFFIX = "conference-program"
# SEQUENCE counts seconds from here, so it grows with every edit and fits in 32 bits until 2092.
SEQUENCE_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

UrlFor = Callable[[object], str]


def has_known_time(item: TimedItem) -> bool:
    return item.effective_starts_at is not None


def sequence_of(changed: datetime.datetime) -> int:
    return int((changed - SEQUENCE_EPOCH).total_seconds())


def _calendar(conference: Conference) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", legible(conference.name))
    calendar.add("x-wr-timezone", conference.timezone)
    return calendar


def _location(room, conference: Conference) -> str:
    parts = [room.name if room else "", conference.venue, conference.city]
    return ", ".join(part for part in parts if part)


def _names(people) -> str:
    return ", ".join(link.person.name for link in people)


def _event(
    *,
    kind: str,
    item,
    summary: str,
    description: str,
    room,
    conference: Conference,
    url_for: UrlFor,
    stamp: datetime.datetime,
    ends_of: dict,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{kind}-{item.uid}@{UID_SUFFIX}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    zone = conference.zone
    event.add("dtstart", item.effective_starts_at.astimezone(zone))
    event.add("dtend", timing.end_of(item, ends_of).astimezone(zone))
    event.add("summary", legible(summary))
    location = legible(_location(room, conference))
    if location:
        event.add("location", location)
    if description:
        event.add("description", legible(description))
    event.add("url", legible(url_for(item)))
    event.add("sequence", sequence_of(stamp))
    return event


def session_event(
    session: Session, *, url_for: UrlFor, stamp, ends_of, listed: bool = True
) -> icalendar.Event:
    """A session; ``listed``: its description lists its posters and talks (in a file of its
    own; the program's file has them as events of their own)."""
    lines = [session.description] if session.description else []
    if listed:
        lines += [f"Poster: {poster.title}" for poster in session.posters.all()]
        lines += [
            f"Talk: {talk.title} ({_names(talk.ordered_people)})" for talk in session.talks.all()
        ]
    return _event(
        kind="session",
        item=session,
        summary=session.heading,
        description="\n".join(lines),
        room=session.room,
        conference=session.conference,
        url_for=url_for,
        stamp=stamp,
        ends_of=ends_of,
    )


def item_event(
    item: SessionItem, *, url_for: UrlFor, stamp, ends_of, abstract: bool = True
) -> icalendar.Event:
    """A poster or a talk, as the program prints it: "Poster: title", "title (speakers)";
    the description is its people and, unless ``abstract`` is False (the program's file, which
    would grow by megabytes), its abstract."""
    names = _names(item.ordered_people)
    if isinstance(item, Poster):
        summary = f"Poster: {item.title}"
    else:
        summary = f"{item.title} ({names})" if names else item.title
    text = item.abstract if abstract else ""
    return _event(
        kind=item._meta.model_name,
        item=item,
        summary=summary,
        description="\n\n".join(part for part in (names, text) if part),
        room=item.effective_room,
        conference=item.session.conference,
        url_for=url_for,
        stamp=stamp,
        ends_of=ends_of,
    )


# The event that stands for each kind of item, by model name.
EVENTS = {"session": session_event, "poster": item_event, "talk": item_event}


def _finish(calendar: icalendar.Calendar, conference: Conference) -> bytes:
    """Add the VTIMEZONE of the conference's days only: each change of offset is then one
    DTSTART, where one for 1970-2038 lists them in RDATEs that some readers get wrong (vobject,
    so Radicale, puts a May event in Los Angeles an hour off)."""
    # A night's session may end the morning after the last day.
    calendar.add_missing_timezones(
        first_date=conference.start_date - datetime.timedelta(days=1),
        last_date=conference.end_date + datetime.timedelta(days=2),
    )
    return calendar.to_ical()


def program_calendar(conference: Conference, sessions: Iterable[Session], *, url_for) -> bytes:
    """Every timed session, poster and talk of the conference, one event each.

    ``sessions`` come in program order with their posters and talks (``for_calendar``)."""
    calendar = _calendar(conference)
    stamp = conference.program_changed_at
    sessions = list(sessions)
    ends_of = timing.inferred_session_ends(sessions)
    for session in sessions:
        if has_known_time(session):
            calendar.add_component(
                session_event(session, url_for=url_for, stamp=stamp, ends_of=ends_of, listed=False)
            )
        for item in [*session.posters.all(), *session.talks.all()]:
            if has_known_time(item):
                calendar.add_component(
                    item_event(item, url_for=url_for, stamp=stamp, ends_of=ends_of, abstract=False)
                )
    return _finish(calendar, conference)


def item_calendar(item: TimedItem, *, url_for: UrlFor) -> bytes:
    """A calendar file with one session, poster or talk."""
    calendar = _calendar(item.conference)
    if has_known_time(item):
        event = EVENTS[item._meta.model_name]
        ends_of = timing.session_ends_around([item])
        stamp = item.conference.program_changed_at
        calendar.add_component(event(item, url_for=url_for, stamp=stamp, ends_of=ends_of))
    return _finish(calendar, item.conference)
