"""Which time zone a visitor sees: the conference's own, unless they chose another.

The zones a visitor may pick are the canonical IANA names of the time zone database's
``zone.tab`` (one per country's region, ``Asia/Kolkata`` and not its old alias ``Asia/Calcutta``),
plus UTC. Aliases a browser or an old link still sends are accepted and read as the zone they
point to, through the database's own ``L`` (link) lines in ``tzdata.zi``.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from importlib import resources

SESSION_KEY = "display_timezone"


def _tzdata_text(name: str) -> str:
    """A file of the tzdata package (the database Python's zoneinfo reads on every system)."""
    return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def known_zones() -> tuple[str, ...]:
    """Canonical IANA names a visitor may pick, sorted, then UTC."""
    names = {
        line.split("\t")[2]
        for line in _tzdata_text("zone.tab").splitlines()
        if line and not line.startswith("#")
    }
    return (*sorted(names & zoneinfo.available_timezones()), "UTC")


@functools.cache
def _aliases() -> dict[str, str]:
    """Old name -> the name it links to ("Asia/Calcutta" -> "Asia/Kolkata")."""
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_name(name: str) -> str:
    """The name a zone is listed under: an alias followed through its links (at most a few)."""
    seen = set()
    while name in _aliases() and name not in known_zones() and name not in seen:
        seen.add(name)
        name = _aliases()[name]
    return name


@functools.cache
def zones_by_region() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(region, ((name, city), ...)) for a grouped picker: ("Europe", (("Europe/Berlin",
    "Berlin"), ...))."""
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in known_zones():
        region, _, place = name.partition("/")
        if not place:
            region, place = "Other", name
        regions.setdefault(region, []).append((name, city_of(name)))
    return tuple((region, tuple(zones)) for region, zones in regions.items())


def city_of(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" -> "Buenos Aires": what people call the place."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def place_of(name: str) -> str:
    """The place a zone is named after; "" for UTC and the Etc/ zones ("Etc/GMT-1" is UTC+1:
    its offset says all, and its name reads the other way round)."""
    if "/" not in name or name.startswith("Etc/"):
        return ""
    return city_of(name)


def offset_label(zone: zoneinfo.ZoneInfo, moment: datetime.datetime) -> str:
    """ "UTC-7" (with a real minus sign), "UTC+5:30", "UTC": the zone's offset at that moment."""
    offset = moment.astimezone(zone).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def parse_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    name = canonical_name(name)
    if name not in known_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def chosen_zone(request) -> zoneinfo.ZoneInfo | None:
    """The zone the visitor picked for this visit, if any."""
    return parse_zone(request.session.get(SESSION_KEY))


def display_zone(request, conference) -> zoneinfo.ZoneInfo:
    return chosen_zone(request) or conference.zone


def remember_zone(request, name: str | None) -> bool:
    """Keep the visitor's choice; an empty name returns to the conference's zone."""
    if not name:
        request.session.pop(SESSION_KEY, None)
        return True
    zone = parse_zone(name)
    if zone is None:
        return False
    request.session[SESSION_KEY] = zone.key
    return True
