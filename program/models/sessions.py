"""The timetable: sessions, and the posters and talks inside them.

A poster or a talk is one presentation of a contribution (``program/models/contributions.py``):
the slot (session, time, room, board) is its own, the title, abstract and people are the
contribution's, shared by all its presentations. Sessions, posters and talks answer the same
questions the same way: ``effective_starts_at``, ``effective_ends_at`` and ``effective_room`` (a
poster or talk borrows its session's time and room unless it has its own), and
``visible_to(user)`` on their querysets.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse

from program.models.conference import (
    Conference,
    Room,
    Track,
    other_conference_errors,
)
from program.models.kinds import SessionKind
from program.models.search import SessionSearch


def session_items() -> tuple[type[models.Model], ...]:
    """Poster and Talk (program/models/items.py, which builds on this module)."""
    return apps.get_model("program", "Poster"), apps.get_model("program", "Talk")


def validate_board(value: str) -> None:
    """Board numbers as printed: letters, digits and dashes ("2504", "A-12"), no '#'."""
    if value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", value):
        raise ValidationError(
            "Give the board as printed, with letters, digits or dashes (2504, A-12), without '#'."
        )


def ends_after_start(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_at__isnull=True)
        | Q(starts_at__isnull=True)
        | Q(ends_at__gt=F("starts_at")),
        name=f"{prefix}_ends_after_start",
        violation_error_message="The end time must be after the start time.",
    )


class ByUidQuerySet(models.QuerySet):
    """Sessions, posters and talks are found by their stable uid in fixtures."""

    #: The path from this model to its conference.
    conference_path: ClassVar[str]

    def get_by_natural_key(self, uid: str):
        return self.get(uid=uid)

    def visible_to(self, user) -> ByUidQuerySet:
        return self.filter(**{f"{self.conference_path}__in": Conference.objects.visible_to(user)})

    def for_conference(self, conference: Conference) -> ByUidQuerySet:
        return self.filter(**{self.conference_path: conference})


class TimedItem(models.Model):
    """Fields and rules shared by sessions, posters and talks."""

    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable identity across fixtures and calendar files.",
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (str(self.uid),)

    def get_ics_url(self) -> str:
        """Its own calendar file (a 404 while its time is unknown)."""
        return reverse(
            f"program:{self._meta.model_name}-ics",
            kwargs={"conference": self.conference.slug, "pk": self.pk},
        )

    def clean_times(self) -> dict[str, str]:
        errors = {}
        if self.ends_at and not self.starts_at:
            errors["ends_at"] = "Give a start time before an end time."
        elif self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end time must be after the start time."
        return errors


class SessionQuerySet(ByUidQuerySet):
    conference_path = "conference"

    def for_day(self, conference: Conference, day: datetime.date) -> SessionQuerySet:
        return self.filter(conference=conference, day=day)

    def search(self, query: str) -> SessionQuerySet:
        """Each word starts a word of the title or description; ranked as ``search_rank``."""
        return self.filter(search_document__document__matches=query).annotate(
            search_rank=SessionSearch.rank(query)
        )

    def days(self) -> list[datetime.date]:
        """The days these sessions fall on, in order (one query): a conference's day tabs."""
        return list(self.order_by("day").values_list("day", flat=True).distinct())

    def in_program_order(self) -> SessionQuerySet:
        # The explicit position decides; a session without a known time keeps its place.
        return self.order_by("day", "position", "starts_at", "pk")

    def for_blocks(self) -> SessionQuerySet:
        """A day's sessions as its timeline and the session headings need them (one query);
        what each block lists is loaded only for blocks not kept (program/views/fragments.py)."""
        return self.select_related("conference", "room__conference", "track__conference").annotate(
            poster_total=models.Count("posters")
        )

    @staticmethod
    def grid_program() -> list[Prefetch]:
        """What a grid day's cells print of its sessions' posters and talks: room, contribution
        and track, people's names, no abstracts (four queries, ``prefetch_related_objects``)."""
        from program.models.contributions import Authorship

        names = (
            Authorship.objects.select_related("person")
            .only("contribution_id", "position", "person__name", "person__slug")
            .order_by("position")
        )
        return [
            Prefetch(
                model.session_relation,
                queryset=model.objects.select_related("room", "contribution__track__conference")
                .defer("contribution__abstract", "contribution__links")
                .prefetch_related(Prefetch("contribution__authorships", queryset=names)),
            )
            for model in session_items()
        ]

    def with_program(self, only: dict[str, models.Q] | None = None) -> SessionQuerySet:
        """Sessions with conference, room, posters, talks (with their contributions) and ordered
        people: five queries. ``only`` narrows the posters and talks listed, by relation name
        (``{"posters": Q(...), "talks": Q(...)}``: an attendee's saved ones).

        Rooms and tracks come with their conference, for their links (``get_absolute_url``).
        """
        only = only or {}
        return self.select_related(
            "conference", "room__conference", "track__conference"
        ).prefetch_related(
            *(
                Prefetch(
                    model.session_relation,
                    queryset=model.objects.filter(only.get(model.session_relation, models.Q()))
                    .select_related("room__conference", "contribution__track__conference")
                    .prefetch_related(model.prefetch_people()),
                )
                for model in session_items()
            )
        )

    def for_calendar(self) -> SessionQuerySet:
        """Sessions with what the program's calendar file prints: rooms, and each poster's and
        talk's title, room and people's names, not their abstracts or whole records (at 4,500
        posters that is tens of thousands of objects fewer): five queries."""
        from program.models.contributions import Authorship

        names = (
            Authorship.objects.select_related("person")
            .only("contribution_id", "position", "person__name")
            .order_by("position")
        )
        return self.select_related("conference", "room").prefetch_related(
            *(
                Prefetch(
                    model.session_relation,
                    queryset=model.objects.select_related("room", "contribution")
                    .defer("contribution__abstract", "contribution__links")
                    .prefetch_related(Prefetch("contribution__authorships", queryset=names)),
                )
                for model in session_items()
            )
        )


class Session(TimedItem):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(
        max_length=32,
        default=SessionKind.OTHER,
        help_text="One of the defaults (poster_session, keynote, oral_session, tutorial, ...) or"
        " of the conference's own session kinds.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    day = models.DateField(help_text="The day in the conference's time zone.")
    position = models.PositiveIntegerField(
        default=0,
        help_text="Order within the day; a session without a known time keeps its place by it.",
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    # When what the session's block on a day page shows last changed (its posters, talks, their
    # papers and people): moved by program/changes.py only. Empty until then; not in fixtures.
    changed_at = models.DateTimeField(null=True, blank=True, editable=False, serialize=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["day", "position", "starts_at", "pk"]
        constraints = [ends_after_start("session")]
        indexes = [
            models.Index(fields=["conference", "day", "position"], name="session_day_order_idx"),
            models.Index(fields=["conference", "starts_at"], name="session_starts_idx"),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return reverse(
            "program:session-detail", kwargs={"conference": self.conference.slug, "pk": self.pk}
        )

    @property
    def kind_label(self) -> str:
        """ "Poster", "Keynote", or the conference's own label for its own kind."""
        return self.conference.session_kind_label(self.kind)

    @property
    def heading(self) -> str:
        """As the conference page prints it: "Poster: Session 9: …", "Closing Remarks"."""
        label = self.kind_label
        title, kind = self.title.casefold(), label.casefold()
        # Never doubled: a title that already says its kind ("Keynote: …") is printed as it is.
        if self.kind == SessionKind.OTHER or title == kind or title.startswith(f"{kind}:"):
            return self.title
        return f"{label}: {self.title}"

    @property
    def is_room_day(self) -> bool:
        """Whether the session only holds a room's program of the day: what a frab or pretalx
        import makes of events that have no session in their file (its title is the room's
        name). Day pages show its items in their rooms, not the session."""
        return self.kind == SessionKind.OTHER and self.room_id and self.title == self.room.name

    # A session's own time and room are its effective ones; posters and talks may borrow them.
    @property
    def effective_starts_at(self) -> datetime.datetime | None:
        return self.starts_at

    @property
    def effective_ends_at(self) -> datetime.datetime | None:
        return self.ends_at

    @property
    def effective_room(self) -> Room | None:
        return self.room

    @property
    def effective_track(self) -> Track | None:
        return self.track

    def clean_days(self, conference: Conference) -> dict[str, str]:
        """A session starts on its own conference day and may run past midnight, even over
        several days (a two-day workshop), but not past the conference's last day."""
        errors = {}
        if self.starts_at and conference.day_of(self.starts_at) != self.day:
            local = self.starts_at.astimezone(conference.zone)
            errors["starts_at"] = (
                f"This time falls on {conference.day_of(self.starts_at):%Y-%m-%d} in"
                f" {conference.timezone} (at {local:%Y-%m-%d %H:%M}, conference days starting at"
                f" {conference.day_starts_at:%H:%M}), not on the session's day {self.day:%Y-%m-%d}."
            )
        # The very end of the last day (its day-start the morning after) still belongs to it.
        last_moment = self.ends_at - datetime.timedelta(microseconds=1) if self.ends_at else None
        if last_moment and conference.day_of(last_moment) > conference.end_date:
            errors["ends_at"] = (
                f"This time falls after {conference}'s last day,"
                f" {conference.end_date:%Y-%m-%d}, in {conference.timezone}."
            )
        return errors

    def clean(self) -> None:
        errors = self.clean_times()
        conference = self.conference if self.conference_id else None
        if conference:
            errors.update(other_conference_errors(self, conference, ("room", "track")))
        if conference and self.kind not in dict(conference.session_kind_choices()):
            errors["kind"] = (
                f"{self.kind!r} is not a session kind of {conference}; add it to the"
                " conference's own session kinds, or choose one of its kinds."
            )
        if conference and self.day:
            if not conference.start_date <= self.day <= conference.end_date:
                errors.setdefault(
                    "day",
                    f"{conference} runs from {conference.start_date:%Y-%m-%d} to"
                    f" {conference.end_date:%Y-%m-%d}; this day is outside it.",
                )
            for field, message in self.clean_days(conference).items():
                errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)
