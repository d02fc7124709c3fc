"""A conference and its rooms, tracks and sessions, as the API reads and writes them; a session
nests its room, track and the posters and talks it holds."""

from __future__ import annotations

from rest_framework import serializers

from program.api.serializers.fields import (
    ConferenceSlugField,
    ConferenceTimeField,
    ItemRefSerializer,
    ModelRulesMixin,
    OptionalIdField,
    RoomRefSerializer,
    TrackRefSerializer,
    UrlMixin,
    WallClockField,
    absolute,
)
from program.models import Conference, Room, Session, Track


class ConferenceSerializer(ModelRulesMixin, UrlMixin, serializers.ModelSerializer):
    class Meta:
        model = Conference
        fields = [
            "slug",
            "name",
            "full_name",
            "timezone",
            "city",
            "venue",
            "start_date",
            "end_date",
            "day_starts_at",
            "is_published",
            "url",
        ]
        extra_kwargs = {"is_published": {"default": False}}

    day_starts_at = WallClockField(
        required=False,
        help_text="When a conference day begins, on its clock: at 05:00, 00:30 is the day before.",
    )


class RoomSerializer(ModelRulesMixin, serializers.ModelSerializer):
    conference = ConferenceSlugField()

    class Meta:
        model = Room
        fields = ["id", "name", "conference", "area", "capacity"]


class TrackSerializer(ModelRulesMixin, serializers.ModelSerializer):
    conference = ConferenceSlugField()

    class Meta:
        model = Track
        fields = ["id", "name", "colour", "description", "conference"]


class SessionSerializer(ModelRulesMixin, UrlMixin, serializers.ModelSerializer):
    conference = ConferenceSlugField()
    kind_display = serializers.CharField(source="kind_label", read_only=True)
    starts_at = ConferenceTimeField(required=False, allow_null=True)
    ends_at = ConferenceTimeField(required=False, allow_null=True)
    room = RoomRefSerializer(read_only=True, allow_null=True)
    room_id = OptionalIdField(Room, help_text="The room's id (writes); reads give `room`.")
    track = TrackRefSerializer(read_only=True, allow_null=True)
    track_id = OptionalIdField(Track, help_text="The track's id (writes); reads give `track`.")
    posters = ItemRefSerializer(many=True, read_only=True)
    talks = ItemRefSerializer(many=True, read_only=True)
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "conference",
            "kind",
            "kind_display",
            "title",
            "description",
            "day",
            "position",
            "starts_at",
            "ends_at",
            "room",
            "room_id",
            "track",
            "track_id",
            "posters",
            "talks",
            "url",
            "ics_url",
        ]

    def get_ics_url(self, obj) -> str | None:
        if obj.starts_at is None:
            return None
        return absolute(self.context.get("request"), obj.get_ics_url())
