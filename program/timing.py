"""Questions about time in a conference: which is current, what is on now, what comes next."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Q

from program.models import Conference, Session, SessionItem

# How long an item lasts when neither it nor its session says, and nothing follows it in its
# room that day (calendar files and schedule.xml need an end).
DEFAULT_DURATION = datetime.timedelta(minutes=30)


def local_today(conference: Conference, now: datetime.datetime) -> datetime.date:
    """The conference day under way (days may start after midnight: Conference.day_of)."""
    return conference.day_of(now)


def current_conference(
    conferences: Sequence[Conference], now: datetime.datetime
) -> Conference | None:
    """The one running now, else the next to start, else the latest one; in each one's zone."""
    if not conferences:
        return None
    running = [c for c in conferences if c.start_date <= local_today(c, now) <= c.end_date]
    if running:
        return min(running, key=lambda c: c.start_date)
    upcoming = [c for c in conferences if c.start_date > local_today(c, now)]
    if upcoming:
        return min(upcoming, key=lambda c: c.start_date)
    return max(conferences, key=lambda c: c.end_date)


def current_changes_at(
    conferences: Sequence[Conference], now: datetime.datetime
) -> datetime.datetime | None:
    """The next moment ``current_conference`` may answer otherwise: the next start of a
    conference's first day or end of its last, in its zone (None: no such moment is left)."""
    moments = (
        conference.day_begins(day)
        for conference in conferences
        for day in (conference.start_date, conference.end_date + datetime.timedelta(days=1))
    )
    return min((moment for moment in moments if moment > now), default=None)


def is_running(conference: Conference, now: datetime.datetime) -> bool:
    return conference.start_date <= local_today(conference, now) <= conference.end_date


def offset_moment(conference: Conference, day: datetime.date | None = None) -> datetime.datetime:
    """The moment whose UTC offset a page names beside its zone ("Berlin UTC+2"): the offset
    of the times the page shows, not of today (a July conference read in November is at CEST).
    Noon of the day shown, else of the conference's first day; a conference that changes to or
    from summer time while it runs names each day's own offset on that day's page. Not ``now``:
    a kept page stays right whenever it is served."""
    return datetime.datetime.combine(
        day or conference.start_date, datetime.time(12), tzinfo=conference.zone
    )


@dataclasses.dataclass(frozen=True)
class Clock:
    """What a page that tells the time of day ("Happening now") shows at a moment: ``label``
    names it (part of the page's cache key and ETag), ``until`` is when it may next show
    something else (None: never, for a conference that is over)."""

    label: str
    until: datetime.datetime | None


def live_clock(conference: Conference, now: datetime.datetime) -> Clock:
    """The overview's clock: before the conference, one state until its first day begins; while
    it runs, one per minute (sessions start and end on whole minutes, so each minute's page
    is right for all of it); after, one for good."""
    today = local_today(conference, now)
    if today < conference.start_date:
        return Clock("before", conference.day_begins(conference.start_date))
    if today > conference.end_date:
        return Clock("after", None)
    minute = now.replace(second=0, microsecond=0)
    return Clock(f"running {minute.isoformat()}", minute + datetime.timedelta(minutes=1))


def happening_now(sessions: Iterable[Session], now: datetime.datetime) -> list[Session]:
    """Sessions under way. A session without a known end runs until the day's next start."""
    timed = sorted((s for s in sessions if s.starts_at), key=lambda s: s.starts_at)
    result = []
    for index, session in enumerate(timed):
        if session.starts_at > now:
            break
        if session.ends_at:
            if now < session.ends_at:
                result.append(session)
            continue
        later = [
            s.starts_at
            for s in timed[index + 1 :]
            if s.day == session.day and s.starts_at > session.starts_at
        ]
        # With no later start that day, it runs until its conference day ends.
        ends_with_day = local_today(session.conference, now) == session.day
        if (now < later[0]) if later else ends_with_day:
            result.append(session)
    return result


def up_next(sessions: Iterable[Session], now: datetime.datetime) -> list[Session]:
    """The sessions that start next (all of those sharing the earliest future start)."""
    future = sorted((s for s in sessions if s.starts_at and s.starts_at > now), key=_start)
    if not future:
        return []
    first = future[0].starts_at
    return [s for s in future if s.starts_at == first]


def _start(session: Session) -> datetime.datetime:
    return session.starts_at


def inferred_session_ends(sessions: Iterable[Session]) -> dict[int, datetime.datetime]:
    """Each timed session's end: its own, else the start of the next session in its room on
    its day (the program moves on then), if there is one."""
    following: dict[tuple, list[Session]] = {}
    for session in sessions:
        if session.starts_at:
            following.setdefault((session.day, session.room_id), []).append(session)
    ends = {}
    for group in following.values():
        group.sort(key=lambda session: session.starts_at)
        for session in group:
            later = (other.starts_at for other in group if other.starts_at > session.starts_at)
            end = session.ends_at or next(later, None)
            if end:
                ends[session.pk] = end
    return ends


def session_ends_around(items) -> dict[int, datetime.datetime]:
    """``inferred_session_ends`` for the days of these sessions, posters and talks: one query
    (none for no items)."""
    sessions = [item.session if isinstance(item, SessionItem) else item for item in items]
    days = {(session.conference_id, session.day) for session in sessions}
    if not days:
        return {}
    condition = Q()
    for conference_id, day in days:
        condition |= Q(conference_id=conference_id, day=day)
    return inferred_session_ends(
        Session.objects.filter(condition).only("pk", "day", "room_id", "starts_at", "ends_at")
    )


def end_of(item, ends_of: dict[int, datetime.datetime]) -> datetime.datetime:
    """An item's own end, else its session's (own or inferred), else ``DEFAULT_DURATION``
    after its start. Only for items with a known start."""
    starts = item.effective_starts_at
    session = item.session if isinstance(item, SessionItem) else item
    for end in (item.effective_ends_at, ends_of.get(session.pk)):
        if end and end > starts:
            return end
    return starts + DEFAULT_DURATION
