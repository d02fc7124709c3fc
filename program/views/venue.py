"""A room's floor plan picture, served from the database (``program/models/venue.py``)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from program.models import FloorPlan
from program.views.common import conference_view
from web import caching

# A plan opened on its own (a visitor zooming in) runs nothing and loads nothing: its SVG was
# checked on upload, and this says so again to the browser.
PICTURE_POLICY = {
    "default-src": [CSP.NONE],
    "img-src": ["data:"],
    "style-src": [CSP.UNSAFE_INLINE],
    "sandbox": [""],
}
A_YEAR = 365 * 24 * 3600


@conference_view
@csp_override(PICTURE_POLICY)
def floor_plan(request, pk: int):
    plan = get_object_or_404(FloorPlan.objects.filter(room__conference=request.conference), room=pk)
    etag = f'"{plan.version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(plan.picture), content_type=plan.content_type)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    if not request.conference.is_published:
        patch_cache_control(response, private=True, no_cache=True)
    elif request.GET.get("v") == plan.version:  # the URL changes with the picture
        patch_cache_control(response, public=True, max_age=A_YEAR, immutable=True)
        # Stored for a URL of ?v= alone (web/caching.py).
        request.store_response = caching.url_read(request, ("v",)) is None
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response
