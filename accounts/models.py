"""Attendee accounts and their saved agendas.

A project-owned user model (preferred time zone, private calendar feed token, the optional
public link to their agenda) and one row per saved session, poster or talk. Each saved row
keeps the time and room it had when saved, so the agenda can say "changed since you saved it".
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.timezone import now

from program.models import Conference, Poster, Session, Talk, validate_timezone


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def new_share_token() -> str:
    # 128 random bits: unguessable, and short enough to keep the link's QR code small.
    return secrets.token_urlsafe(16)


class User(AbstractUser):
    timezone = models.CharField(
        "preferred time zone",
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Your agenda is grouped by day in this zone; empty means each conference's own.",
    )
    feed_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_feed_token,
        editable=False,
        help_text="The secret in the private calendar feed's address.",
    )
    agenda_changed_at = models.DateTimeField(default=now, editable=False)
    share_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The secret in the shared agenda's address; empty while it is not shared.",
    )
    share_name = models.CharField(
        "name shown on your shared agenda",
        max_length=80,
        blank=True,
        help_text="Optional. Without it the shared agenda shows no name at all.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def shares_agenda(self) -> bool:
        return bool(self.share_token)


ITEM_TYPES = ("session", "poster", "talk")
ITEM_MODELS = {"session": Session, "poster": Poster, "talk": Talk}
# Where an agenda row finds its item's own times, then the times its item borrows.
ITEM_TIME_PATHS = ("session__", "poster__", "poster__session__", "talk__", "talk__session__")


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgendaItemQuerySet:
        """The user's own items, of conferences they may see: an unpublished program leaves
        attendees' agendas quietly (and comes back when it is published again)."""
        return self.filter(user=user).of_conferences(Conference.objects.visible_to(user))

    def shared_by(self, owner) -> AgendaItemQuerySet:
        """What a shared agenda shows anyone with its link: the owner's items of the
        conferences an anonymous visitor may see (never a draft, whoever the owner is)."""
        published = Conference.objects.visible_to(AnonymousUser())
        return self.filter(user=owner).of_conferences(published)

    def of_conferences(self, conferences) -> AgendaItemQuerySet:
        return self.filter(
            Q(session__conference__in=conferences)
            | Q(poster__session__conference__in=conferences)
            | Q(talk__session__conference__in=conferences)
        )

    def around(self, items) -> AgendaItemQuerySet:
        """Those that may clash with ``items``: a superset, cut by time in the database.

        Their start is at or before the last end among ``items``, and their end (or their start,
        when the end is unknown) at or after the first start.
        """
        timed = [item for item in items if item.starts_at]
        if not timed:
            return self.none()
        first = min(item.starts_at for item in timed)
        last = max(item.ends_at or item.starts_at for item in timed)
        # Whichever of the three items is set; a poster or talk may borrow its session's times.
        starts = Coalesce(
            *(f"{path}starts_at" for path in ITEM_TIME_PATHS), output_field=models.DateTimeField()
        )
        ends = Coalesce(
            *(f"{path}ends_at" for path in ITEM_TIME_PATHS), output_field=models.DateTimeField()
        )
        return (
            self.alias(item_starts_at=starts, item_ends_at=ends)
            .filter(item_starts_at__lte=last)
            .filter(Q(item_ends_at__gte=first) | Q(item_starts_at__gte=first))
        )

    def with_items(self) -> AgendaItemQuerySet:
        """The saved items with their sessions, rooms and conferences: one query."""
        return self.select_related(
            "session__conference",
            "session__room",
            "poster__room",
            "poster__contribution",
            "poster__session__conference",
            "poster__session__room",
            "talk__room",
            "talk__contribution",
            "talk__session__conference",
            "talk__session__room",
        )


class AgendaItem(models.Model):
    """One session, poster or talk that a user saved (exactly one of the three is set)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="agenda_items")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    talk = models.ForeignKey(
        Talk, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=now, editable=False)
    saved_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    saved_room = models.CharField(max_length=200, blank=True, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["saved_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(session__isnull=False, poster__isnull=True, talk__isnull=True)
                    | Q(session__isnull=True, poster__isnull=False, talk__isnull=True)
                    | Q(session__isnull=True, poster__isnull=True, talk__isnull=False)
                ),
                name="agenda_item_is_one_thing",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", kind],
                    condition=Q(**{f"{kind}__isnull": False}),
                    name=f"agenda_{kind}_saved_once",
                )
                for kind in ITEM_TYPES
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.item}"

    @property
    def item_type(self) -> str:
        return next(kind for kind in ITEM_TYPES if getattr(self, f"{kind}_id"))

    @property
    def item(self) -> Session | Poster | Talk:
        return getattr(self, self.item_type)

    @property
    def item_id(self) -> int:
        return getattr(self, f"{self.item_type}_id")

    @property
    def conference(self):
        return self.item.conference

    @property
    def starts_at(self):
        return self.item.effective_starts_at

    @property
    def ends_at(self):
        return self.item.effective_ends_at

    @property
    def room(self):
        return self.item.effective_room

    @property
    def changed_since_saved(self) -> bool:
        room = self.room
        return self.starts_at != self.saved_starts_at or (room.name if room else "") != (
            self.saved_room
        )

    def snapshot(self) -> None:
        """Remember the time and room as they are now."""
        room = self.room
        self.saved_starts_at = self.starts_at
        self.saved_room = room.name if room else ""
