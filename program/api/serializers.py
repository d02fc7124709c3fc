"""The API's JSON shapes (field names are part of the contract in PRODUCT.md and issue 5).

Reads nest what a client needs (ordered authors, the session of a poster); organizer writes use
the same serializers with a few write-only fields (``room_id``, ``author_names``) and run the
models' own ``clean()`` so the API refuses exactly what the admin refuses.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program import services
from program.models import (
    Conference,
    Contribution,
    LinkKind,
    Person,
    Poster,
    Room,
    Session,
    Talk,
    Track,
)


def conference_of(instance) -> Conference:
    """The conference whose zone a time is written in (the instance's own, or itself)."""
    return instance if isinstance(instance, Conference) else instance.conference


@extend_schema_field(OpenApiTypes.DATETIME)
class ConferenceTimeField(serializers.DateTimeField):
    """A time written with its conference's UTC offset (2025-05-15T08:30:00-07:00)."""

    def get_attribute(self, instance):
        self._zone = conference_of(instance).zone
        return super().get_attribute(instance)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(self._zone).isoformat()


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class ModelRulesMixin:
    """Runs the model's full_clean() (field rules, clean(), constraints) on writes."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        for name, value in attrs.items():
            if not isinstance(getattr(model, name, None), property):
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=self.clean_exclude())
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        return attrs

    def clean_exclude(self) -> list[str]:
        return []


class ConferenceSlugField(serializers.SlugRelatedField):
    """A conference named by its slug. Text that cannot be a slug (a NUL byte, which PostgreSQL
    refuses in a query) is answered like an unknown slug, before any lookup."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Conference.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class UrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return absolute(self.context.get("request"), obj.get_absolute_url())


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "05:00"}
)
class WallClockField(serializers.TimeField):
    """A time of day on the conference's clock, "05:00" (no zone: it is the conference's)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


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


class OptionalIdField(serializers.PrimaryKeyRelatedField):
    """A room or track given by id on writes (reads nest it); may be empty."""

    def __init__(self, model, **kwargs):
        source = model._meta.model_name
        super().__init__(
            source=source,
            queryset=model.objects.all(),
            allow_null=True,
            required=False,
            write_only=True,
            **kwargs,
        )


class TrackSerializer(ModelRulesMixin, serializers.ModelSerializer):
    conference = ConferenceSlugField()

    class Meta:
        model = Track
        fields = ["id", "name", "colour", "description", "conference"]


class TrackRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "colour"]


class RoomRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name"]


class ItemRefSerializer(UrlMixin, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


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


class LinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    url = serializers.URLField(max_length=2000)

    def to_internal_value(self, data):
        return dict(super().to_internal_value(data))  # stored as plain JSON


def links_field() -> LinkSerializer:
    return LinkSerializer(
        many=True, required=False, help_text="Typed links in printed order (http or https)."
    )


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.id")
    name = serializers.CharField(source="person.name")
    slug = serializers.CharField(source="person.slug")
    position = serializers.IntegerField()


class SpeakerRefSerializer(PersonRefSerializer):
    affiliation = serializers.CharField(source="person.affiliation")
    bio = serializers.CharField(source="person.bio")


class SessionRefSerializer(serializers.ModelSerializer):
    starts_at = ConferenceTimeField(read_only=True, allow_null=True)
    ends_at = ConferenceTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = ["id", "title", "kind", "starts_at", "ends_at"]


FOUND = (
    "people of the item's conference are found by exact name or created; a name given twice is"
    " two people who share it."
)


class PeopleNamesField(serializers.ListField):
    """Names in printed order, checked like the admin checks them (no empty name).

    Written only; every item serializer keeps them as ``people_names`` for ``set_people``.
    """

    child = serializers.CharField(max_length=200)

    def __init__(self, **kwargs):
        super().__init__(source="people_names", write_only=True, required=False, **kwargs)

    def to_internal_value(self, data):
        try:
            return services.clean_names(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


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
