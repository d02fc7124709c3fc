"""Contributions (a paper or talk with every slot it is presented in) and people (with their
contributions, posters and talks), as the API reads and writes them."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program import services
from program.api.serializers.fields import (
    FOUND,
    ConferenceSlugField,
    ConferenceTimeField,
    ModelRulesMixin,
    OptionalIdField,
    PeopleNamesField,
    PersonRefSerializer,
    RoomRefSerializer,
    SessionRefSerializer,
    TrackRefSerializer,
    UrlMixin,
    links_field,
)
from program.models import Conference, Contribution, Person, Track


class PresentationSerializer(UrlMixin, serializers.Serializer):
    """One slot of a contribution: a poster or a talk, where and when."""

    type = serializers.SerializerMethodField()
    id = serializers.IntegerField()
    session = SessionRefSerializer()
    starts_at = ConferenceTimeField(source="effective_starts_at", allow_null=True)
    ends_at = ConferenceTimeField(source="effective_ends_at", allow_null=True)
    room = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()

    def get_type(self, item) -> str:
        return item._meta.model_name  # "poster" or "talk"

    @extend_schema_field(RoomRefSerializer(allow_null=True))
    def get_room(self, item):
        room = item.effective_room
        return RoomRefSerializer(room).data if room else None

    def get_board(self, item) -> str:
        return getattr(item, "board", "")


class ContributionSerializer(ModelRulesMixin, UrlMixin, serializers.ModelSerializer):
    """A paper or talk and every slot it is presented in (none yet: accepted, not scheduled)."""

    conference = ConferenceSlugField(
        help_text="The conference this paper or talk belongs to (set when created)."
    )
    track = TrackRefSerializer(read_only=True, allow_null=True)
    track_id = OptionalIdField(Track, help_text="The track's id (writes); reads give `track`.")
    links = links_field()
    authors = PersonRefSerializer(source="ordered_people", many=True, read_only=True)
    author_names = PeopleNamesField(
        max_length=100, help_text="Authors or speakers in printed order; " + FOUND
    )
    presentations = PresentationSerializer(many=True, read_only=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "conference",
            "title",
            "abstract",
            "track",
            "track_id",
            "keywords",
            "language",
            "external_url",
            "links",
            "authors",
            "author_names",
            "presentations",
            "url",
        ]

    def validate_conference(self, conference: Conference) -> Conference:
        if self.instance and conference.pk != self.instance.conference_id:
            raise serializers.ValidationError(
                "A paper stays in its conference; add it to the other conference instead."
            )
        return conference

    @transaction.atomic
    def create(self, validated_data):
        names = validated_data.pop("people_names", [])
        contribution = super().create(validated_data)
        services.set_people(contribution, names)
        return contribution

    @transaction.atomic
    def update(self, instance, validated_data):
        names = validated_data.pop("people_names", None)
        contribution = super().update(instance, validated_data)
        if names is not None:
            services.set_people(contribution, names)
        return contribution


class PersonItemSerializer(UrlMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    conference = serializers.CharField(source="session.conference.slug")


class PersonContributionSerializer(UrlMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PersonSerializer(ModelRulesMixin, UrlMixin, serializers.ModelSerializer):
    conference = ConferenceSlugField(
        help_text="The conference this record of the person belongs to (set when created)."
    )
    contributions = PersonContributionSerializer(
        source="ordered_contributions", many=True, read_only=True
    )
    posters = serializers.SerializerMethodField()
    talks = serializers.SerializerMethodField()
    links = links_field()

    class Meta:
        model = Person
        fields = [
            "id",
            "conference",
            "slug",
            "name",
            "external_id",
            "affiliation",
            "bio",
            "links",
            "contributions",
            "posters",
            "talks",
            "url",
        ]
        extra_kwargs = {"slug": {"required": False}}
        # The model's constraints are checked by full_clean (ModelRulesMixin); DRF's own unique
        # check of (conference, slug) would make the slug required, which ``create`` assigns.
        validators = []

    def validate_conference(self, conference: Conference) -> Conference:
        if self.instance and conference.pk != self.instance.conference_id:
            raise serializers.ValidationError(
                "A person stays in their conference; add a person to the other conference instead."
            )
        return conference

    def _items(self, person, relation: str) -> list:
        """The posters or talks of the person's contributions, in program order (prefetched by
        the view as ``ordered_contributions``)."""
        items = [
            item
            for contribution in getattr(person, "ordered_contributions", [])
            for item in getattr(contribution, relation).all()
        ]
        items.sort(key=lambda i: (i.session.day, i.session.position, i.position, i.pk))
        return PersonItemSerializer(items, many=True, context=self.context).data

    @extend_schema_field(PersonItemSerializer(many=True))
    def get_posters(self, person):
        return self._items(person, "posters")

    @extend_schema_field(PersonItemSerializer(many=True))
    def get_talks(self, person):
        return self._items(person, "talks")

    def create(self, validated_data):
        validated_data.setdefault(
            "slug",
            Person.objects.unique_slug(validated_data["conference"], validated_data["name"]),
        )
        return super().create(validated_data)

    def clean_exclude(self) -> list[str]:
        return [] if self.instance or self.initial_data.get("slug") else ["slug"]
