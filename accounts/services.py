"""Writes on an attendee's side: saving to the agenda, the feed token, sharing the agenda by link,
deleting the account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.timezone import now

from accounts.models import (
    ITEM_MODELS,
    ITEM_TYPES,
    AgendaItem,
    User,
    new_feed_token,
    new_share_token,
)

# Where a visitor's save waits in their session while they log in or sign up.
PENDING_SAVE = "pending_agenda_save"


def find_item(*, user, item_type: str, item_id):
    """A session, poster or talk the user may see, or a ValidationError saying what is wrong."""
    if item_type not in ITEM_TYPES:
        raise ValidationError(
            {"item_type": f"Choose one of {', '.join(ITEM_TYPES)}; got {str(item_type)[:40]!r}."}
        )
    try:
        item_id = int(item_id)
    except (TypeError, ValueError) as error:
        raise ValidationError({"item_id": "Give the item's number."}) from error
    item = ITEM_MODELS[item_type].objects.visible_to(user).filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item_id": f"There is no {item_type} {item_id}."})
    return item


def _touch(user: User) -> None:
    user.agenda_changed_at = now()
    User.objects.filter(pk=user.pk).update(agenda_changed_at=user.agenda_changed_at)


@transaction.atomic
def save_to_agenda(*, user: User, item) -> tuple[AgendaItem, bool]:
    """Save an item; saving it again is harmless and returns the existing row."""
    item_type = type(item)._meta.model_name
    existing = AgendaItem.objects.filter(user=user, **{item_type: item}).first()
    if existing:
        return existing, False
    agenda_item = AgendaItem(user=user, **{item_type: item})
    agenda_item.snapshot()
    try:
        with transaction.atomic():
            agenda_item.save()
    except IntegrityError:  # a second request saved it in between
        return AgendaItem.objects.get(user=user, **{item_type: item}), False
    _touch(user)
    return agenda_item, True


@transaction.atomic
def remove_from_agenda(*, user: User, item) -> bool:
    item_type = type(item)._meta.model_name
    deleted, _ = AgendaItem.objects.filter(user=user, **{item_type: item}).delete()
    if deleted:
        _touch(user)
    return bool(deleted)


@transaction.atomic
def remove_agenda_item(*, user: User, agenda_item_id: int) -> bool:
    deleted, _ = AgendaItem.objects.filter(user=user, pk=agenda_item_id).delete()
    if deleted:
        _touch(user)
    return bool(deleted)


def saved_keys(user) -> set[tuple[str, int]]:
    """("poster", 12)-style keys of what the user saved: one query, for the save buttons."""
    if not user.is_authenticated:
        return set()
    keys = set()
    for session_id, poster_id, talk_id in AgendaItem.objects.filter(user=user).values_list(
        "session_id", "poster_id", "talk_id"
    ):
        for kind, pk in (("session", session_id), ("poster", poster_id), ("talk", talk_id)):
            if pk:
                keys.add((kind, pk))
    return keys


def regenerate_feed_token(*, user: User) -> str:
    """A new secret for the calendar feed; the old address stops working at once."""
    user.feed_token = new_feed_token()
    user.save(update_fields=["feed_token"])
    return user.feed_token


def share_agenda(*, user: User, name: str | None = None) -> str:
    """Open the read-only link to the user's agenda (sharing again keeps the same link), and
    set the name shown on it when ``name`` is given ("" shows none). Returns the token."""
    fields = []
    if not user.share_token:
        user.share_token = new_share_token()
        fields.append("share_token")
    if name is not None:
        user.share_name = name.strip()
        fields.append("share_name")
    if fields:
        # The shared page's ETag follows agenda_changed_at: a new name shows at once.
        user.agenda_changed_at = now()
        user.save(update_fields=[*fields, "agenda_changed_at"])
    return user.share_token


def new_share_link(*, user: User) -> str:
    """A new shared link (sharing if the user was not); the old one answers 404 at once."""
    user.share_token = new_share_token()
    user.save(update_fields=["share_token"])
    return user.share_token


def stop_sharing_agenda(*, user: User) -> None:
    """Close the shared link: it answers 404 at once. The chosen name is kept for next time."""
    user.share_token = None
    user.save(update_fields=["share_token"])


def shared_agenda_owner(token: str) -> User | None:
    """The active user whose agenda this shared link opens, or None: one indexed lookup."""
    if not token or len(token) > User._meta.get_field("share_token").max_length:
        return None
    return User.objects.filter(share_token=token, is_active=True).first()


@transaction.atomic
def copy_shared_agenda(*, user: User, owner: User) -> int:
    """Save to ``user``'s agenda every item of ``owner``'s shared agenda that ``user`` has not
    saved yet; returns how many were added. A fixed number of queries however many items;
    copying twice adds nothing the second time."""
    already = saved_keys(user)
    new_items = []
    for shared in AgendaItem.objects.shared_by(owner).scheduled().with_items():
        if (shared.item_type, shared.item_id) in already:
            continue
        copy = AgendaItem(user=user, **{shared.item_type: shared.item})
        copy.snapshot()
        new_items.append(copy)
    # A save made meanwhile by another request of the same user is skipped, not an error.
    AgendaItem.objects.bulk_create(new_items, ignore_conflicts=True)
    if new_items:
        _touch(user)
    return len(new_items)


@transaction.atomic
def delete_account(*, user: User) -> None:
    """The user and everything that is theirs (agenda rows cascade)."""
    user.delete()
