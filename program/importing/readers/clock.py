"""A file's clock: which time zone its times are shown in, and when its conference days begin.

Real files disagree with themselves: a congress names no zone and writes every time at +01:00; a
wafer file names Asia/Kolkata and writes UTC; a congress's first day starts at 11:00 and runs to
04:00, the next ones likewise; a FOSDEM file gives wall-clock times and no zone at all. The
instants a file gives are never moved; only the zone they are shown in and the hour a day
begins are chosen here.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter

from program.importing.readers.fields import ReadError

MINUTES_A_DAY = 24 * 60


def zone_named(name: str, where: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ReadError(f"{where}: {name!r} is not a time zone") from error


def fixed_zone(offset: datetime.timedelta) -> str:
    """The IANA zone of a fixed offset ("Etc/GMT-1" is UTC+01:00), or "" when there is none
    (offsets of part of an hour)."""
    hours, rest = divmod(offset, datetime.timedelta(hours=1))
    if rest or not -12 <= hours <= 14:
        return ""
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def zone_for(given: str, in_file: str, conference: str, offsets: Counter, notes: list[str]) -> str:
    """The zone to show a file's times in: the one given (``--timezone``, the preview), else
    the file's ``time_zone_name``, else the conference's own, else the offset most of its times
    carry (kept exactly), else UTC; the notes say which when the file names none."""
    if given:
        zone_named(given, "The time zone given")
        return given
    if in_file:
        zone_named(in_file, "conference.time_zone_name")
        return in_file
    if conference:
        return conference
    if not offsets:
        notes.append(
            "The file names no time zone and its times carry no offset: they are read as UTC."
            " Give the conference's zone (--timezone, or the zone in the preview)."
        )
        return "UTC"
    offset = offsets.most_common(1)[0][0]
    name = fixed_zone(offset)
    minutes = int(abs(offset).total_seconds()) // 60
    written = (
        f"{'+' if offset >= datetime.timedelta(0) else '-'}{minutes // 60:02}:{minutes % 60:02}"
    )
    notes.append(
        f"The file names no time zone; its times carry {written}, kept exactly"
        f" (shown in {name or 'UTC'}). Give the conference's zone (--timezone, or the zone in"
        " the preview) to show its local time."
    )
    return name or "UTC"


def day_start(
    minutes: list[int], declared: list[datetime.time], notes: list[str]
) -> datetime.time | None:
    """When a conference day begins so that every event stays on the day the file lists it
    under. ``minutes`` are the events' starts in minutes after midnight of their file day (past
    1,440 after midnight); ``declared`` the times the file itself names (``day_change``, each
    day's start and end), tried first, then midnight, then the first whole hour that fits."""
    if not minutes:
        return declared[0] if declared else None
    first, last = min(minutes), max(minutes)
    candidates = [*(time.hour * 60 + time.minute for time in declared), 0]
    candidates.append(-(-(last - MINUTES_A_DAY + 1) // 60) * 60)  # the first whole hour that fits
    for candidate in candidates:
        if last - MINUTES_A_DAY < candidate <= first and 0 <= candidate < MINUTES_A_DAY:
            return datetime.time(candidate // 60, candidate % 60)
    notes.append(
        "Some of the file's days hold events more than 24 hours apart: days begin at midnight"
        " here, and those events are listed on the date they start."
    )
    return datetime.time(0, 0)
