"""The program: conferences, rooms, sessions, contributions (papers and talks), their posters and
talks, and the people behind them.

Rules that the database can hold are constraints (end after start, unique author positions, room
and session of one conference via triggers in migration 0002); rules that need the conference's
time zone live in ``clean()`` so that the admin and the API share them. Each queryset lives
beside its model.
"""

from program.models.conference import (
    RESERVED_SLUGS,
    Conference,
    Room,
    Track,
    can_see_drafts,
    validate_conference_slug,
    validate_timezone,
)
from program.models.contributions import LANGUAGE_TAG, Contribution
from program.models.imports import PendingImport
from program.models.items import Poster, SessionItem, Talk
from program.models.kinds import PresentationType, SessionKind
from program.models.links import LinkKind, guess_kind, validate_links
from program.models.people import ORDERED_PEOPLE_MODELS, Authorship, Person, PersonAtPosition
from program.models.search import ContributionSearch, PersonSearch, SessionSearch
from program.models.sessions import Session, TimedItem
from program.models.similar import SimilarContribution
from program.models.venue import BoardSpot, FloorPlan

__all__ = [
    "LANGUAGE_TAG",
    "ORDERED_PEOPLE_MODELS",
    "RESERVED_SLUGS",
    "Authorship",
    "BoardSpot",
    "Conference",
    "Contribution",
    "ContributionSearch",
    "FloorPlan",
    "LinkKind",
    "PendingImport",
    "Person",
    "PersonAtPosition",
    "PersonSearch",
    "Poster",
    "PresentationType",
    "Room",
    "Session",
    "SessionItem",
    "SessionKind",
    "SessionSearch",
    "SimilarContribution",
    "Talk",
    "TimedItem",
    "Track",
    "can_see_drafts",
    "guess_kind",
    "validate_conference_slug",
    "validate_links",
    "validate_timezone",
]
