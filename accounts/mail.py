"""The change digest as a mail: one message per attendee listing their notices, times in their
zone, with a plain-text part and an HTML one, from the site's name, and a one-click unsubscribe
link (RFC 8058: ``List-Unsubscribe`` with ``List-Unsubscribe-Post``) whose signed token needs no
log-in."""

from __future__ import annotations

import datetime
import zoneinfo
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import ChangeNotice, User

UNSUBSCRIBE_SALT = "accounts.change-mail.unsubscribe"


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user(token: str) -> User | None:
    """The active user a token names, or None for a token we did not sign."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def sender() -> str:
    """DEFAULT_FROM_EMAIL, named after the site unless it names itself."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or settings.SITE_NAME, address))


def when(starts: datetime.datetime | None, ends: datetime.datetime | None, zone) -> str:
    """The time in ``zone`` ("Thu 15 May 2025, 13:15-14:30" with an en dash), or "time to be
    announced" without a start."""
    if starts is None:
        return "time to be announced"
    local = starts.astimezone(zone)
    text = f"{local:%a} {local.day} {local:%B %Y, %H:%M}"
    if ends is not None:
        text += f"–{ends.astimezone(zone):%H:%M}"
    return text


def place(starts, ends, room: str, zone) -> str:
    return ", ".join(part for part in (when(starts, ends, zone), room) if part)


def zone_of(user: User, notice: ChangeNotice) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(user.timezone) if user.timezone else notice.conference.zone


def described(notices: list[ChangeNotice], user: User) -> list[dict]:
    """What the mail and the site print of each notice, in the owner's zone."""
    entries = []
    for notice in notices:
        zone = zone_of(user, notice)
        entries.append(
            {
                "notice": notice,
                "zone": zone.key,
                "was": place(notice.old_starts_at, notice.old_ends_at, notice.old_room, zone),
                "now": ""
                if notice.removed
                else place(notice.new_starts_at, notice.new_ends_at, notice.new_room, zone),
                "url": absolute(notice.path) if notice.path else "",
            }
        )
    return entries


def subject(notices: list[ChangeNotice]) -> str:
    if len(notices) == 1:
        notice = notices[0]
        verb = "was removed from the program" if notice.removed else "moved"
        return f"Your agenda: “{notice.title[:80]}” {verb}"
    return f"Your agenda: {len(notices)} saved items changed"


def digest_message(user: User, notices: list[ChangeNotice]) -> EmailMultiAlternatives:
    unsubscribe = absolute(
        reverse("accounts:unsubscribe", kwargs={"token": unsubscribe_token(user)})
    )
    context = {
        "user": user,
        "entries": described(notices, user),
        "site_name": settings.SITE_NAME,
        "agenda_url": absolute(reverse("accounts:agenda")),
        "account_url": absolute(reverse("accounts:account")),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=subject(notices),
        body=render_to_string("accounts/mail/change_digest.txt", context),
        from_email=sender(),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("accounts/mail/change_digest.html", context), "text/html"
    )
    return message
