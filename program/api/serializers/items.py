"""Posters and talks: one slot of a contribution, read with what the contribution says and
written through it, in one transaction (a new contribution, or another slot of one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program import services
from program.api.serializers.fields import (
    FOUND,
    ConferenceTimeField,
    LinkSerializer,
    OptionalIdField,
    PeopleNamesField,
    PersonRefSerializer,
    RoomRefSerializer,
    SessionRefSerializer,
    SpeakerRefSerializer,
    TrackRefSerializer,
    UrlMixin,
)
from program.models import Contribution, Poster, Room, Session, Talk, Track


class ContributionRefSerializer(UrlMixin, serializers.Serializer):
    id = serializers.IntegerField()


class SessionItemSerializer(UrlMixin, serializers.ModelSerializer):
    """Posters and talks: one slot (session, room, position) of a contribution, whose title,
    abstract, people, track, keywords, language and links they show and write."""

    # Subclasses name the people's fields for the contract (``authors``/``author_names``,
    # ``speakers``/``speaker_names``); both names fields write to ``people_names``.

    session = SessionRefSerializer(read_only=True)
    session_id = serializers.PrimaryKeyRelatedField(
        source="session", queryset=Session.objects.all(), write_only=True
    )
    contribution = ContributionRefSerializer(read_only=True)
    contribution_id = serializers.PrimaryKeyRelatedField(
        source="chosen_contribution",
        queryset=Contribution.objects.all(),
        required=False,
        write_only=True,
        help_text=(
            "Another slot of an existing paper or talk (its id in /api/v1/contributions/); left"
            " out on create, a new contribution is made from title, abstract and people."
            " Content fields given with it change the contribution for all its slots."
        ),
    )
    # What the contribution says, read and written through each of its posters and talks.
    title = serializers.CharField(source="contribution.title", max_length=500, required=False)
    abstract = serializers.CharField(
        source="contribution.abstract", allow_blank=True, required=False
    )
    external_url = serializers.URLField(
        source="contribution.external_url", max_length=500, allow_blank=True, required=False
    )
    links = LinkSerializer(
        source="contribution.links",
        many=True,
        required=False,
        help_text="Typed links in printed order (http or https).",
    )
    keywords = serializers.ListField(
        source="contribution.keywords",
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="Words or phrases, in printed order.",
    )
    language = serializers.CharField(
        source="contribution.language",
        max_length=35,
        allow_blank=True,
        required=False,
        help_text='A language tag: "en", "de", "pt-BR".',
    )
    room = serializers.SerializerMethodField()
    room_id = OptionalIdField(Room, help_text="Own room (writes); empty means the session's room.")
    track = serializers.SerializerMethodField()
    track_id = serializers.PrimaryKeyRelatedField(
        source="contribution.track",
        queryset=Track.objects.all(),
        allow_null=True,
        required=False,
        write_only=True,
        help_text="The contribution's track (writes); empty means the session's track.",
    )
    starts_at = ConferenceTimeField(source="effective_starts_at", read_only=True, allow_null=True)
    ends_at = ConferenceTimeField(source="effective_ends_at", read_only=True, allow_null=True)

    base_fields = [
        "id",
        "title",
        "abstract",
        "position",
        "session",
        "session_id",
        "contribution",
        "contribution_id",
        "room",
        "room_id",
        "track",
        "track_id",
        "starts_at",
        "ends_at",
        "keywords",
        "language",
        "external_url",
        "links",
        "url",
    ]
    #: Errors of the contribution's fields, under the names this serializer uses.
    CONTRIBUTION_ERRORS = {"track": "track_id", "conference": "contribution_id"}

    def get_field_names(self, declared_fields, info):
        # The shared fields, the subclass's own model fields (Meta.model_fields), then its people
        # fields in the order it declares them.
        own = [
            name for name in declared_fields if name not in SessionItemSerializer._declared_fields
        ]
        return [*self.base_fields, *getattr(self.Meta, "model_fields", []), *own]

    @extend_schema_field(RoomRefSerializer(allow_null=True))
    def get_room(self, obj):
        room = obj.effective_room
        return RoomRefSerializer(room).data if room else None

    @extend_schema_field(TrackRefSerializer(allow_null=True))
    def get_track(self, obj):
        track = obj.effective_track
        return TrackRefSerializer(track).data if track else None

    def validate(self, attrs):
        """Checks the slot and its contribution as the admin does, before anything is saved."""
        content = attrs.pop("contribution", {})
        chosen = attrs.pop("chosen_contribution", None)
        item = self.instance or self.Meta.model()
        for name, value in attrs.items():
            if name != "people_names":
                setattr(item, name, value)
        if chosen is not None:
            contribution = chosen
        elif self.instance is not None:
            contribution = self.instance.contribution
        elif "title" not in content:
            raise serializers.ValidationError(
                {"title": "Give the title, or contribution_id for another slot of a paper."}
            )
        else:
            contribution = Contribution(conference=item.session.conference)
        for name, value in content.items():
            setattr(contribution, name, value)
        errors = {}
        try:
            contribution.full_clean(exclude=["conference"] if not contribution.pk else [])
        except DjangoValidationError as error:
            for name, messages in error.message_dict.items():
                errors[self.CONTRIBUTION_ERRORS.get(name, name)] = messages
        item.contribution = contribution
        try:
            item.full_clean(exclude=["contribution"] if not contribution.pk else [])
        except DjangoValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault("contribution_id" if name == "contribution" else name, messages)
        if errors:
            raise serializers.ValidationError(errors)
        attrs["contribution"] = contribution
        return attrs

    @transaction.atomic
    def save_contribution(self, validated_data):
        contribution = validated_data["contribution"]
        names = validated_data.pop("people_names", None)
        contribution.save()
        if names is not None:
            services.set_people(contribution, names)

    def create(self, validated_data):
        with transaction.atomic():
            self.save_contribution(validated_data)
            item = self.Meta.model(**validated_data)
            item.save()
        return item

    def update(self, instance, validated_data):
        with transaction.atomic():
            self.save_contribution(validated_data)
            for name, value in validated_data.items():
                setattr(instance, name, value)
            instance.save()
        return instance


class PosterSerializer(SessionItemSerializer):
    authors = PersonRefSerializer(source="ordered_people", many=True, read_only=True)
    author_names = PeopleNamesField(max_length=100, help_text="Authors in printed order; " + FOUND)

    class Meta:
        model = Poster
        model_fields = ["board"]


class TalkSerializer(SessionItemSerializer):
    presentation_type_display = serializers.CharField(source="slot_label", read_only=True)
    speakers = SpeakerRefSerializer(source="ordered_people", many=True, read_only=True)
    speaker_names = PeopleNamesField(max_length=50, help_text="Speakers in order; " + FOUND)

    class Meta:
        model = Talk
        model_fields = ["presentation_type", "do_not_record"]
