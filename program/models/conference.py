"""Conferences and their rooms, the visibility rule, and the base of every program model.

Who may see what is decided here once: ``can_see_drafts(user)`` and
``Conference.objects.visible_to(user)``. Every other ``visible_to`` (sessions, posters, talks,
people, rooms, agenda items) narrows to the conferences this one returns.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.timezone import now

from program.models import kinds


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


# Top-level paths of the site; a conference slug may not take one of them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "accounts",
        "agenda",
        "conferences",
        "healthz",
        "static",
        "timezone",
        "media",
        "offline",
    }
)


def validate_conference_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "%(value)s is a reserved address on this site; choose another slug.",
            params={"value": value},
            code="reserved_slug",
        )


def other_conference_errors(item, conference: Conference, fields) -> dict[str, str]:
    """A room, track or contribution chosen for an item must be of the item's conference."""
    errors = {}
    for field in fields:
        chosen = getattr(item, field) if getattr(item, f"{field}_id") else None
        if chosen is not None and chosen.conference_id != conference.pk:
            errors[field] = f"This {field} belongs to {chosen.conference}, not to {conference}."
    return errors


ORIGIN = re.compile(
    r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?"
)


def embed_origin_list(value: str) -> list[str]:
    """The origins in an embed allow-list, one a line or separated by spaces or commas."""
    return [origin for origin in re.split(r"[\s,]+", value) if origin]


def validate_embed_origins(value: str) -> None:
    """Origins only ("https://www.example.org", "https://*.example.org"): no path, no quotes,
    nothing a Content-Security-Policy would read as another directive."""
    for origin in embed_origin_list(value):
        if not ORIGIN.fullmatch(origin):
            raise ValidationError(
                "%(origin)s is not an origin; give each site as https://www.example.org"
                " (scheme and host, optionally a port; no path).",
                params={"origin": origin},
                code="invalid_origin",
            )


def can_see_drafts(user) -> bool:
    """Organizers (staff) see unpublished conferences; visitors and attendees do not."""
    return user is not None and user.is_active and user.is_staff


class ConferenceQuerySet(models.QuerySet):
    def published(self) -> ConferenceQuerySet:
        return self.filter(is_published=True)

    def visible_to(self, user) -> ConferenceQuerySet:
        return self if can_see_drafts(user) else self.published()

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)

    def site_version(self) -> str:
        """The latest ``program_changed_at`` of all conferences, how many there are and which:
        what the cache is keyed by (``program.changes.version``). One query over the whole table
        (a filter on the queryset is not applied), written out: built with the ORM it took 1.7
        ms of the 3.3 ms of a cached response (profiled), running it 0.15 ms."""
        meta = self.model._meta
        with connections[self.db].cursor() as cursor:
            quote = cursor.db.ops.quote_name
            sql = (
                f"SELECT MAX({quote(meta.get_field('program_changed_at').column)}),"
                f" COUNT(*), SUM({quote(meta.pk.column)}) FROM {quote(meta.db_table)}"
            )
            cursor.execute(sql)
            return "|".join(str(value) for value in cursor.fetchone())


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
    day_starts_at = models.TimeField(
        "day starts at",
        default=datetime.time(0, 0),
        help_text="When a conference day begins in its time zone. At 05:00, a talk at 00:30"
        " belongs to the day before, as the printed program has it.",
    )
    session_kinds = models.JSONField(
        "own session kinds",
        default=dict,
        blank=True,
        validators=[kinds.validate_labels],
        help_text="Kinds of session this conference adds to the defaults, or relabels, code to"
        ' label: {"devroom": "Devroom", "poster_session": "Poster Spotlights"}.',
    )
    presentation_types = models.JSONField(
        "own presentation types",
        default=dict,
        blank=True,
        validators=[kinds.validate_labels],
        help_text="Types of talk this conference adds to the defaults (oral, spotlight, Q&A, ...)"
        ' or relabels: {"lightning": "5-minute talk"}.',
    )
    embed_origins = models.TextField(
        "sites that may embed the program",
        blank=True,
        validators=[validate_embed_origins],
        help_text="Origins allowed to show /embed/ in a frame, one a line:"
        " https://www.example.org. Empty: no other site may frame it.",
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Drafts are visible to organizers only."
    )
    program_changed_at = models.DateTimeField(
        default=now,
        editable=False,
        help_text="Moved forward by every edit of this conference's program; pages use it for"
        " Last-Modified and ETag.",
    )

    objects = ConferenceQuerySet.as_manager()

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

    def get_absolute_url(self) -> str:
        return reverse("program:overview", kwargs={"conference": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def session_kind_choices(self) -> list[tuple[str, str]]:
        return kinds.choices(kinds.SessionKind, self.session_kinds)

    def presentation_type_choices(self) -> list[tuple[str, str]]:
        return kinds.choices(kinds.PresentationType, self.presentation_types)

    def session_kind_label(self, code: str) -> str:
        return dict(self.session_kind_choices()).get(code, code)

    def presentation_type_label(self, code: str) -> str:
        return dict(self.presentation_type_choices()).get(code, code)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def day_begins(self, day: datetime.date) -> datetime.datetime:
        """The moment a conference day begins: ``day_starts_at`` on that date, in its zone
        (``day_of`` is the other way round)."""
        return datetime.datetime.combine(day, self.day_starts_at, tzinfo=self.zone)

    def day_of(self, moment: datetime.datetime) -> datetime.date:
        """The conference day a moment belongs to: its date in the conference's zone, or the
        day before while that day has not started yet (00:30 with days starting at 05:00)."""
        local = moment.astimezone(self.zone)
        if local.time() < self.day_starts_at:
            return local.date() - datetime.timedelta(days=1)
        return local.date()

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=n) for n in range(max(count, 0))]


class ConferencePartQuerySet(models.QuerySet):
    """Rooms and tracks: named within one conference, seen with it."""

    def visible_to(self, user) -> ConferencePartQuerySet:
        return self.filter(conference__in=Conference.objects.visible_to(user))

    def get_by_natural_key(self, conference_slug: str, name: str):
        return self.get(conference__slug=conference_slug, name=name)


class Room(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats or people the room holds; empty when unknown."
    )
    area = models.CharField(
        "floor or area",
        max_length=200,
        blank=True,
        help_text="Where to find it in the venue: Level 2, Hall B, Exhibit hall.",
    )
    overflow_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="overflow_rooms",
        verbose_name="overflow for",
        help_text="The room whose sessions this one streams when that one is full; its door"
        " screen then points here.",
    )

    objects = ConferencePartQuerySet.as_manager()

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
            "program:room-detail", kwargs={"conference": self.conference.slug, "pk": self.pk}
        )

    def natural_key(self) -> tuple[str, str]:
        return (self.conference.slug, self.name)

    natural_key.dependencies = ["program.conference"]

    def clean(self) -> None:
        overflow = self.overflow_for if self.overflow_for_id else None
        if overflow is None:
            return
        if self.pk and overflow.pk == self.pk:
            raise ValidationError({"overflow_for": "A room cannot be its own overflow."})
        if self.conference_id and overflow.conference_id != self.conference_id:
            raise ValidationError(
                {"overflow_for": f"This room belongs to {overflow.conference}, not to this one."}
            )


def validate_colour(value: str) -> None:
    if value and not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValidationError("Give a colour as #RRGGBB, e.g. #1F77B4.")


class Track(models.Model):
    """A thread of the program (Systems for ML, Security devroom) that sessions and papers
    belong to; visitors filter by it."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=200)
    colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[validate_colour],
        help_text="As #RRGGBB, for the track's label; empty for none.",
    )
    description = models.TextField(blank=True)

    objects = ConferencePartQuerySet.as_manager()

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "name"],
                name="track_name_unique_per_conference",
                violation_error_message="This conference already has a track with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """A track's program is the search filtered by it."""
        search = reverse("program:search", kwargs={"conference": self.conference.slug})
        return f"{search}?track={self.pk}"

    def natural_key(self) -> tuple[str, str]:
        return (self.conference.slug, self.name)

    natural_key.dependencies = ["program.conference"]
