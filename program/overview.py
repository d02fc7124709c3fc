"""What a conference's landing page says of its days: counts per day and kind, its hours, rooms
and tracks with their colours, and what is on now and next while it runs. A room-day session
(``Session.is_room_day``) counts as its talks and posters, never as a session.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from program import timing
from program.models import Conference, Poster, Session, Talk, Track


@dataclass
class DaySummary:
    date: datetime.date
    #: ("Keynote", 2), ("talks", 403), in the order the program has them.
    counts: list[tuple[str, int]] = field(default_factory=list)
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    rooms: int = 0
    tracks: list[Track] = field(default_factory=list)
    grid: bool = False


def _plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def day_summaries(conference: Conference, sessions: list[Session]) -> list[DaySummary]:
    """``sessions``: the conference's, with ``poster_count`` and ``talk_count`` annotated and
    their rooms (the overview's one query); tracks cost two more."""
    by_day: dict[datetime.date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.day].append(session)
    track_ids: dict[datetime.date, set[int]] = defaultdict(set)
    for model in (Talk, Poster):
        pairs = (
            model.objects.filter(session__conference=conference, contribution__track__isnull=False)
            .values_list("session__day", "contribution__track")
            .order_by()
            .distinct()
        )
        for day, track in pairs:
            track_ids[day].add(track)
    tracks = {
        track.pk: track
        for track in Track.objects.filter(conference=conference).select_related("conference")
    }
    summaries = []
    for day, day_sessions in sorted(by_day.items()):
        kinds: Counter = Counter()
        talks = posters = 0
        for session in day_sessions:
            talks += session.talk_count
            posters += session.poster_count
            if session.track_id:
                track_ids[day].add(session.track_id)
            if not session.is_room_day:
                kinds[session.kind_label] += 1
        counts = [(_plural(label, n), n) for label, n in kinds.items()]
        counts += [(_plural(word, n), n) for word, n in (("talk", talks), ("poster", posters)) if n]
        starts = [s.starts_at for s in day_sessions if s.starts_at]
        ends = [s.ends_at or s.starts_at for s in day_sessions if s.starts_at]
        summaries.append(
            DaySummary(
                date=day,
                counts=counts,
                starts_at=min(starts, default=None),
                ends_at=max(ends, default=None),
                rooms=len({s.room_id for s in day_sessions if s.room_id}),
                tracks=sorted(
                    (tracks[pk] for pk in track_ids[day] if pk in tracks), key=lambda t: t.name
                ),
                grid=any(s.is_room_day for s in day_sessions),
            )
        )
    return summaries


def now_and_next(conference: Conference, sessions: list[Session], moment: datetime.datetime):
    """What is under way and what starts next: sessions, and in room-day sessions of today
    their talks and posters (two queries more, on a day with such sessions)."""
    today = timing.local_today(conference, moment)
    items = [s for s in sessions if not s.is_room_day]
    rooms_today = [s.pk for s in sessions if s.is_room_day and s.day == today]
    if rooms_today:
        for model in (Talk, Poster):
            found = model.objects.filter(session__in=rooms_today).select_related(
                "session__conference", "session__room", "room", "contribution"
            )
            items += list(found)
    for item in items:
        if not hasattr(item, "heading"):
            item.heading = item.title
    now = timing.happening_now(items, moment)
    return now, timing.up_next(items, moment)
