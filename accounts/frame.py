"""The conference header around an attendee's pages (My agenda, the account, a shared agenda)."""

from __future__ import annotations

import zoneinfo

from django.utils.timezone import now

from program import timing
from program.models import Conference, Session
from program.timezones import display_zone


def conference_frame(request, zone=None) -> dict:
    """The conference header around an attendee's pages (day tabs, search): the conference
    running now, else the next, else the latest (two queries); just a zone without one."""
    conference = timing.current_conference(list(Conference.objects.visible_to(request.user)), now())
    if conference is None:
        return {"zone": zone or zoneinfo.ZoneInfo("UTC")}
    return {
        "conference": conference,
        "program_days": Session.objects.for_conference(conference).days(),
        "zone": zone or display_zone(request, conference),
    }
