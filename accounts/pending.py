"""A star pressed before logging in, saved by the log-in (or sign-up) it led to.

The star stores a *wish* in the session and sends the visitor to log in with
``next=/agenda/resume/?wish=<code>``. Every log-in takes the wish out of the session and saves the
item only when its ``next`` carries that wish's code, so a link from another site cannot leave a
save waiting for a later log-in. A GET of the resume page never writes.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.services import PENDING_SAVE, find_item, save_to_agenda

# Where the log-in that finished a wish leaves the page to go back to, for the resume page.
RESUMED = "resumed_agenda_save"


def keep_wish(request, *, item_type: str, item_id: str, back: str) -> str:
    """Keep the visitor's wish in their session; the log-in URL that will finish it."""
    code = secrets.token_urlsafe(16)
    request.session[PENDING_SAVE] = {
        "item_type": item_type[:20],
        "item_id": item_id[:20],
        "next": back,
        "wish": code,
    }
    return reverse("login") + "?" + urlencode({"next": resume_url(code)}, safe="/")


def resume_url(code: str) -> str:
    return reverse("accounts:agenda-resume") + "?" + urlencode({"wish": code})


def wish_code(target: str) -> str:
    """The wish code a ``next`` URL carries, if it is the resume page's; else ""."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or parts.path != reverse("accounts:agenda-resume"):
        return ""
    return parse_qs(parts.query).get("wish", [""])[0]


def led_here(request, pending) -> bool:
    """Whether this request's ``next`` is the resume page of this very wish."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    code, wanted = wish_code(target), str((pending or {}).get("wish") or "")
    return bool(code and wanted) and secrets.compare_digest(code, wanted)


def wish_title(request) -> str:
    """The title of the waiting wish on the log-in page the star led to; else ""."""
    session = getattr(request, "session", None)
    pending = session.get(PENDING_SAVE) if session is not None else None
    if not pending or request.user.is_authenticated or not led_here(request, pending):
        return ""
    try:
        item = find_item(
            user=request.user, item_type=pending.get("item_type"), item_id=pending.get("item_id")
        )
    except ValidationError:  # gone or hidden meanwhile: nothing to say
        return ""
    return str(item)


def finish_wish(sender, request, user, **kwargs) -> None:
    """At every log-in: take the wish out; save it only if this log-in came from it (a
    CSRF-checked POST of the log-in form the star led to, its ``next`` carrying the wish's
    code)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(RESUMED, None)
    pending = session.pop(PENDING_SAVE, None)
    if not pending or request.method != "POST" or not led_here(request, pending):
        return
    back = pending.get("next") or reverse("accounts:agenda")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("accounts:agenda")
    session[RESUMED] = {"wish": pending["wish"], "next": back}
    try:
        item = find_item(
            user=user, item_type=pending.get("item_type"), item_id=pending.get("item_id")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages), fail_silently=True)
        return
    save_to_agenda(user=user, item=item)
    messages.success(request, f"Saved to your agenda: {item}.", fail_silently=True)


def resumed_to(request) -> str:
    """Where the resume page sends the visitor: back to the page of the wish their log-in just
    finished, or My agenda. Reads the session only."""
    resumed = request.session.get(RESUMED) or {}
    code, wanted = request.GET.get("wish", ""), str(resumed.get("wish") or "")
    if code and wanted and secrets.compare_digest(code, wanted):
        return resumed.get("next") or reverse("accounts:agenda")
    return reverse("accounts:agenda")


def connect() -> None:
    user_logged_in.connect(finish_wish, dispatch_uid="accounts.pending.finish_wish")
