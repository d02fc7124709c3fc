"""The organizers' admin: every program model, with inlines, search, filters and autocomplete.

Changelists annotate their counts and select their foreign keys, so a page of 100 rows costs the
same few queries as a page of one. Change forms show and read times in the conference's own zone.
Importing the modules registers their ModelAdmins; shared mixins live in ``common``.
"""

from program.admin.conferences import ConferenceAdmin, ConferencePartAdmin, RoomAdmin, TrackAdmin
from program.admin.contributions import ContributionAdmin
from program.admin.people import PersonAdmin
from program.admin.sessions import PosterAdmin, SessionAdmin, SessionItemAdmin, TalkAdmin
from program.admin.venue import FloorPlanAdmin

__all__ = [
    "ConferenceAdmin",
    "ConferencePartAdmin",
    "ContributionAdmin",
    "FloorPlanAdmin",
    "PersonAdmin",
    "PosterAdmin",
    "RoomAdmin",
    "SessionAdmin",
    "SessionItemAdmin",
    "TalkAdmin",
    "TrackAdmin",
]
