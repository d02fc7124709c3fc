"""Program endpoints: reads for everyone (drafts for staff only), writes for organizers.

Each viewset's queryset is the model's ``visible_to(user)`` plus what its serializer prints, so
serializers never query. A write answers with the object reloaded through that queryset.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from program.api import filters, serializers
from program.api.ordering import AliasedOrderingFilter
from program.api.public import PublicReads
from program.models import Conference, Contribution, Person, Poster, Room, Session, Talk, Track


class ProgramViewSet(PublicReads, viewsets.ModelViewSet):
    """Shared: only conferences the caller may see; model permissions for writes; anonymous
    reads public and conditional (program/api/public.py)."""

    model = None

    def get_queryset(self):
        return self.with_related(self.model.objects.visible_to(self.request.user))

    def with_related(self, queryset):
        return queryset

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


@extend_schema(tags=["program"])
class ConferenceViewSet(ProgramViewSet):
    model = Conference
    serializer_class = serializers.ConferenceSerializer
    lookup_field = "slug"
    ordering_fields = ["start_date", "name", "slug"]
    ordering = ["-start_date", "slug"]


class ConferencePartViewSet(ProgramViewSet):
    # Rooms and tracks: named parts of one conference. (A docstring here would become the
    # schema's description of every room and track operation.)

    ordering_fields = ["name", "id"]
    ordering = ["conference__slug", "name"]

    def with_related(self, queryset):
        return queryset.select_related("conference")


@extend_schema(tags=["program"])
class RoomViewSet(ConferencePartViewSet):
    model = Room
    serializer_class = serializers.RoomSerializer
    filterset_class = filters.RoomFilter


@extend_schema(tags=["program"])
class TrackViewSet(ConferencePartViewSet):
    model = Track
    serializer_class = serializers.TrackSerializer
    filterset_class = filters.TrackFilter


@extend_schema(tags=["program"])
class SessionViewSet(ProgramViewSet):
    model = Session
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter
    ordering_fields = ["starts_at", "day", "position", "title", "id"]
    ordering = ["day", "position", "starts_at", "id"]

    def with_related(self, queryset):
        return queryset.select_related("conference", "room", "track").prefetch_related(
            *(
                Prefetch(
                    model.session_relation,
                    queryset=model.objects.select_related("session__conference", "contribution"),
                )
                for model in (Poster, Talk)
            )
        )


class SessionItemViewSet(ProgramViewSet):
    filter_backends = [DjangoFilterBackend, AliasedOrderingFilter]
    ordering_fields = ["title", "position", "id"]
    # ``?ordering=title`` sorts by the contribution's title.
    ordering_aliases = {"title": "contribution__title"}
    ordering = ["session__day", "session__position", "position", "id"]

    def with_related(self, queryset):
        return queryset.with_people()


@extend_schema(tags=["program"])
class PosterViewSet(SessionItemViewSet):
    model = Poster
    serializer_class = serializers.PosterSerializer
    filterset_class = filters.PosterFilter


@extend_schema(tags=["program"])
class TalkViewSet(SessionItemViewSet):
    model = Talk
    serializer_class = serializers.TalkSerializer
    filterset_class = filters.TalkFilter


@extend_schema(tags=["program"])
class PersonViewSet(ProgramViewSet):
    model = Person
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def with_related(self, queryset):
        # A person is visible with their conference, and so are all their papers and talks.
        slots = (
            Prefetch(relation, queryset=model.objects.select_related("session__conference"))
            for relation, model in (("posters", Poster), ("talks", Talk))
        )
        return queryset.select_related("conference").prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("conference")
                .order_by("title", "pk")
                .prefetch_related(*slots),
                to_attr="ordered_contributions",
            )
        )


@extend_schema(tags=["program"])
class ContributionViewSet(ProgramViewSet):
    model = Contribution
    serializer_class = serializers.ContributionSerializer
    filterset_class = filters.ContributionFilter
    ordering_fields = ["title", "id"]
    ordering = ["conference__slug", "title", "id"]

    def with_related(self, queryset):
        return queryset.with_presentations()
