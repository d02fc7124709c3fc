"""An agenda as a person reads it: grouped by day, in time order, clashes flagged (on one's
own agenda; a shared agenda leaves them out). A row whose item left the program is listed at
the time it was saved and clashes with nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from accounts.models import AgendaItem


@dataclass
class AgendaEntry:
    agenda_item: AgendaItem
    clashes_with: list[AgendaItem] = field(default_factory=list)
    #: The zone its time is shown in.
    zone: zoneinfo.ZoneInfo | None = None

    @property
    def item(self):
        return self.agenda_item.item


@dataclass
class AgendaDay:
    day: datetime.date | None  # None: items whose time is not known yet
    entries: list[AgendaEntry]


def _inside_own_session(a: AgendaItem, b: AgendaItem) -> bool:
    """A poster or talk in a session that is itself saved is part of it, not a clash."""
    for part, whole in ((a, b), (b, a)):
        if (
            part.item_type in ("poster", "talk")
            and whole.item_type == "session"
            and part.item.session_id == whole.session_id
        ):
            return True
    return False


def _same_place(a: AgendaItem, b: AgendaItem) -> bool:
    """Two posters or talks of one session, or two things in one known room: an attendee can
    walk from one to the other (two posters of a poster session are side by side)."""
    items = a.item_type != "session" and b.item_type != "session"
    if items and a.item.session_id == b.item.session_id:
        return True
    a_room, b_room = a.room, b.room
    return a_room is not None and b_room is not None and a_room.pk == b_room.pk


def clash(a: AgendaItem, b: AgendaItem) -> bool:
    """Two things that need the attendee in two places at once: overlapping times (an item with
    an unknown end only clashes at its start) in different places. Items of one session, in one
    room, or a poster or talk inside its own saved session do not clash; a room not known yet
    counts as another place. An item removed from the program clashes with nothing."""
    if a.is_removed or b.is_removed:
        return False
    a_start, b_start = a.starts_at, b.starts_at
    if a_start is None or b_start is None or _inside_own_session(a, b) or _same_place(a, b):
        return False
    a_end, b_end = a.ends_at or a_start, b.ends_at or b_start
    return a_start == b_start or (a_start < b_end and b_start < a_end)


def find_clashes(items: Sequence[AgendaItem]) -> dict[int, list[AgendaItem]]:
    """Each item's clashes by pk, listed in the order of ``items``.

    A sweep over the items sorted by start: each is compared only with those that start before
    it ends, so a long agenda costs little more than sorting it.
    """
    order = {item.pk: index for index, item in enumerate(items)}
    timed = sorted(
        (i for i in items if i.starts_at and not i.is_removed),
        key=lambda i: (i.starts_at, order[i.pk]),
    )
    found: dict[int, list[AgendaItem]] = defaultdict(list)
    for index, item in enumerate(timed):
        end = item.ends_at or item.starts_at
        for other in timed[index + 1 :]:
            if other.starts_at > end:
                break
            if clash(item, other):
                found[item.pk].append(other)
                found[other.pk].append(item)
    for clashes in found.values():
        clashes.sort(key=lambda other: order[other.pk])
    return found


def agenda_day(agenda_item: AgendaItem, zone: zoneinfo.ZoneInfo) -> datetime.date:
    """In the conference's own zone, its own days (00:30 may belong to the day before); in a
    zone the attendee chose, the calendar date there."""
    conference = agenda_item.conference
    if zone.key == conference.timezone:
        return conference.day_of(agenda_item.starts_at)
    return agenda_item.starts_at.astimezone(zone).date()


def build_agenda(
    user,
    items: list[AgendaItem],
    *,
    zone: zoneinfo.ZoneInfo | None = None,
    with_clashes: bool = True,
) -> tuple[list[AgendaDay], zoneinfo.ZoneInfo | None]:
    """The items by day, each with its clashes unless ``with_clashes`` is off, and the zone
    they are shown in: ``zone``, else the user's preferred one, else each item's own
    conference's (``AgendaEntry.zone``); None when those differ."""
    chosen = zone or (zoneinfo.ZoneInfo(user.timezone) if getattr(user, "timezone", "") else None)
    timed_items = sorted((i for i in items if i.starts_at), key=lambda i: i.starts_at)
    clashes = find_clashes(timed_items) if with_clashes else {}  # each listed in time order
    timed = [
        AgendaEntry(item, clashes.get(item.pk, []), chosen or item.conference.zone)
        for item in timed_items
    ]
    days: dict[datetime.date, list[AgendaEntry]] = {}
    for entry in timed:
        days.setdefault(agenda_day(entry.agenda_item, entry.zone), []).append(entry)
    grouped = [AgendaDay(day, day_entries) for day, day_entries in sorted(days.items())]
    untimed = [
        AgendaEntry(item, zone=chosen or item.conference.zone)
        for item in items
        if not item.starts_at
    ]
    if untimed:
        grouped.append(AgendaDay(None, untimed))
    if chosen:
        return grouped, chosen
    own = {item.conference.timezone for item in items}
    if len(own) > 1:
        return grouped, None
    return grouped, zoneinfo.ZoneInfo(own.pop()) if own else zoneinfo.ZoneInfo("UTC")
