"""A session's posters and talks: each presents one contribution at a time and place of the
session (its own room and times, or the session's)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.functional import classproperty

from program.models.conference import Conference, Room, Track, other_conference_errors
from program.models.contributions import Contribution
from program.models.people import Authorship, Person
from program.models.search import ContributionSearch
from program.models.sessions import (
    ByUidQuerySet,
    Session,
    TimedItem,
    ends_after_start,
    validate_board,
)


class SessionItemQuerySet(ByUidQuerySet):
    """Posters and talks: the same questions, asked through their contribution."""

    conference_path = "session__conference"

    #: The order in which the program prints posters and talks: by day, session, position.
    PROGRAM_ORDER = ("session__day", "session__position", "position", "pk")

    def in_program_order(self) -> SessionItemQuerySet:
        return self.order_by(*self.PROGRAM_ORDER)

    def search(self, query: str) -> SessionItemQuerySet:
        """The items of the contributions that ``ContributionQuerySet.search`` finds, ranked the
        same way as ``search_rank``."""
        return self.filter(contribution__search_document__document__matches=query).annotate(
            search_rank=ContributionSearch.rank(query, "contribution__search_document")
        )

    def with_person(self, person: Person | int) -> SessionItemQuerySet:
        return self.filter(
            Exists(Authorship.objects.filter(contribution=OuterRef("contribution"), person=person))
        )

    def as_results(self) -> SessionItemQuerySet:
        """What a list of results shows (title, session heading, links): one query, with far
        fewer joins to plan than ``with_people``, without the abstracts. Their people come by
        ``Contribution.attach_names``; anything left out that a template reads anyway is fetched
        for the whole list at once (``FETCH_PEERS``), never row by row."""
        return (
            self.select_related("session__conference", "contribution")
            .defer(*(f"contribution__{name}" for name in Contribution.NOT_IN_RESULTS))
            .fetch_mode(models.FETCH_PEERS)
        )

    def with_people(self) -> SessionItemQuerySet:
        """With session, conference, rooms, contribution and ordered people: two queries."""
        return self.select_related(
            "session__conference",
            "session__room__conference",
            "session__track__conference",
            "room__conference",
            "contribution__conference",
            "contribution__track__conference",
        ).prefetch_related(self.model.prefetch_people())


class SessionItem(TimedItem):
    """A poster or a talk: one presentation of a contribution in a session, borrowing the
    session's time and room by default. Title, abstract, people, track and links are the
    contribution's (read through properties of the same names)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="%(class)ss")
    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        help_text="The paper or talk presented here: its title, abstract and people.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the session.")
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty to use the session's room.",
    )

    objects = SessionItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["session", "position", "pk"]
        constraints = [ends_after_start("%(class)s")]
        indexes = [models.Index(fields=["session", "position"], name="%(class)s_order_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            f"program:{self._meta.model_name}-detail",
            kwargs={"conference": self.session.conference.slug, "pk": self.pk},
        )

    @classproperty
    def session_relation(cls) -> str:
        """The session's reverse name for items of this kind: "posters", "talks"."""
        return cls._meta.get_field("session").remote_field.related_name

    @classmethod
    def prefetch_people(cls, through: str = "") -> Prefetch:
        """The contribution's people in printed order, with their Person rows.

        ``through`` reaches the item from another model ("poster__" from an agenda item).
        """
        return Contribution.prefetch_people(f"{through}contribution__")

    # What the contribution says, shared by all its presentations.
    @property
    def title(self) -> str:
        return self.contribution.title

    @property
    def abstract(self) -> str:
        return self.contribution.abstract

    @property
    def links(self) -> list[dict]:
        return self.contribution.links

    @property
    def external_url(self) -> str:
        return self.contribution.external_url

    @property
    def ordered_people(self) -> models.QuerySet:
        """Authors or speakers in printed order (prefetched by ``with_people``)."""
        return self.contribution.ordered_people

    @property
    def conference(self) -> Conference:
        return self.session.conference

    @property
    def day(self) -> datetime.date:
        return self.session.day

    @property
    def slot_label(self) -> str:
        """What kind of slot this is, as a list of a paper's presentations says it: "Poster",
        "Oral Session", "Invited Talk"."""
        if isinstance(self, Poster):
            return "Poster"
        if self.presentation_type:
            return self.session.conference.presentation_type_label(self.presentation_type)
        return self.session.kind_label

    @property
    def effective_room(self) -> Room | None:
        return self.room if self.room_id else self.session.room

    @property
    def effective_track(self) -> Track | None:
        track_id = self.contribution.track_id
        return self.contribution.track if track_id else self.session.track

    @property
    def effective_starts_at(self) -> datetime.datetime | None:
        return self.starts_at or self.session.starts_at

    @property
    def effective_ends_at(self) -> datetime.datetime | None:
        if self.starts_at:
            return self.ends_at
        return self.ends_at or self.session.ends_at

    def clean(self) -> None:
        errors = self.clean_times()
        if self.session_id:
            errors.update(
                other_conference_errors(self, self.session.conference, ("room", "contribution"))
            )
        if errors:
            raise ValidationError(errors)


class Poster(SessionItem):
    board = models.CharField(
        "poster board",
        max_length=20,
        blank=True,
        validators=[validate_board],
        help_text="The board's number as printed in the program, e.g. 2504; empty when not known.",
    )

    class Meta(SessionItem.Meta):
        constraints = [
            *SessionItem.Meta.constraints,
            models.UniqueConstraint(
                fields=["session", "board"],
                condition=~Q(board=""),
                name="poster_board_unique_per_session",
                violation_error_message="Another poster of this session has this board.",
            ),
        ]

    @property
    def board_label(self) -> str:
        """ "Board #2504", as a poster hall's signs read."""
        return f"Board #{self.board}" if self.board else ""


class Talk(SessionItem):
    """A talk, an oral, a spotlight or a Q&A: a contribution presented in a session."""

    presentation_type = models.CharField(
        "presentation type",
        max_length=32,
        blank=True,
        help_text="oral, spotlight, invited, Q&A, ... or one of the conference's own; empty:"
        " as its session's kind.",
    )
    do_not_record = models.BooleanField(
        "do not record",
        default=False,
        help_text="The speakers did not consent to this talk being recorded or streamed.",
    )

    def clean(self) -> None:
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.message_dict
        conference = self.session.conference if self.session_id else None
        types = dict(conference.presentation_type_choices()) if conference else {}
        if conference and self.presentation_type and self.presentation_type not in types:
            errors["presentation_type"] = [
                f"{self.presentation_type!r} is not a presentation type of {conference}; add it"
                " to the conference's own types, or choose one of its types."
            ]
        if errors:
            raise ValidationError(errors)
