"""Program endpoints: reads for everyone (drafts for staff only), writes for organizers."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from program.api import filters, serializers
from program.models import Conference, Poster, Room, Session, Talk
from program.models import Person as PersonModel


class ProgramViewSet(viewsets.ModelViewSet):
    """Shared: only conferences the caller may see; model permissions for writes."""

    conference_path = "conference"

    def visible(self):
        return Conference.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.base_queryset().filter(**{f"{self.conference_path}__in": self.visible()})


@extend_schema(tags=["program"])
class ConferenceViewSet(ProgramViewSet):
    serializer_class = serializers.ConferenceSerializer
    lookup_field = "slug"
    ordering_fields = ["start_date", "name", "slug"]
    ordering = ["-start_date", "slug"]

    def get_queryset(self):
        return self.visible()


@extend_schema(tags=["program"])
class RoomViewSet(ProgramViewSet):
    serializer_class = serializers.RoomSerializer
    filterset_class = filters.RoomFilter
    ordering_fields = ["name", "id"]
    ordering = ["conference__slug", "name"]

    def base_queryset(self):
        return Room.objects.select_related("conference")


@extend_schema(tags=["program"])
class SessionViewSet(ProgramViewSet):
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter
    ordering_fields = ["starts_at", "day", "position", "title", "id"]
    ordering = ["day", "position", "starts_at", "id"]

    def base_queryset(self):
        return Session.objects.select_related("conference", "room").prefetch_related(
            Prefetch("posters", queryset=Poster.objects.select_related("session__conference")),
            Prefetch("talks", queryset=Talk.objects.select_related("session__conference")),
        )


@extend_schema(tags=["program"])
class PosterViewSet(ProgramViewSet):
    serializer_class = serializers.PosterSerializer
    filterset_class = filters.PosterFilter
    conference_path = "session__conference"
    ordering_fields = ["title", "position", "id"]
    ordering = ["session__day", "session__position", "position", "id"]

    def base_queryset(self):
        return Poster.objects.with_authors()


@extend_schema(tags=["program"])
class TalkViewSet(ProgramViewSet):
    serializer_class = serializers.TalkSerializer
    filterset_class = filters.TalkFilter
    conference_path = "session__conference"
    ordering_fields = ["title", "position", "id"]
    ordering = ["session__day", "session__position", "position", "id"]

    def base_queryset(self):
        return Talk.objects.with_speakers()


@extend_schema(tags=["program"])
class PersonViewSet(ProgramViewSet):
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        visible = self.visible()
        return PersonModel.objects.prefetch_related(
            Prefetch(
                "posters",
                queryset=Poster.objects.filter(session__conference__in=visible).select_related(
                    "session__conference"
                ),
                to_attr="visible_posters",
            ),
            Prefetch(
                "talks",
                queryset=Talk.objects.filter(session__conference__in=visible).select_related(
                    "session__conference"
                ),
                to_attr="visible_talks",
            ),
        )
