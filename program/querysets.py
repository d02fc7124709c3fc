"""Querysets that answer the program's questions.

Pages, the API and calendar exports all load the program through these, so that one place knows
how to fetch a day with its rooms, posters, talks and ordered people in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from program.search import terms

if TYPE_CHECKING:
    from program.models import Conference


def each_word_matches(query: str, condition_for_word) -> Q:
    """AND over the query's folded words of ``condition_for_word(word)``."""
    condition = Q()
    for word in terms(query):
        condition &= condition_for_word(word)
    return condition


class ConferenceQuerySet(models.QuerySet):
    def published(self) -> ConferenceQuerySet:
        return self.filter(is_published=True)

    def visible_to(self, user) -> ConferenceQuerySet:
        """Drafts are for staff (organizers) only."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class RoomQuerySet(models.QuerySet):
    def get_by_natural_key(self, conference_slug: str, name: str):
        return self.get(conference__slug=conference_slug, name=name)


class PersonQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)

    def unique_slug(self, name: str) -> str:
        """A slug for a new person called ``name`` that nobody in the database holds yet."""
        base = self.model.slug_base(name)
        taken = set(self.filter(slug__startswith=base).values_list("slug", flat=True))
        return self.model.free_slug(name, taken)

    def search(self, query: str) -> PersonQuerySet:
        return self.filter(
            each_word_matches(
                query,
                lambda word: Q(name__folded__contains=word) | Q(affiliation__folded__contains=word),
            )
        )

    def in_conference(self, conference: Conference) -> PersonQuerySet:
        from program.models import Authorship, Speakership

        return self.filter(
            Exists(
                Authorship.objects.filter(
                    person=OuterRef("pk"), poster__session__conference=conference
                )
            )
            | Exists(
                Speakership.objects.filter(
                    person=OuterRef("pk"), talk__session__conference=conference
                )
            )
        )


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

    def search(self, query: str) -> SessionQuerySet:
        return self.filter(
            each_word_matches(
                query,
                lambda word: (
                    Q(title__folded__contains=word) | Q(description__folded__contains=word)
                ),
            )
        )

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


def item_matches(people_model, item_field: str):
    """A poster or talk matches a word in its title, abstract or one of its people's names."""

    def condition(word: str) -> Q:
        return (
            Q(title__folded__contains=word)
            | Q(abstract__folded__contains=word)
            | Q(
                Exists(
                    people_model.objects.filter(
                        **{item_field: OuterRef("pk"), "person__name__folded__contains": word}
                    )
                )
            )
        )

    return condition


class PosterQuerySet(ByUidQuerySet):
    def published(self) -> PosterQuerySet:
        return self.filter(session__conference__is_published=True)

    def search(self, query: str) -> PosterQuerySet:
        from program.models import Authorship

        return self.filter(each_word_matches(query, item_matches(Authorship, "poster")))

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

    def search(self, query: str) -> TalkQuerySet:
        from program.models import Speakership

        return self.filter(each_word_matches(query, item_matches(Speakership, "talk")))

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
