"""The API's JSON shapes (field names are part of the contract in PRODUCT.md and issue 5).

Reads nest what a client needs (ordered authors, the session of a poster); organizer writes use
the same serializers with a few write-only fields (``room_id``, ``author_names``) and run the
models' own ``clean()`` so the API refuses exactly what the admin refuses. The views' serializers
and the fields accounts' API reuses are named here.
"""

from program.api.serializers.conferences import (
    ConferenceSerializer,
    RoomSerializer,
    SessionSerializer,
    TrackSerializer,
)
from program.api.serializers.fields import ConferenceTimeField, RoomRefSerializer, absolute
from program.api.serializers.items import PosterSerializer, TalkSerializer
from program.api.serializers.papers import ContributionSerializer, PersonSerializer

__all__ = [
    "ConferenceSerializer",
    "ConferenceTimeField",
    "ContributionSerializer",
    "PersonSerializer",
    "PosterSerializer",
    "RoomRefSerializer",
    "RoomSerializer",
    "SessionSerializer",
    "TalkSerializer",
    "TrackSerializer",
    "absolute",
]
