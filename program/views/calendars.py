"""Calendar files: the whole program and one per session, poster and talk.

Each is an export like schedule.xml (``interchange.exported``): an ETag and a Last-Modified
that follow the program's last change, 304s, and public caching for a published conference."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from program import calendar
from program.models import Session, SessionItem, TimedItem
from program.views.interchange import exported, rendered

CONTENT_TYPE = "text/calendar; charset=utf-8"


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def absolute(request):
    return lambda item: request.build_absolute_uri(item.get_absolute_url())


@exported
def program_ics(request):
    conference = request.conference

    def build() -> bytes:
        sessions = Session.objects.for_conference(conference).in_program_order().for_calendar()
        return calendar.program_calendar(conference, sessions, url_for=absolute(request))

    return ics_response(rendered(request, "ics", build), f"{conference.slug}.ics")


def _one_item_ics(request, item: TimedItem) -> HttpResponse:
    kind = item._meta.model_name
    if item.effective_starts_at is None:
        raise Http404(f"This {kind} has no time yet.")
    return ics_response(
        calendar.item_calendar(item, url_for=absolute(request)),
        f"{request.conference.slug}-{kind}-{item.pk}.ics",
    )


@exported
def session_ics(request, pk: int):
    session = Session.objects.for_conference(request.conference).with_program()
    return _one_item_ics(request, get_object_or_404(session, pk=pk))


@exported
def item_ics(request, pk: int, *, model: type[SessionItem]):
    """A poster's or a talk's calendar file (the URL map names the model)."""
    items = model.objects.for_conference(request.conference).with_people()
    return _one_item_ics(request, get_object_or_404(items, pk=pk))
