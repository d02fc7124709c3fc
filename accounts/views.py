"""The attendee's pages: sign-up, account, My agenda, saving from any page (the private feed:
``accounts/subscriptions.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from rest_framework.authtoken.models import Token

from accounts import news, pending, services, sharing
from accounts.agenda import build_agenda
from accounts.forms import AccountForm, DeleteAccountForm, SignUpForm
from accounts.frame import conference_frame
from accounts.models import AgendaItem, User
from program.views.common import csrf_secret, zone_part
from web import caching


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:agenda")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your agenda is ready.")
        return redirect(safe_next(request, reverse("accounts:agenda")))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": safe_next(request, "")},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your account is saved.")
        return redirect("accounts:account")
    feed_path = reverse("accounts:agenda-feed", kwargs={"token": request.user.feed_token})
    https_url = request.build_absolute_uri(feed_path)
    token = Token.objects.filter(user=request.user).first()
    context = {
        **conference_frame(request),
        "form": form,
        "api_token": token.key if token else None,
        "feed_https": https_url,
        "feed_webcal": "webcal://" + https_url.split("://", 1)[1],
    }
    return render(request, "accounts/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def regenerate_feed(request):
    services.regenerate_feed_token(user=request.user)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("accounts:account")


@login_required
@require_POST
def api_token(request):
    """Make (or replace) the API token, or revoke it."""
    Token.objects.filter(user=request.user).delete()
    if request.POST.get("action") == "revoke":
        messages.success(request, "Your API token is revoked.")
    else:
        Token.objects.create(user=request.user)
        messages.success(request, "Your new API token is below; the old one no longer works.")
    return redirect(reverse("accounts:account") + "#api-title")


@login_required
@never_cache
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user=user)
        messages.success(request, "Your account and your agenda are deleted.")
        return redirect("/")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )


def agenda_parts(request) -> list[str]:
    """What My agenda shows besides the program: every field of its owner (their agenda's last
    change, name, sharing), their CSRF secret (its forms), their chosen zone and the date."""
    user = request.user
    return [
        *(str(field.value_from_object(user)) for field in User._meta.concrete_fields),
        csrf_secret(request),
        zone_part(request),
        timezone.localdate().isoformat(),
    ]


@login_required
@caching.private(parts=agenda_parts)
def agenda(request):
    """My agenda. Private and revalidated on every visit, but not "no-store": the service
    worker keeps a copy for offline use (forgotten when the visitor logs out)."""
    items = list(AgendaItem.objects.visible_to(request.user).with_items())
    days, zone = build_agenda(request.user, items)
    context = {
        **conference_frame(request, zone),
        "days": days,
        "zone": zone,
        "count": len(items),
        "feed_path": reverse("accounts:agenda-feed", kwargs={"token": request.user.feed_token}),
        "app_addresses": sharing.app_addresses(request, "agenda", request.user.feed_token),
        "changes": news.unseen_changes(request.user),
        **sharing.owner_context(request),
    }
    return render(request, "accounts/agenda.html", context)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def requested_save(post) -> tuple[str, str, str]:
    """(action, item_type, item_id) from a save toggle (``save=poster:12`` or
    ``remove=poster:12``, the button's own name and value) or from the plain fields
    (``item_type``, ``item_id``, ``action``) the API-like form posts."""
    for action in ("save", "remove"):
        if action in post:
            item_type, _, item_id = post[action].partition(":")
            return action, item_type, item_id
    return post.get("action", "save"), post.get("item_type", ""), post.get("item_id", "")


def back_to_item(back: str, item_type: str, item_id: str) -> str:
    """The page the visitor saved from, scrolled to the item (pages give items ids like
    "poster-12"), unless the page named its own place."""
    if "#" in back or item_type not in ("session", "poster", "talk") or not item_id.isdigit():
        return back
    return f"{back}#{item_type}-{item_id}"


@require_http_methods(["GET", "POST"])
def save_item(request):
    """Save or remove one item. Works as a plain form; answers JSON to the page's script.

    Pages for visitors who are not logged in send their stars as a GET (they hold no CSRF
    token): it only keeps the wish in the session and asks to log in; that log-in saves it
    (``pending``). A GET never saves: from a logged-in visitor (an old copy of a page) it goes
    back to the page, now with their stars.
    """
    action, item_type, item_id = requested_save(
        request.POST if request.method == "POST" else request.GET
    )
    back = back_to_item(safe_next(request, reverse("accounts:agenda")), item_type, item_id)
    if action not in ("save", "remove"):
        return _refuse(request, "Choose to save or to remove.", back)
    if request.method == "GET" and request.user.is_authenticated:
        messages.info(request, "You are logged in: press the star again to save it.")
        return redirect(back)
    if not request.user.is_authenticated:
        login_url = reverse("login") + "?next=" + reverse("accounts:agenda")
        if action == "save":
            login_url = pending.keep_wish(request, item_type=item_type, item_id=item_id, back=back)
        if wants_json(request):
            return JsonResponse({"login": login_url}, status=401)
        return redirect(login_url)
    try:
        item = services.find_item(user=request.user, item_type=item_type, item_id=item_id)
    except ValidationError as error:
        return _refuse(request, " ".join(error.messages), back)
    if action == "save":
        services.save_to_agenda(user=request.user, item=item)
        text = f"Saved to your agenda: {item}."
    else:
        services.remove_from_agenda(user=request.user, item=item)
        text = f"Removed from your agenda: {item}."
    if wants_json(request):
        return JsonResponse({"saved": action == "save", "message": text})
    messages.success(request, text)
    return redirect(back)


def _refuse(request, text: str, back: str):
    if wants_json(request):
        return JsonResponse({"error": text}, status=400)
    messages.error(request, text)
    return redirect(back)


@login_required
@require_GET
def resume_save(request):
    """Where the log-in a star led to comes back: the save is already done by that log-in
    (``pending.finish_wish``); this only sends the visitor back to their page. Never writes."""
    return redirect(pending.resumed_to(request))


@login_required
@require_POST
def remove_agenda_item(request, pk: int):
    """The "Remove" button of an agenda row, and "Dismiss" of one whose item left the program."""
    if not services.remove_agenda_item(user=request.user, agenda_item_id=pk):
        raise Http404("No such item in your agenda.")
    messages.success(request, "Removed from your agenda.")
    return redirect(safe_next(request, reverse("accounts:agenda")))
