"""The conference in the frab/c3voc formats that conference apps read: schedule.json and .xml.

Everyone who may see the conference gets the same document, so its ETag depends only on the
program's version, the code and the address it is served at (its links are absolute); a client
that has the current copy gets a 304 without the document being built.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from program import frab
from program.models import Room, Session, Track
from program.views.common import conference_view


def schedule_etag(request: HttpRequest, *args, **kwargs) -> str:
    conference = request.conference
    parts = [
        settings.BUILD_ID,
        conference.program_changed_at.isoformat(),
        str(conference.is_published),
        request.build_absolute_uri("/"),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def build_schedule(request: HttpRequest) -> dict:
    conference = request.conference
    sessions = Session.objects.for_conference(conference).in_program_order().with_program()
    return frab.schedule(
        conference,
        sessions,
        rooms=Room.objects.filter(conference=conference),
        tracks=Track.objects.filter(conference=conference),
        url_for=request.build_absolute_uri,
        base_url=request.build_absolute_uri("/"),
    )


def exported(view):
    """ETag and 304s; a published program may be kept by anyone, a draft only privately."""
    conditional = condition(etag_func=schedule_etag)(view)

    @conference_view
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        visibility = {"public": True} if request.conference.is_published else {"private": True}
        patch_cache_control(response, no_cache=True, **visibility)
        patch_vary_headers(response, ["Cookie"])  # a draft answers organizers only
        return response

    return wrapper


@exported
def schedule_json(request: HttpRequest) -> HttpResponse:
    body = json.dumps(build_schedule(request), ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@exported
def schedule_xml(request: HttpRequest) -> HttpResponse:
    body = frab.to_xml(build_schedule(request), url=request.build_absolute_uri())
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
