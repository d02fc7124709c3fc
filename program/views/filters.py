"""Search and filters over a conference's program, shared by the site's search page (and later
the API): one set of fields (q, day, kind, room), one FilterSet per kind of result."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q

from program.models import Conference, Person, Poster, Room, Session, Talk, Track
from program.search.fulltext import in_rank_order

MAX_QUERY_LENGTH = 200


class ProgramFilterSet(django_filters.FilterSet):
    """The shared fields; subclasses say how each applies to their model."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        widget=django_filters.widgets.forms.TextInput(attrs={"type": "search"}),
        help_text="Words that start words of titles, abstracts and names, best matches first;"
        " case and accents do not matter.",
    )
    day = django_filters.ChoiceFilter(label="Day", method="filter_day", empty_label="Any day")
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=[], method="filter_kind", empty_label="Any kind"
    )
    room = django_filters.ModelChoiceFilter(
        label="Room", queryset=Room.objects.none(), method="filter_room", empty_label="Any room"
    )
    track = django_filters.ModelChoiceFilter(
        label="Track", queryset=Track.objects.none(), method="filter_track", empty_label="Any track"
    )

    def __init__(self, data=None, queryset=None, *, conference: Conference, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.conference = conference
        self.filters["day"].extra["choices"] = [
            (day.isoformat(), f"{day:%A} {day.day} {day:%B}") for day in conference.days
        ]
        self.filters["kind"].extra["choices"] = conference.session_kind_choices()
        self.filters["room"].queryset = conference.rooms.all()
        self.filters["track"].queryset = conference.tracks.all()

    def filter_q(self, queryset, name, value):
        return in_rank_order(queryset.search(value)) if value.strip() else queryset

    # Session-level filters; posters and talks reach them through their session.
    session_prefix = ""

    def filter_day(self, queryset, name, value):
        # The form has already checked that value is one of the conference's days.
        day = datetime.date.fromisoformat(value)
        return queryset.filter(**{f"{self.session_prefix}day": day})

    def filter_kind(self, queryset, name, value):
        return queryset.filter(**{f"{self.session_prefix}kind": value})

    def filter_room(self, queryset, name, value):
        return queryset.filter(**{f"{self.session_prefix}room": value})

    def filter_track(self, queryset, name, value):
        return queryset.filter(track=value)


class SessionFilterSet(ProgramFilterSet):
    class Meta:
        model = Session
        fields = ["q", "day", "kind", "room", "track"]


class SessionItemFilterSet(ProgramFilterSet):
    session_prefix = "session__"

    def filter_room(self, queryset, name, value):
        # An item's own room counts, else its session's.
        return queryset.filter(Q(room=value) | Q(room__isnull=True, session__room=value))

    def filter_track(self, queryset, name, value):
        # The contribution's own track counts, else the session's.
        return queryset.filter(
            Q(contribution__track=value) | Q(contribution__track__isnull=True, session__track=value)
        )


class PosterFilterSet(SessionItemFilterSet):
    class Meta:
        model = Poster
        fields = ["q", "day", "kind", "room", "track"]


class TalkFilterSet(SessionItemFilterSet):
    class Meta:
        model = Talk
        fields = ["q", "day", "kind", "room", "track"]


class PersonFilterSet(ProgramFilterSet):
    """People match by name or affiliation; day, kind and room do not narrow people."""

    class Meta:
        model = Person
        fields = ["q"]

    def filter_day(self, queryset, name, value):
        return queryset

    filter_kind = filter_room = filter_track = filter_day
