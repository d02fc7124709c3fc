"""The program's files for apps (program/interchange/files.py) as responses: ETag, Last-Modified,
304s; a published program's files are everyone's (``web.caching.SHARED``), a draft's private."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from program.interchange.files import FORMATS, edition, stored_file
from program.models import Conference
from program.views.common import conference_view
from web import caching


def export_view(name: str, filename: Callable[[Conference], str] | None = None):
    """A view answering the conference's file ``name``: ETag, Last-Modified and 304s. A
    published program is everyone's (``web.caching.SHARED``), a draft its organizers'."""

    @conference_view
    def view(request: HttpRequest) -> HttpResponse:
        conference = request.conference
        base_url = request.build_absolute_uri("/")
        etag, modified, body = stored_file(conference, name, base_url)
        response = HttpResponse(body, content_type=FORMATS[name])
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename(conference)}"'
        response["ETag"] = f'"{etag}"'
        response["Last-Modified"] = http_date(modified)
        fresh = etag == edition(conference, base_url)
        if not conference.is_published:
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
        elif fresh:
            patch_cache_control(response, **caching.SHARED)
            # No parameter changes the file: stored for the URL without any (web/caching.py).
            request.store_response = not request.META.get("QUERY_STRING")
        else:
            patch_cache_control(response, public=True, no_cache=True)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=int(modified), response=response
        )

    return view


schedule_json = export_view("json")
schedule_xml = export_view("xml")
program_ics = export_view("ics", filename=lambda conference: f"{conference.slug}.ics")
