"""Which time zone a visitor sees: the conference's own, unless they chose another."""

from __future__ import annotations

import functools
import zoneinfo

SESSION_KEY = "display_timezone"


@functools.cache
def known_zones() -> tuple[str, ...]:
    """IANA names a visitor may pick, sorted; the legacy aliases stay out of the list."""
    return tuple(
        [
            *sorted(
                name
                for name in zoneinfo.available_timezones()
                if "/" in name
                and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
            ),
            "UTC",
        ]
    )


def parse_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or name not in known_zones():
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
    if parse_zone(name) is None:
        return False
    request.session[SESSION_KEY] = name
    return True
