"""Calendar files of one session, poster or talk (the whole program's is an export:
``interchange.program_ics``): public and conditional for a published conference."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers

from program.interchange import calendar
from program.models import Session, SessionItem, TimedItem
from program.views.common import conference_view
from web import caching

CONTENT_TYPE = "text/calendar; charset=utf-8"


def published(request) -> bool:
    return request.conference.is_published


def program_changed(request, *args, **kwargs):
    return request.conference.program_changed_at


def item_file(view):
    """``conference_view`` and ``web.caching.public`` for a published conference (a draft's
    files are its organizers', private), with the program's last change as Last-Modified."""
    public = caching.public(view, shared=published, last_modified=program_changed)

    @conference_view
    def wrapper(request, *args, **kwargs):
        response = public(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _one_item_ics(request, item: TimedItem) -> HttpResponse:
    kind = item._meta.model_name
    if item.effective_starts_at is None:
        raise Http404(f"This {kind} has no time yet.")
    body = calendar.item_calendar(
        item, url_for=lambda found: request.build_absolute_uri(found.get_absolute_url())
    )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    filename = f"{request.conference.slug}-{kind}-{item.pk}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@item_file
def session_ics(request, pk: int):
    session = Session.objects.for_conference(request.conference).with_program()
    return _one_item_ics(request, get_object_or_404(session, pk=pk))


@item_file
def item_ics(request, pk: int, *, model: type[SessionItem]):
    """A poster's or a talk's calendar file (the URL map names the model)."""
    items = model.objects.for_conference(request.conference).with_people()
    return _one_item_ics(request, get_object_or_404(items, pk=pk))
