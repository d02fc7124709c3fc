"""Writes on an attendee's side: saving to the agenda, the feed token, deleting the account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.timezone import now

from accounts.models import ITEM_MODELS, ITEM_TYPES, AgendaItem, User, new_feed_token

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


@transaction.atomic
def delete_account(*, user: User) -> None:
    """The user and everything that is theirs (agenda rows cascade)."""
    user.delete()
