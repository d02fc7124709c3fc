"""Attendee accounts and their saved agendas.

A project-owned user model (preferred time zone, private calendar feed token, the optional
public link to their agenda, what they want to hear of changes) and one row per saved session,
poster or talk. Each saved row
keeps the time and room it had when saved, so the agenda can say "changed since you saved it",
and what it needs to be shown once its item leaves the program: the row stays, "removed from
the program", until its owner dismisses it (``accounts/removals.py`` marks it). A
``ChangeNotice`` is one change of a saved item as its owner hears of it (``accounts/digest.py``).
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.timezone import now

from program.models import Conference, Poster, Session, Talk, validate_timezone


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def new_share_token() -> str:
    # 128 random bits: unguessable, and short enough to keep the link's QR code small.
    return secrets.token_urlsafe(16)


REMINDER_CHOICES = [
    (0, "No reminder"),
    (5, "5 minutes before"),
    (10, "10 minutes before"),
    (15, "15 minutes before"),
    (30, "30 minutes before"),
]


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

    change_mail = models.BooleanField(
        "mail me when saved items change",
        default=False,
        help_text="One mail when items in your agenda move or leave the program, a few minutes"
        " after the organizers' last edit.",
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        "calendar reminder",
        choices=REMINDER_CHOICES,
        default=0,
        help_text="Your calendar feed reminds you this long before each saved item.",
    )
    changes_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text='When they last marked "What changed since your last visit" as read.',
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
        return self.filter(conference__in=conferences)

    def scheduled(self) -> AgendaItemQuerySet:
        """Rows whose item is still in the program."""
        return self.filter(removed_at=None)

    def removed(self) -> AgendaItemQuerySet:
        return self.exclude(removed_at=None)

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

    def maybe_changed(self) -> AgendaItemQuerySet:
        """Rows whose owners may not have heard of a change (``AgendaItem.news`` decides), cut
        in the database: a removal not told, or a start, end or room unlike the told one."""
        never = Value(datetime.datetime(1, 1, 1, tzinfo=datetime.UTC))
        times, text = models.DateTimeField(), models.CharField()

        def current(field, missing, output_field):
            paths = (f"{path}{field}" for path in ITEM_TIME_PATHS)
            return Coalesce(*paths, missing, output_field=output_field)

        rows = self.alias(
            now_starts=current("starts_at", never, times),
            now_ends=current("ends_at", never, times),
            now_room=current("room__name", Value(""), text),
            was_starts=Coalesce("told_starts_at", never, output_field=times),
            was_ends=Coalesce("told_ends_at", never, output_field=times),
        )
        moved = (
            ~Q(was_starts=F("now_starts"))
            | ~Q(was_ends=F("now_ends"))
            | ~Q(told_room=F("now_room"))
        )
        return rows.filter(
            (Q(removed_at=None) & moved) | Q(removed_at__isnull=False, told_removed=False)
        )

    def with_items(self) -> AgendaItemQuerySet:
        """The saved items with their sessions, rooms and conferences: one query."""
        return self.select_related(
            "conference",
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
    """One session, poster or talk that a user saved (exactly one of the three is set), or,
    once its item has left the program, what the user saw of it (none is set, ``removed_at``
    is)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="agenda_items")
    # An item that leaves the program leaves the row in place: its owner is told and dismisses it.
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    talk = models.ForeignKey(
        Talk, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    item_type = models.CharField(
        "kind", max_length=10, choices=[(kind, kind) for kind in ITEM_TYPES], editable=False
    )
    item_uid = models.UUIDField(
        null=True,
        editable=False,
        help_text="The item's uid: its calendar event keeps it once the item is gone.",
    )
    saved_at = models.DateTimeField(default=now, editable=False)
    saved_title = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="The title when saved, and as it was when the item left the program.",
    )
    saved_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    saved_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    saved_room = models.CharField(max_length=200, blank=True, editable=False)
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the item left the program; the row stays until its owner dismisses it.",
    )
    # What its owner last heard of it: as saved, then as each change notice said.
    told_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    told_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    told_room = models.CharField(max_length=200, blank=True, editable=False)
    told_removed = models.BooleanField(default=False, editable=False)
    told_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many change notices its owner has had of it."
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["saved_at", "pk"]
        constraints = [
            models.CheckConstraint(
                # Exactly one item; or, once it has left the program, none. (A row is marked
                # removed just before its item's delete empties it: one item and removed_at.)
                condition=(
                    Q(session__isnull=False, poster__isnull=True, talk__isnull=True)
                    | Q(session__isnull=True, poster__isnull=False, talk__isnull=True)
                    | Q(session__isnull=True, poster__isnull=True, talk__isnull=False)
                    | Q(
                        session__isnull=True,
                        poster__isnull=True,
                        talk__isnull=True,
                        removed_at__isnull=False,
                    )
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
        return f"{self.user}: {self.title}"

    def save(self, *args, **kwargs):
        if self.item is not None:
            self.remember_item()
        super().save(*args, **kwargs)

    @property
    def item(self) -> Session | Poster | Talk | None:
        """The saved item; None once it has left the program."""
        kind = self._set_kind()
        return None if kind is None else getattr(self, kind)

    @property
    def item_id(self) -> int | None:
        kind = self._set_kind()
        return None if kind is None else getattr(self, f"{kind}_id")

    def _set_kind(self) -> str | None:
        """Which of the three foreign keys is set (not ``item_type``, which outlives it)."""
        return next((kind for kind in ITEM_TYPES if getattr(self, f"{kind}_id")), None)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def status(self) -> str:
        return "removed" if self.is_removed else "scheduled"

    @property
    def title(self) -> str:
        """As the program prints it ("Poster: Session 9: …" for a session), or as it was."""
        item = self.item
        if item is None:
            return self.saved_title
        return item.heading if isinstance(item, Session) else item.title

    # Times and room: the item's own, or, once it is gone, as they were when saved.
    @property
    def starts_at(self):
        item = self.item
        return self.saved_starts_at if item is None else item.effective_starts_at

    @property
    def ends_at(self):
        item = self.item
        return self.saved_ends_at if item is None else item.effective_ends_at

    @property
    def room(self):
        """The item's room (a Room), or None: a removed row has only ``saved_room``."""
        item = self.item
        return None if item is None else item.effective_room

    @property
    def room_name(self) -> str:
        room = self.room
        return room.name if room else ("" if self.item else self.saved_room)

    @property
    def changed_since_saved(self) -> bool:
        """Moved to another time or room since it was saved (never for a removed row: what it
        shows is what was saved)."""
        if self.item is None:
            return False
        return self.starts_at != self.saved_starts_at or self.room_name != self.saved_room

    def remember_item(self) -> None:
        """Keep what the row shows once its item is gone: kind, uid, conference and title."""
        item = self.item
        self.item_type = item._meta.model_name
        self.item_uid = item.uid
        session = item if isinstance(item, Session) else item.session
        self.conference_id = session.conference_id
        self.saved_title = self.title[: type(self)._meta.get_field("saved_title").max_length]

    def snapshot(self) -> None:
        """Remember the item as it is now: with ``remember_item``, its time and room."""
        self.remember_item()
        self.saved_starts_at = self.starts_at
        self.saved_ends_at = self.ends_at
        self.saved_room = self.room_name
        self.told_starts_at, self.told_ends_at = self.saved_starts_at, self.saved_ends_at
        self.told_room = self.saved_room

    @property
    def news(self) -> tuple | None:
        """(starts, ends, room, removed) as they are now, if its owner has not heard of it."""
        if self.is_removed:
            return None if self.told_removed else (None, None, "", True)
        now_state = (self.starts_at, self.ends_at, self.room_name)
        if (self.told_starts_at, self.told_ends_at, self.told_room) == now_state:
            return None
        return (*now_state, False)


class ChangeNotice(models.Model):
    """A saved item that moved or left the program, as its owner hears of it: by mail (if they
    asked for it) and under "What changed since your last visit". One per agenda row and
    version, so no change is told twice."""

    class Mail(models.TextChoices):
        PENDING = "pending", "to be mailed"
        SENDING = "sending", "being mailed"
        SENT = "sent", "mailed"
        NOT_WANTED = "not-wanted", "not mailed (not asked for)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="change_notices")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="+")
    item_type = models.CharField(max_length=10)
    title = models.CharField(max_length=500)
    path = models.CharField(max_length=300, blank=True, help_text="The item's page, if any.")
    old_starts_at = models.DateTimeField(null=True, blank=True)
    old_ends_at = models.DateTimeField(null=True, blank=True)
    old_room = models.CharField(max_length=200, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_ends_at = models.DateTimeField(null=True, blank=True)
    new_room = models.CharField(max_length=200, blank=True)
    removed = models.BooleanField(default=False)
    noticed_at = models.DateTimeField(default=now)
    mail = models.CharField(max_length=12, choices=Mail.choices, default=Mail.PENDING)
    mail_batch = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["noticed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "version"], name="notice_told_once")
        ]
        indexes = [
            models.Index(fields=["mail", "user"], name="notice_mail_user"),
            models.Index(fields=["user", "noticed_at"], name="notice_user_noticed"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title} ({'removed' if self.removed else 'moved'})"
