"""What attendees hear of changes on the site: "What changed since your last visit" on My
agenda (the notices ``accounts/digest.py`` wrote since they last marked them read), and the
page the digest's unsubscribe link opens, which needs no log-in (RFC 8058: a mail client
POSTs ``List-Unsubscribe=One-Click`` to it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import now
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.mail import described, unsubscribe_user
from accounts.models import ChangeNotice, User
from program.models import Conference

#: "What changed" lists at most this many notices, the latest.
SHOWN = 50


def unseen_changes(user: User) -> list[dict]:
    """The user's notices of visible programs since they last marked them read, oldest first,
    as the mail prints them: one query."""
    notices = ChangeNotice.objects.filter(
        user=user, conference__in=Conference.objects.visible_to(user)
    ).select_related("conference")
    if user.changes_seen_at:
        notices = notices.filter(noticed_at__gt=user.changes_seen_at)
    latest = list(notices.order_by("-noticed_at", "-pk")[:SHOWN])
    return described(latest[::-1], user)


@login_required
@require_POST
def mark_changes_seen(request):
    User.objects.filter(pk=request.user.pk).update(changes_seen_at=now())
    messages.success(request, "Marked as read.")
    return redirect(reverse("accounts:agenda"))


@csrf_exempt  # the mail client posting it has no session, so no CSRF token: the link is the key
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (a link scanner must not unsubscribe anyone); POST stops the mails."""
    user = unsubscribe_user(token)
    if user is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        User.objects.filter(pk=user.pk).update(change_mail=False)
        done = True
    response = render(
        request, "accounts/unsubscribe.html", {"done": done, "subscribed": user.change_mail}
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
