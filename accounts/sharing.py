"""An agenda shared by link: the owner's controls (on My agenda) and what anyone with the link
opens (the page, its calendar feed and frab/c3voc schedule, and QR codes).

The link's token is the only key: an unknown or revoked one is a 404. The shared page shows
only items of published conferences that are still in their program (its feed keeps a removed
one as a cancelled event, as the owner's does), never the owner's username or email (only the
name they chose to show), and tells browsers and robots to keep the address to themselves.
"""

from __future__ import annotations

import hashlib
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.timezone import now
from django.views.decorators.http import condition, require_GET, require_POST

from accounts import agenda_schedule, services
from accounts.agenda import build_agenda
from accounts.feed import agenda_calendar, last_change, last_program_change, shared_feed_items
from accounts.forms import ShareAgendaForm
from accounts.frame import conference_frame
from accounts.models import AgendaItem, User
from program.timezones import chosen_zone
from program.views.common import csrf_secret
from web import caching

# The shared page's address is its secret: never in another site's Referer header, never in a
# search engine. The feed and the QR code send no Referer at all. The page itself says
# "same-origin", not "no-referrer": under "no-referrer" Chromium sends its own form posts (the save
# stars, "Add all") with "Origin: null", which Django's CSRF check rightly refuses.
PRIVATE_ADDRESS_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
PAGE_HEADERS = {**PRIVATE_ADDRESS_HEADERS, "Referrer-Policy": "same-origin"}


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


def qr_svg_inline(url: str) -> str:
    """The link's QR code as an inline <svg> (sized by CSS), dark on light in dark mode too so
    phones can scan it."""
    return qr_code(url).svg_inline(
        omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )


def qr_svg_document(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=8, border=4, dark="#000", light="#fff")
    return buffer.getvalue()


#: The agenda's files as the pages list them: URL name suffix, label, the apps that read it.
APP_FILES = (
    ("feed", "Calendar apps (.ics)", "Apple, Google and Outlook calendars, Thunderbird"),
    ("xml", "Conference apps (.xml)", "EventFahrplan, Giggity, ConfClerk"),
    ("json", "Conference apps (.json)", "apps that read the c3voc schedule.json"),
)


def app_addresses(request, url_prefix: str, token: str) -> list[dict]:
    """The agenda's three files (``accounts:<url_prefix>-feed``, ``-xml``, ``-json``), each
    with its address and a QR code for a phone; the calendar's as webcal:// (calendar apps
    subscribe to it)."""
    found = []
    for suffix, label, apps in APP_FILES:
        url = request.build_absolute_uri(
            reverse(f"accounts:{url_prefix}-{suffix}", kwargs={"token": token})
        )
        if suffix == "feed":
            url = "webcal://" + url.split("://", 1)[1]
        found.append(
            {
                "id": suffix,
                "label": label,
                "apps": apps,
                "url": url,
                "qr": mark_safe(qr_svg_inline(url)),
            }
        )
    return found


def shared_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("accounts:shared-agenda", kwargs={"token": token}))


def owner_context(request) -> dict:
    """What My agenda shows about sharing: the form, and the link and its QR code once shared."""
    user = request.user
    context = {"share_form": ShareAgendaForm(instance=user)}
    if user.share_token:
        url = shared_url(request, user.share_token)
        context |= {"share_url": url, "share_qr": mark_safe(qr_svg_inline(url))}
    return context


@login_required
@require_POST
def share(request):
    """Share (or rename), make a new link, or stop sharing: the buttons of My agenda."""
    action = request.POST.get("action", "share")
    back = reverse("accounts:agenda") + "#share-title"
    if action == "stop":
        services.stop_sharing_agenda(user=request.user)
        messages.success(request, "Your agenda is no longer shared; the link no longer works.")
    elif action == "new-link":
        services.new_share_link(user=request.user)
        messages.success(request, "Your shared agenda has a new link; the old one no longer works.")
    elif action == "share":
        form = ShareAgendaForm(request.POST, instance=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("share_name", [])))
            return redirect(back)
        was_shared = request.user.shares_agenda
        services.share_agenda(user=request.user, name=form.cleaned_data["share_name"])
        messages.success(
            request,
            "Saved the name on your shared agenda."
            if was_shared
            else "Your agenda is shared: anyone with the link below can read it.",
        )
    else:
        messages.error(request, "Choose to share, to make a new link or to stop sharing.")
    return redirect(back)


def shared_owner(request, token: str) -> User:
    """The owner of the shared agenda this token opens (found once per request), or a 404."""
    if not hasattr(request, "shared_owner"):
        request.shared_owner = services.shared_agenda_owner(token)
    if request.shared_owner is None:
        raise Http404("No agenda is shared at this address.")
    return request.shared_owner


def shared_zone(request):
    """Like other pages, the zone picked for this visit; then a signed-in visitor's own
    preferred zone; else (None) the zone of the agenda's first conference."""
    return chosen_zone(request) or (
        request.user.timezone if getattr(request.user, "timezone", "") else None
    )


def shared_page_etag(request, token: str) -> str | None:
    """The page changes with the owner's items or name, their program, which conferences are
    published, the zone, and the visitor (their save stars and CSRF token). None while a
    one-off notice waits to be shown."""
    owner = shared_owner(request, token)
    if messages.get_messages(request):
        return None
    changed = last_program_change(AgendaItem.objects.shared_by(owner))
    zone = shared_zone(request)
    parts = [
        settings.BUILD_ID,
        token,
        owner.agenda_changed_at.isoformat(),
        changed.isoformat() if changed else "",
        caching.version(request),
        str(zone or ""),
        now().date().isoformat(),  # the header shows the conference running today
        str(request.user.pk or ""),
        str(getattr(request.user, "agenda_changed_at", "")),
        csrf_secret(request),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def private_address(response: HttpResponse, headers=PRIVATE_ADDRESS_HEADERS) -> HttpResponse:
    for header, value in headers.items():
        response.headers[header] = value
    return response


@require_GET
@condition(etag_func=shared_page_etag)
def _shared_agenda(request, token: str):
    owner = shared_owner(request, token)
    items = list(AgendaItem.objects.shared_by(owner).scheduled().with_items())
    days, zone = build_agenda(request.user, items, zone=shared_zone(request), with_clashes=False)
    # The save stars and "Add all" show what the visitor has (one query, none when anonymous).
    saved = services.saved_keys(request.user)
    already_saved = sum(1 for item in items if (item.item_type, item.item_id) in saved)
    url = shared_url(request, token)
    context = {
        **conference_frame(request, zone),
        "days": days,
        "zone": zone,
        "count": len(items),
        "unsaved_count": len(items) - already_saved,
        "already_saved_count": already_saved,
        "saved_agenda_keys": saved,
        "share_name": owner.share_name,
        "is_owner": request.user.pk == owner.pk,
        "token": token,
        "share_url": url,
        "share_qr": mark_safe(qr_svg_inline(url)),  # segno's paths: nothing of the request
        "app_addresses": app_addresses(request, "shared-agenda", token),
    }
    return render(request, "accounts/shared_agenda.html", context)


def shared_agenda(request, token: str):
    response = _shared_agenda(request, token)
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return private_address(response, PAGE_HEADERS)


@require_POST
def copy_shared(request, token: str):
    """The "Add all to my agenda" button: one POST, harmless twice; a visitor is asked to log
    in first."""
    owner = shared_owner(request, token)
    page = reverse("accounts:shared-agenda", kwargs={"token": token})
    if not request.user.is_authenticated:
        return redirect(reverse("login") + "?next=" + page)
    added = services.copy_shared_agenda(user=request.user, owner=owner)
    if added:
        messages.success(request, f"Added {added} item{'s' if added != 1 else ''} to your agenda.")
    else:
        messages.info(request, "Everything here is already in your agenda; nothing was added.")
    return private_address(redirect(page))


def shared_feed_changed(request, token: str):
    """The shared feed's Last-Modified (``feed.last_change``), found once per request."""
    if not hasattr(request, "shared_feed_changed"):
        request.shared_feed_changed = last_change(shared_owner(request, token))
    return request.shared_feed_changed


def shared_feed_etag(request, token: str) -> str:
    changed = shared_feed_changed(request, token)
    parts = [token, changed.isoformat(), caching.version(request)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


@require_GET
@condition(etag_func=shared_feed_etag, last_modified_func=shared_feed_changed)
def shared_feed(request, token: str):
    owner = shared_owner(request, token)
    title = f"Agenda of {owner.share_name}" if owner.share_name else "A shared agenda"
    body = agenda_calendar(
        shared_feed_items(owner),
        title=title,
        url_for=lambda item: request.build_absolute_uri(item.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="shared-agenda.ics"'
    return private_address(response)


def shared_schedule_etag(request, token: str, name: str) -> str:
    conference = request.GET.get("conference", "")
    return hashlib.sha256(
        f"{shared_feed_etag(request, token)}|{name}|{conference}".encode()
    ).hexdigest()[:32]


def shared_schedule_changed(request, token: str, name: str):
    return shared_feed_changed(request, token)


@require_GET
@condition(etag_func=shared_schedule_etag, last_modified_func=shared_schedule_changed)
def shared_schedule(request, token: str, name: str):
    """The shared agenda as a frab/c3voc schedule (``.xml``, ``.json``), as the owner's own."""
    items = AgendaItem.objects.shared_by(shared_owner(request, token))
    conference = agenda_schedule.pick_conference(items, request.GET.get("conference"))
    if conference is None:
        raise Http404("This agenda has no item of this conference.")
    url = request.build_absolute_uri(request.path)
    body = agenda_schedule.render(items, conference, name, title="a shared agenda", url=url)
    content_type = "application/json" if name == "json" else "application/xml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = f'inline; filename="shared-agenda.{name}"'
    return private_address(response)


@require_GET
def shared_qr(request, token: str):
    """The link's QR code as an SVG file, to print or send."""
    shared_owner(request, token)
    response = HttpResponse(
        qr_svg_document(shared_url(request, token)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="shared-agenda-qr.svg"'
    return private_address(response)
