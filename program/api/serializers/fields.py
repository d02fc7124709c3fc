"""What every API serializer builds on: times in the conference's zone, slugs and ids on writes,
absolute URLs, the models' own ``full_clean()`` on writes (``ModelRulesMixin``), typed links,
people's names, and the small nested shapes (a room, a track, a session, a person at a
position) that the responses embed."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from program import services
from program.models import Conference, LinkKind, Room, Session, Track


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
