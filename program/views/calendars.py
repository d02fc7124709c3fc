"""Calendar files: the whole program and one per session, poster and talk."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from program import calendar
from program.models import Poster, Session, Talk
from program.views.common import get_conference

CONTENT_TYPE = "text/calendar; charset=utf-8"


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def absolute(request):
    return lambda item: request.build_absolute_uri(item.get_absolute_url())


def program_ics(request, conference):
    conference = get_conference(request, conference)
    sessions = Session.objects.for_conference(conference).in_program_order().with_program()
    body = calendar.program_calendar(conference, sessions, url_for=absolute(request))
    return ics_response(body, f"{conference.slug}.ics")


def session_ics(request, conference, pk: int):
    conference = get_conference(request, conference)
    session = get_object_or_404(Session.objects.for_conference(conference).with_program(), pk=pk)
    if not calendar.has_known_time(session):
        raise Http404("This session has no time yet.")
    return ics_response(
        calendar.session_calendar(session, url_for=absolute(request)),
        f"{conference.slug}-session-{session.pk}.ics",
    )


def _item_ics(request, conference, pk: int, *, queryset, build, kind: str):
    conference = get_conference(request, conference)
    item = get_object_or_404(queryset.filter(session__conference=conference), pk=pk)
    if not calendar.has_known_time(item):
        raise Http404(f"This {kind} has no time yet.")
    return ics_response(
        build(item, url_for=absolute(request)), f"{conference.slug}-{kind}-{item.pk}.ics"
    )


def poster_ics(request, conference, pk: int):
    return _item_ics(
        request,
        conference,
        pk,
        queryset=Poster.objects.with_authors(),
        build=calendar.poster_calendar,
        kind="poster",
    )


def talk_ics(request, conference, pk: int):
    return _item_ics(
        request,
        conference,
        pk,
        queryset=Talk.objects.with_speakers(),
        build=calendar.talk_calendar,
        kind="talk",
    )
