"""The private feed's three files: ``.ics`` for calendar apps (with a reminder before each
item: the owner's choice, or ``?remind=`` for one calendar), and ``.xml``/``.json`` as a
frab/c3voc schedule for conference apps (``?conference=`` for another than the latest).

Each is cached until its owner's account, agenda or any program changes: warm, two queries
(the owner, the version). Calendar apps poll without a validator too.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import condition, require_GET

from accounts import agenda_schedule
from accounts.feed import agenda_calendar, feed_items, last_change
from accounts.models import REMINDER_CHOICES, AgendaItem, User
from web import caching

CONTENT_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
REMINDERS = {str(minutes) for minutes, _ in REMINDER_CHOICES} | {"off"}


class FeedOptionError(ValueError):
    pass


def feed_owner(request, token: str) -> User:
    """The active user whose feed this token opens (found once per request), or a 404."""
    if not hasattr(request, "feed_owner"):
        request.feed_owner = User.objects.filter(feed_token=token, is_active=True).first()
    if request.feed_owner is None:
        raise Http404("No such calendar feed.")
    return request.feed_owner


def reminder_of(request, owner: User) -> int:
    """Minutes before each item: ``?remind=`` (off, 5, 10, 15 or 30), else the owner's choice."""
    asked = request.GET.get("remind")
    if asked is None:
        return owner.reminder_minutes
    if asked not in REMINDERS:
        raise FeedOptionError("remind must be off, 5, 10, 15 or 30 (minutes before each item).")
    return 0 if asked == "off" else int(asked)


def render_feed(request, owner: User, token: str, name: str, option) -> bytes:
    title = f"My agenda ({owner.get_username()})"
    if name == "ics":
        return agenda_calendar(
            feed_items(owner),
            title=title,
            url_for=lambda item: request.build_absolute_uri(item.get_absolute_url()),
            reminder_minutes=option,
        )
    items = AgendaItem.objects.visible_to(owner)
    conference = agenda_schedule.pick_conference(items, option)
    if conference is None:
        raise Http404("Your agenda has no item of this conference.")
    url = request.build_absolute_uri(request.path)
    return agenda_schedule.render(items, conference, name, title="my agenda", url=url)


def feed_entry(request, token: str, name: str) -> tuple[str, datetime.datetime, bytes]:
    """The file as (ETag, Last-Modified, body), found once per request and cached until its
    owner's account or agenda or any program changes."""
    if not hasattr(request, "feed_entry"):
        owner = feed_owner(request, token)
        option = reminder_of(request, owner) if name == "ics" else request.GET.get("conference")
        account = (str(field.value_from_object(owner)) for field in User._meta.concrete_fields)
        key = caching.key(request, "feed", name, str(option), *account)
        entry = cache.get(key)
        if entry is None:
            changed = last_change(owner)
            tag = f"{token}|{name}|{option}|{changed.isoformat()}"
            etag = hashlib.sha256(tag.encode()).hexdigest()[:32]
            entry = (etag, changed, render_feed(request, owner, token, name, option))
            cache.set(key, entry, caching.LIFETIME)
        request.feed_entry = entry
    return request.feed_entry


def feed_etag(request, token: str, name: str) -> str:
    return feed_entry(request, token, name)[0]


def feed_changed(request, token: str, name: str) -> datetime.datetime:
    """The feed's Last-Modified (``feed.last_change``)."""
    return feed_entry(request, token, name)[1]


@condition(etag_func=feed_etag, last_modified_func=feed_changed)
def _feed(request, token: str, name: str):
    body = feed_entry(request, token, name)[2]
    response = HttpResponse(body, content_type=CONTENT_TYPES[name])
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = f'inline; filename="agenda.{name}"'
    return response


@require_GET
def feed(request, token: str, name: str = "ics"):
    try:
        return _feed(request, token, name)
    except FeedOptionError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
