"""The program: conferences, rooms, sessions, posters, talks and the people behind them.

Rules that the database can hold are constraints (end after start, unique author positions, room
and session of one conference via triggers in migration 0002); rules that need the conference's
time zone live in ``clean()`` so that the admin and the API share them.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
import zoneinfo
from collections.abc import Container

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.timezone import now

from program import querysets


def validate_timezone(value: str) -> None:
    """Accept IANA zone names only ("America/Los_Angeles"), as zoneinfo knows them."""
    if not value or value != value.strip():
        raise ValidationError("Enter an IANA time zone name such as America/Los_Angeles.")
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as America/Los_Angeles.",
            params={"value": value},
            code="invalid_timezone",
        ) from error


def validate_links(value) -> None:
    """A person's links: a list of http(s) URLs."""
    if not isinstance(value, list):
        raise ValidationError("Links must be a list of URLs.")
    check = URLValidator(schemes=["http", "https"])
    for link in value:
        if not isinstance(link, str):
            raise ValidationError("Each link must be a URL written as text.")
        try:
            check(link)
        except ValidationError as error:
            raise ValidationError(
                "%(link)s is not an http(s) URL.", params={"link": link}, code="invalid_link"
            ) from error


class ProgramPart(models.Model):
    """A model whose saves and deletes change its conference's public pages.

    Saving or deleting one object moves its conference's ``program_changed_at`` forward, so that
    cached pages (ETag / Last-Modified) are refreshed. Deletes that cascade from a parent do not
    call this per row: the parent's own delete has already done it. Bulk queryset writes skip it;
    code that uses them calls ``Conference.touch()`` itself.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.touch_conferences()

    def delete(self, *args, **kwargs):
        affected = list(self.affected_conferences().values_list("pk", flat=True))
        result = super().delete(*args, **kwargs)
        Conference.objects.filter(pk__in=affected).update(program_changed_at=now())
        return result

    def affected_conferences(self) -> models.QuerySet:
        raise NotImplementedError

    def touch_conferences(self) -> None:
        Conference.objects.filter(pk__in=self.affected_conferences().values("pk")).update(
            program_changed_at=now()
        )


# Top-level paths of the site; a conference slug may not take one of them.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "accounts", "agenda", "conferences", "healthz", "static", "timezone", "media"}
)


def validate_conference_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "%(value)s is a reserved address on this site; choose another slug.",
            params={"value": value},
            code="reserved_slug",
        )


class Conference(models.Model):
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[validate_conference_slug],
        help_text="Used in URLs: mlsys2025.",
    )
    name = models.CharField(max_length=200, help_text="Short name: MLSys 2025.")
    full_name = models.CharField(max_length=300, blank=True)
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="IANA time zone name, e.g. America/Los_Angeles. Times are shown in it.",
    )
    city = models.CharField(max_length=200, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    is_published = models.BooleanField(
        "published", default=False, help_text="Drafts are visible to organizers only."
    )
    program_changed_at = models.DateTimeField(
        default=now,
        editable=False,
        help_text="Moved forward by every edit of this conference's program; pages use it for"
        " Last-Modified and ETag.",
    )

    objects = querysets.ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="conference_ends_on_or_after_start",
                violation_error_message="The conference cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.program_changed_at = now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("program:overview", kwargs={"conference": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def touch(self) -> None:
        """Mark the program as changed after bulk writes that bypass save()."""
        self.program_changed_at = now()
        Conference.objects.filter(pk=self.pk).update(program_changed_at=self.program_changed_at)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=n) for n in range(max(count, 0))]


class Room(ProgramPart):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)

    objects = querysets.RoomQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "name"],
                name="room_name_unique_per_conference",
                violation_error_message="This conference already has a room with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            f"program:{self._meta.model_name}-detail",
            kwargs={"conference": self.conference.slug, "pk": self.pk},
        )

    def natural_key(self) -> tuple[str, str]:
        return (self.conference.slug, self.name)

    natural_key.dependencies = ["program.conference"]

    def affected_conferences(self) -> models.QuerySet:
        return Conference.objects.filter(pk=self.conference_id)


class Person(ProgramPart):
    name = models.CharField(max_length=200, help_text="Exactly as printed in the program.")
    slug = models.SlugField(max_length=220, unique=True)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    links = models.JSONField(
        default=list, blank=True, validators=[validate_links], help_text="A list of URLs."
    )

    objects = querysets.PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "slug"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"], name="person_name_idx")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def affected_conferences(self) -> models.QuerySet:
        return Conference.objects.filter(
            Q(sessions__posters__authorships__person=self)
            | Q(sessions__talks__speakerships__person=self)
        )

    @staticmethod
    def slug_base(name: str) -> str:
        # "Maximilian Böther" -> "maximilian-bother"; a name of symbols only still gets a slug.
        return slugify(name) or "person"

    @classmethod
    def free_slug(cls, name: str, taken: Container[str]) -> str:
        """The one rule for person slugs: the name's slug, else with -2, -3 ... until free.

        The admin, the API, the seed fixture and the generated programs all call it; they differ
        only in what counts as taken (the database, or the people made so far).
        """
        base = cls.slug_base(name)
        if base not in taken:
            return base
        return next(
            candidate
            for number in itertools.count(2)
            if (candidate := f"{base}-{number}") not in taken
        )


class SessionKind(models.TextChoices):
    # Labels are what the conference's own page prints before the title ("Poster: Session 9").
    REGISTRATION = "registration", "Registration Desk"
    POSTER_SESSION = "poster_session", "Poster"
    INVITED_TALK = "invited_talk", "Invited Talk"
    KEYNOTE = "keynote", "Keynote"
    ORAL_SESSION = "oral_session", "Oral Session"
    BREAK = "break", "Break"
    SOCIAL = "social", "Social"
    OPENING_REMARKS = "opening_remarks", "Opening Remarks"
    CLOSING_REMARKS = "closing_remarks", "Closing Remarks"
    OTHER = "other", "Other"


def ends_after_start(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_at__isnull=True)
        | Q(starts_at__isnull=True)
        | Q(ends_at__gt=F("starts_at")),
        name=f"{prefix}_ends_after_start",
        violation_error_message="The end time must be after the start time.",
    )


class TimedItem(ProgramPart):
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

    def clean_times(self) -> dict[str, str]:
        errors = {}
        if self.ends_at and not self.starts_at:
            errors["ends_at"] = "Give a start time before an end time."
        elif self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end time must be after the start time."
        return errors


class Session(TimedItem):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=32, choices=SessionKind.choices, default=SessionKind.OTHER)
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

    objects = querysets.SessionQuerySet.as_manager()

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

    def affected_conferences(self) -> models.QuerySet:
        return Conference.objects.filter(pk=self.conference_id)

    @property
    def heading(self) -> str:
        """As the conference page prints it: "Poster: Session 9: …", "Closing Remarks"."""
        label = self.get_kind_display()
        if self.kind == SessionKind.OTHER or self.title.casefold() == label.casefold():
            return self.title
        return f"{label}: {self.title}"

    def clean(self) -> None:
        errors = self.clean_times()
        conference = self.conference if self.conference_id else None
        if self.room_id and conference and self.room.conference_id != conference.pk:
            errors["room"] = f"This room belongs to {self.room.conference}, not to {conference}."
        if conference and self.day:
            if not conference.start_date <= self.day <= conference.end_date:
                errors.setdefault(
                    "day",
                    f"{conference} runs from {conference.start_date:%Y-%m-%d} to"
                    f" {conference.end_date:%Y-%m-%d}; this day is outside it.",
                )
            for field in ("starts_at", "ends_at"):
                moment = getattr(self, field)
                if moment and moment.astimezone(conference.zone).date() != self.day:
                    errors.setdefault(
                        field,
                        f"This time falls on {moment.astimezone(conference.zone):%Y-%m-%d} in"
                        f" {conference.timezone}, not on the session's day"
                        f" {self.day:%Y-%m-%d}.",
                    )
        if errors:
            raise ValidationError(errors)


class SessionItem(TimedItem):
    """A poster or a talk: it belongs to a session and borrows its time and room by default."""

    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within the session.")
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty to use the session's room.",
    )
    external_url = models.URLField(
        "page on the conference site", max_length=500, blank=True, default=""
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            f"program:{self._meta.model_name}-detail",
            kwargs={"conference": self.session.conference.slug, "pk": self.pk},
        )

    @property
    def conference(self) -> Conference:
        return self.session.conference

    def affected_conferences(self) -> models.QuerySet:
        return Conference.objects.filter(sessions=self.session_id)

    @property
    def effective_room(self) -> Room | None:
        return self.room if self.room_id else self.session.room

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
        if (
            self.room_id
            and self.session_id
            and self.room.conference_id != self.session.conference_id
        ):
            errors["room"] = (
                f"This room belongs to {self.room.conference}, not to {self.session.conference}."
            )
        if errors:
            raise ValidationError(errors)


class Poster(SessionItem):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="posters")
    authors = models.ManyToManyField(
        Person, through="Authorship", related_name="posters", blank=True
    )

    objects = querysets.PosterQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [ends_after_start("poster")]
        indexes = [models.Index(fields=["session", "position"], name="poster_order_idx")]


class Talk(SessionItem):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="talks")
    speakers = models.ManyToManyField(
        Person, through="Speakership", related_name="talks", blank=True
    )

    objects = querysets.TalkQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [ends_after_start("talk")]
        indexes = [models.Index(fields=["session", "position"], name="talk_order_idx")]


def missing_parent(link, parent: str) -> str:
    """Names a fixture record whose poster or talk is missing, so an organizer can find it."""
    person = Person.objects.filter(pk=link.person_id).values_list("slug", flat=True).first()
    return (
        f"{link._meta.label} at position {link.position} for person {person or link.person_id!r}"
        f" names a {parent} that is neither in the database nor earlier in the fixture."
    )


class Authorship(models.Model):
    """One author of one poster, at a position in the printed author list (1 = first)."""

    poster = models.ForeignKey(Poster, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    objects = querysets.AuthorshipQuerySet.as_manager()

    class Meta:
        ordering = ["poster", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["poster", "position"],
                name="authorship_position_unique",
                violation_error_message="Two authors cannot share a position on one poster.",
            ),
            models.UniqueConstraint(
                fields=["poster", "person"],
                name="authorship_person_unique",
                violation_error_message="This person is already an author of this poster.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="authorship_position_from_one",
                violation_error_message="Author positions start at 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person}"

    def natural_key(self) -> tuple[str, int]:
        if not self.poster_id:
            raise ValueError(missing_parent(self, "poster"))
        return (*self.poster.natural_key(), self.position)

    natural_key.dependencies = ["program.poster", "program.person"]


class Speakership(models.Model):
    """One speaker of one talk, at a position in the printed speaker list (1 = first)."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="speakerships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="speakerships")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    objects = querysets.SpeakershipQuerySet.as_manager()

    class Meta:
        ordering = ["talk", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["talk", "position"],
                name="speakership_position_unique",
                violation_error_message="Two speakers cannot share a position on one talk.",
            ),
            models.UniqueConstraint(
                fields=["talk", "person"],
                name="speakership_person_unique",
                violation_error_message="This person is already a speaker of this talk.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="speakership_position_from_one",
                violation_error_message="Speaker positions start at 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person}"

    def natural_key(self) -> tuple[str, int]:
        if not self.talk_id:
            raise ValueError(missing_parent(self, "talk"))
        return (*self.talk.natural_key(), self.position)

    natural_key.dependencies = ["program.talk", "program.person"]
