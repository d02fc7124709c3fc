"""iCalendar files (RFC 5545) for the program, made with the icalendar library.

Each session, poster and talk is one VEVENT whose UID comes from the item's stable ``uid``, so a
calendar app that imports the file twice updates the event instead of duplicating it. Times are
written in the conference's zone with its VTIMEZONE. Items whose start is unknown are left out:
a calendar cannot hold "time to be announced", and we never guess.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils.timezone import now

from program.models import Conference, Poster, Session, Talk

PRODID = "-//Conference program//EN"
UID_SUFFIX = "conference-program"

UrlFor = Callable[[object], str]


def has_known_time(item: Session | Poster | Talk) -> bool:
    return _starts(item) is not None


def _starts(item) -> datetime.datetime | None:
    return getattr(item, "effective_starts_at", item.starts_at)


def _ends(item) -> datetime.datetime | None:
    return getattr(item, "effective_ends_at", item.ends_at)


def _calendar(conference: Conference) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", conference.name)
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
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{kind}-{item.uid}@{UID_SUFFIX}")
    event.add("dtstamp", stamp)
    zone = conference.zone
    event.add("dtstart", _starts(item).astimezone(zone))
    ends = _ends(item)
    if ends:
        event.add("dtend", ends.astimezone(zone))
    event.add("summary", summary)
    location = _location(room, conference)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("url", url_for(item))
    event.add("sequence", 0)
    return event


def session_event(session: Session, *, url_for: UrlFor, stamp) -> icalendar.Event:
    lines = [session.description] if session.description else []
    lines += [f"Poster: {poster.title}" for poster in session.posters.all()]
    lines += [
        f"Talk: {talk.title} ({_names(talk.speakerships.all())})" for talk in session.talks.all()
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
    )


def poster_event(poster: Poster, *, url_for: UrlFor, stamp) -> icalendar.Event:
    authors = _names(poster.authorships.all())
    return _event(
        kind="poster",
        item=poster,
        summary=f"Poster: {poster.title}",
        description="\n\n".join(part for part in (authors, poster.abstract) if part),
        room=poster.effective_room,
        conference=poster.session.conference,
        url_for=url_for,
        stamp=stamp,
    )


def talk_event(talk: Talk, *, url_for: UrlFor, stamp) -> icalendar.Event:
    speakers = _names(talk.speakerships.all())
    return _event(
        kind="talk",
        item=talk,
        summary=f"{talk.title} ({speakers})" if speakers else talk.title,
        description="\n\n".join(part for part in (speakers, talk.abstract) if part),
        room=talk.effective_room,
        conference=talk.session.conference,
        url_for=url_for,
        stamp=stamp,
    )


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def program_calendar(conference: Conference, sessions: Iterable[Session], *, url_for) -> bytes:
    """Every timed session of the conference, one event each (posters are in their session)."""
    calendar = _calendar(conference)
    stamp = now()
    for session in sessions:
        if has_known_time(session):
            calendar.add_component(session_event(session, url_for=url_for, stamp=stamp))
    return _finish(calendar)


def session_calendar(session: Session, *, url_for: UrlFor) -> bytes:
    calendar = _calendar(session.conference)
    if has_known_time(session):
        calendar.add_component(session_event(session, url_for=url_for, stamp=now()))
    return _finish(calendar)


def poster_calendar(poster: Poster, *, url_for: UrlFor) -> bytes:
    calendar = _calendar(poster.session.conference)
    if has_known_time(poster):
        calendar.add_component(poster_event(poster, url_for=url_for, stamp=now()))
    return _finish(calendar)


def talk_calendar(talk: Talk, *, url_for: UrlFor) -> bytes:
    calendar = _calendar(talk.session.conference)
    if has_known_time(talk):
        calendar.add_component(talk_event(talk, url_for=url_for, stamp=now()))
    return _finish(calendar)
