"""Querysets that answer the program's questions.

Pages, the API and calendar exports all load the program through these, so that one place knows
how to fetch a day with its rooms, posters, talks and ordered people in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Prefetch

if TYPE_CHECKING:
    from program.models import Conference


class ConferenceQuerySet(models.QuerySet):
    def published(self) -> ConferenceQuerySet:
        return self.filter(is_published=True)

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class RoomQuerySet(models.QuerySet):
    def get_by_natural_key(self, conference_slug: str, name: str):
        return self.get(conference__slug=conference_slug, name=name)


class PersonQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class ByUidQuerySet(models.QuerySet):
    """Sessions, posters and talks are found by their stable uid in fixtures."""

    def get_by_natural_key(self, uid: str):
        return self.get(uid=uid)


class SessionQuerySet(ByUidQuerySet):
    def published(self) -> SessionQuerySet:
        return self.filter(conference__is_published=True)

    def for_conference(self, conference: Conference) -> SessionQuerySet:
        return self.filter(conference=conference)

    def for_day(self, conference: Conference, day: datetime.date) -> SessionQuerySet:
        return self.filter(conference=conference, day=day)

    def in_program_order(self) -> SessionQuerySet:
        # The explicit position decides; a session without a known time keeps its place.
        return self.order_by("day", "position", "starts_at", "pk")

    def with_program(self) -> SessionQuerySet:
        """Sessions with conference, room, posters, talks and ordered people: five queries."""
        from program.models import Authorship, Poster, Speakership, Talk

        return self.select_related("conference", "room").prefetch_related(
            Prefetch(
                "posters",
                queryset=Poster.objects.select_related("room").prefetch_related(
                    Prefetch(
                        "authorships",
                        queryset=Authorship.objects.select_related("person").order_by("position"),
                    )
                ),
            ),
            Prefetch(
                "talks",
                queryset=Talk.objects.select_related("room").prefetch_related(
                    Prefetch(
                        "speakerships",
                        queryset=Speakership.objects.select_related("person").order_by("position"),
                    )
                ),
            ),
        )


class PosterQuerySet(ByUidQuerySet):
    def published(self) -> PosterQuerySet:
        return self.filter(session__conference__is_published=True)

    def with_authors(self) -> PosterQuerySet:
        from program.models import Authorship

        return self.select_related("session__conference", "session__room", "room").prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person").order_by("position"),
            )
        )


class TalkQuerySet(ByUidQuerySet):
    def published(self) -> TalkQuerySet:
        return self.filter(session__conference__is_published=True)

    def with_speakers(self) -> TalkQuerySet:
        from program.models import Speakership

        return self.select_related("session__conference", "session__room", "room").prefetch_related(
            Prefetch(
                "speakerships",
                queryset=Speakership.objects.select_related("person").order_by("position"),
            )
        )


class AuthorshipQuerySet(models.QuerySet):
    def get_by_natural_key(self, poster_uid: str, position: int):
        return self.get(poster__uid=poster_uid, position=position)


class SpeakershipQuerySet(models.QuerySet):
    def get_by_natural_key(self, talk_uid: str, position: int):
        return self.get(talk__uid=talk_uid, position=position)
