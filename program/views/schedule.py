"""The program as a visitor browses it: home, conference overview, days, sessions, rooms."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import now

from program import timing
from program.models import Room, Session
from program.views.common import conditional, get_conference, page_context, visible_conferences

# Past this many posters a day page lists titles and authors and leaves abstracts to the session
# pages, so that a phone does not download megabytes; the seed day (20 posters) shows everything.
FULL_DAY_POSTER_LIMIT = 100


def home(request):
    conferences = list(visible_conferences(request))
    current = timing.current_conference(conferences, now())
    if current is None:
        return render(request, "program/no_conference.html", status=404)
    return redirect("program:overview", conference=current.slug)


def conference_list(request):
    conferences = visible_conferences(request).annotate(session_count=Count("sessions"))
    return render(request, "program/conference_list.html", {"conferences": conferences})


def overview(request, conference):
    conference = get_conference(request, conference)

    def build():
        sessions = list(
            Session.objects.for_conference(conference)
            .in_program_order()
            .select_related("conference", "room")
            .annotate(poster_count=Count("posters", distinct=True))
            .annotate(talk_count=Count("talks", distinct=True))
        )
        moment = now()
        days = [
            {"date": day, "sessions": [s for s in sessions if s.day == day]}
            for day in sorted({*conference.days, *(s.day for s in sessions)})
        ]
        running = timing.is_running(conference, moment)
        context = page_context(
            request,
            conference,
            days=days,
            running=running,
            happening_now=timing.happening_now(sessions, moment) if running else [],
            up_next=timing.up_next(sessions, moment) if running else [],
        )
        return render(request, "program/overview.html", context)

    return conditional(request, conference, build)


def day(request, conference, date: datetime.date):
    conference = get_conference(request, conference)
    if date not in conference.days and not conference.sessions.filter(day=date).exists():
        raise Http404("The conference has no such day.")

    def build():
        sessions = list(Session.objects.for_day(conference, date).in_program_order().with_program())
        poster_count = sum(len(s.posters.all()) for s in sessions)
        context = page_context(
            request,
            conference,
            date=date,
            sessions=sessions,
            poster_count=poster_count,
            hide_abstracts=poster_count > FULL_DAY_POSTER_LIMIT,
            days=conference.days,
        )
        return render(request, "program/day.html", context)

    return conditional(request, conference, build)


def session_detail(request, conference, pk: int):
    conference = get_conference(request, conference)

    def build():
        session = get_object_or_404(
            Session.objects.for_conference(conference).with_program(), pk=pk
        )
        context = page_context(request, conference, session=session, days=conference.days)
        return render(request, "program/session_detail.html", context)

    return conditional(request, conference, build)


def room_detail(request, conference, pk: int):
    conference = get_conference(request, conference)

    def build():
        room = get_object_or_404(Room.objects.filter(conference=conference), pk=pk)
        sessions = (
            Session.objects.for_conference(conference)
            .filter(room=room)
            .in_program_order()
            .select_related("conference", "room")
        )
        context = page_context(request, conference, room=room, sessions=sessions)
        return render(request, "program/room_detail.html", context)

    return conditional(request, conference, build)
