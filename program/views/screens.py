"""Screens by the room doors: a room's (``room_screen``) or a venue area's (``area_screen``).

Public pages kept like every other (``web.caching.public``), for everyone: a screen is nobody's.
What they show changes with the clock too, so each copy is right until the next start or end in
its rooms (``program/screens.py``: its ``Clock`` is in the ETag and the copy expires then); a
screen polling with If-None-Match between those moments costs a conditional request. A draft
conference has no screens, for organizers neither.
"""

from __future__ import annotations

import functools

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from program import qr, screens
from program.models import Room
from program.views.common import conference_view
from web import caching, expiry

#: How many entries after the current one an area's screen names per room.
AREA_NEXT = 1


def everyone(request: HttpRequest) -> bool:
    return True


def screen_page(choose, *, params: tuple[str, ...] = ()):
    """A screen: ``conference_view``, published conferences only. ``choose(request, **kwargs)``
    picks its rooms from the conference's; their boards and clock are loaded before the ETag is
    made (the clock is part of it), and the view renders ``request.boards``."""

    def decorator(view):
        cached = caching.public(
            view, params=params, parts=lambda request: [request.page_clock.label], shared=everyone
        )

        @conference_view
        def page(request: HttpRequest, *args, **kwargs):
            if not request.conference.is_published:
                raise Http404("No conference here.")
            every_room = list(Room.objects.filter(conference=request.conference))
            rooms = choose(request, every_room, **kwargs)
            if not rooms:
                raise Http404("No such room in this conference.")
            request.boards, request.page_clock = screens.room_boards(
                request.conference, rooms, timezone.now(), all_rooms=every_room
            )
            response = cached(request, *args, **kwargs)
            patch_vary_headers(response, ["Accept-Encoding"])
            until = request.page_clock.until
            if until and "public" in response.get("Cache-Control", ""):
                expiry.expires_at(response, until)
            return response

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            return caching.redirect_to_read(request, params) or page(request, *args, **kwargs)

        return wrapper

    return decorator


def qr_codes(request: HttpRequest, boards: list[screens.Board]) -> dict[str, str]:
    """Each entry's QR code to its page, by URL."""
    urls = {entry.url for board in boards for entry in [board.now, *board.later] if entry}
    return {url: mark_safe(qr.svg_inline(request.build_absolute_uri(url))) for url in urls}


def rows_with_codes(rows, codes: dict[str, str]) -> list[dict]:
    return [
        {"entry": entry, "on": on, "hidden": hidden, "full": full, "qr": codes.get(entry.url)}
        for entry, on, hidden, full in rows
    ]


def one_room(request: HttpRequest, rooms: list[Room], pk: int) -> list[Room]:
    return [room for room in rooms if room.pk == pk]


def area_rooms(request: HttpRequest, rooms: list[Room]) -> list[Room]:
    """The rooms of ``?area=`` (as the rooms' "floor or area" says it), or all of them."""
    area = request.GET.get("area")
    return [room for room in rooms if area is None or room.area == area]


@screen_page(one_room)
def room_screen(request: HttpRequest, pk: int):
    room = request.boards[0].room
    title = f"{room.name} · {room.area}" if room.area else room.name
    return render_screen(request, title=title, shown=screens.NEXT, single=True)


@screen_page(area_rooms, params=("area",))
def area_screen(request: HttpRequest):
    title = request.GET.get("area") or "All rooms"
    return render_screen(request, title=title, shown=AREA_NEXT, single=False)


def render_screen(request: HttpRequest, *, title: str, shown: int, single: bool):
    """``single``: one room's screen, the current item large with its QR code."""
    boards = request.boards
    codes = qr_codes(request, boards) if single else {}
    context = {
        "conference": request.conference,
        "title": title,
        "boards": [(board, rows_with_codes(board.rows(shown), codes)) for board in boards],
        "today": request.conference.day_of(timezone.now()),
        "shown": shown,
        "single": single,
        "zone": request.conference.zone,
    }
    return TemplateResponse(request, "program/screen.html", context)
