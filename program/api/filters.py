"""The API's filters. A wrong value is a 400 that names the parameter (django-filter's form)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from program.models import (
    Conference,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    Talk,
    Track,
    kinds,
)
from program.views.filters import MAX_QUERY_LENGTH

MAX_UTC_OFFSET = datetime.timedelta(hours=14)


def visible(model):
    """Choices for a filter: only what the caller may see (an unseen id is an invalid choice)."""
    return lambda request: model.objects.visible_to(getattr(request, "user", None))


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any real UTC offset, turned into UTC before it reaches the database
    (PostgreSQL refuses offsets past ±15:59, and nobody lives past ±14:00)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        offset = moment.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError("Give a UTC offset between -14:00 and +14:00.")
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as error:
            raise forms.ValidationError("This time is out of range.") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text="Words that start words of titles, abstracts, keywords, sessions and names"
        " (every word must match; a one-letter word only as a whole word); case and accents do"
        " not matter. Without ?ordering=, the best matches come first.",
    )

    def filter_q(self, queryset, name, value):
        # The ordering filter puts the best matches first (see program/api/ordering.py).
        return queryset.search(value) if value.strip() else queryset


class ConferenceChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, field_name="conference", **kwargs):
        super().__init__(
            field_name=field_name,
            to_field_name="slug",
            queryset=visible(Conference),
            help_text="The conference's slug.",
            **kwargs,
        )


class RoomFilter(django_filters.FilterSet):
    conference = ConferenceChoiceFilter()

    class Meta:
        model = Room
        fields = ["conference"]


class TrackFilter(django_filters.FilterSet):
    conference = ConferenceChoiceFilter()

    class Meta:
        model = Track
        fields = ["conference"]


class SessionFilter(SearchFilterSet):
    conference = ConferenceChoiceFilter()
    day = django_filters.DateFilter(help_text="YYYY-MM-DD, in the conference's own zone.")
    kind = django_filters.CharFilter(
        max_length=32,
        validators=[
            RegexValidator(
                rf"^{kinds.CODE.pattern}\Z", "Give a kind's code: poster_session, keynote, ..."
            )
        ],
        help_text="A session kind's code: one of the defaults (poster_session, keynote, ...)"
        " or of the conference's own.",
    )
    room = django_filters.ModelChoiceFilter(queryset=visible(Room), help_text="A room id.")
    track = django_filters.ModelChoiceFilter(queryset=visible(Track), help_text="A track id.")
    starts_after = UtcIsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", help_text="ISO 8601 with offset; inclusive."
    )
    starts_before = UtcIsoDateTimeFilter(
        field_name="starts_at", lookup_expr="lt", help_text="ISO 8601 with offset; exclusive."
    )

    class Meta:
        model = Session
        fields = [
            "conference",
            "day",
            "kind",
            "room",
            "track",
            "starts_after",
            "starts_before",
            "q",
        ]


class SessionItemFilter(SearchFilterSet):
    conference = ConferenceChoiceFilter(field_name="session__conference")
    session = django_filters.ModelChoiceFilter(queryset=visible(Session), help_text="A session id.")
    day = django_filters.DateFilter(field_name="session__day", help_text="YYYY-MM-DD.")
    track = django_filters.ModelChoiceFilter(
        queryset=visible(Track), method="filter_track", help_text="A track id (own or session's)."
    )
    person = django_filters.ModelChoiceFilter(
        queryset=visible(Person), method="filter_person", help_text="A person id."
    )

    # The schema shows the ids a client sends; django-filter hands the methods the objects.
    @extend_schema_field({"type": "integer", "description": "A track id (own or session's)."})
    def filter_track(self, queryset, name, value: Track):
        return queryset.filter(
            Q(contribution__track=value) | Q(contribution__track__isnull=True, session__track=value)
        )

    @extend_schema_field({"type": "integer", "description": "A person id."})
    def filter_person(self, queryset, name, value: Person):
        return queryset.with_person(value)


class PosterFilter(SessionItemFilter):
    class Meta:
        model = Poster
        fields = ["conference", "session", "day", "track", "person", "q"]


class TalkFilter(SessionItemFilter):
    class Meta:
        model = Talk
        fields = ["conference", "session", "day", "track", "person", "q"]


class ContributionFilter(SearchFilterSet):
    conference = ConferenceChoiceFilter()
    track = django_filters.ModelChoiceFilter(queryset=visible(Track), help_text="A track id.")
    person = django_filters.ModelChoiceFilter(
        queryset=visible(Person), method="filter_person", help_text="A person id."
    )
    scheduled = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_scheduled",
        help_text="true: presented in a session; false: accepted, not scheduled yet.",
    )

    class Meta:
        model = Contribution
        fields = ["conference", "track", "person", "scheduled", "q"]

    @extend_schema_field({"type": "integer", "description": "A person id."})
    def filter_person(self, queryset, name, value: Person):
        return queryset.with_person(value)

    def filter_scheduled(self, queryset, name, value: str):
        return queryset.scheduled(value == "true")


class PersonFilter(SearchFilterSet):
    conference = ConferenceChoiceFilter()
    external_id = django_filters.CharFilter(
        max_length=200, help_text="The same person at every conference: an ORCID or OpenReview id."
    )

    class Meta:
        model = Person
        fields = ["conference", "external_id", "q"]
