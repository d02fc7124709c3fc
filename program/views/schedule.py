"""The program as a visitor browses it: home, conference overview, days, sessions, rooms."""

from __future__ import annotations

import datetime

from django.db.models import Count, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import now

from program import screens, timing
from program.models import Conference, Contribution, FloorPlan, Room, Session
from program.overview import day_summaries, now_and_next
from program.views import grid
from program.views.common import conference_page, page_context
from program.views.fragments import fill_blocks
from program.views.timeline import build_timeline

# Past this many posters a day page lists titles and authors and leaves abstracts to the session
# pages, so that a phone does not download megabytes; the seed day (20 posters) shows everything.
FULL_DAY_POSTER_LIMIT = 100


def home(request):
    conferences = list(Conference.objects.visible_to(request.user))
    current = timing.current_conference(conferences, now())
    if current is None:
        return render(request, "program/no_conference.html", status=404)
    return redirect("program:overview", conference=current.slug)


def conference_list(request):
    conferences = Conference.objects.visible_to(request.user).annotate(
        session_count=Count("sessions")
    )
    return render(request, "program/conference_list.html", {"conferences": conferences})


# "Happening now" and "Up next" change with the clock, not only with the program.
@conference_page(clock=timing.live_clock)
def overview(request):
    conference = request.conference
    sessions = list(
        Session.objects.for_conference(conference)
        .in_program_order()
        .select_related("conference", "room")
        .annotate(poster_count=Count("posters", distinct=True))
        .annotate(talk_count=Count("talks", distinct=True))
    )
    moment = now()
    running = timing.is_running(conference, moment)
    happening_now, up_next = now_and_next(conference, sessions, moment) if running else ([], [])
    days = day_summaries(conference, sessions)
    context = page_context(
        request,
        days=days,
        # Only days with program: a day without sessions would be a dead end.
        program_days=[day.date for day in days],
        tracks=sorted({track for day in days for track in day.tracks}, key=lambda t: t.name),
        running=running,
        happening_now=happening_now,
        up_next=up_next,
        unscheduled_count=Contribution.objects.for_conference(conference).scheduled(False).count(),
    )
    return render(request, "program/overview.html", context)


# A grid day (rooms side by side) narrows by room and track: ?room=, ?hide=, ?track= (ids).
@conference_page(params=grid.PARAMS)
def day(request, date: datetime.date):
    conference = request.conference
    # One query for the day's sessions with their rooms and poster counts: the timeline's
    # layout. What each session's block shows is kept per session (program/views/fragments.py).
    sessions = list(Session.objects.for_day(conference, date).in_program_order().for_blocks())
    if date not in conference.days and not sessions:
        raise Http404("The conference has no such day.")
    if grid.is_grid_day(sessions):
        prefetch_related_objects(sessions, *Session.objects.grid_program())
        context = page_context(
            request, date=date, grid=grid.build_grid(sessions, grid.Choice.from_query(request.GET))
        )
        return render(request, "program/day.html", context)
    poster_count = sum(session.poster_total for session in sessions)
    context = page_context(
        request,
        date=date,
        timeline=build_timeline(sessions),
        poster_count=poster_count,
        hide_abstracts=poster_count > FULL_DAY_POSTER_LIMIT,
    )
    fill_blocks(request, sessions, context)
    # A conference day without program (MLSys's tutorial days in the seed) answers 200 with a
    # short note and the days that have program, not a dead end and not an error: the URL is a
    # real day of the conference and may have program later.
    return render(request, "program/day.html", context)


@conference_page(clock=screens.saves_clock)
def session_detail(request, pk: int):
    session = get_object_or_404(
        Session.objects.for_conference(request.conference).with_program(), pk=pk
    )
    context = page_context(
        request,
        session=session,
        plan_rooms=FloorPlan.objects.room_ids_for([session]),
        expected_full=screens.expected_full(session, session.room),
    )
    return render(request, "program/session_detail.html", context)


# ?board= marks a poster's board on the room's floor plan.
@conference_page(params=("board",))
def room_detail(request, pk: int):
    room = get_object_or_404(Room.objects.filter(conference=request.conference), pk=pk)
    sessions = (
        Session.objects.for_conference(request.conference)
        .filter(room=room)
        .in_program_order()
        .select_related("conference", "room")
    )
    plan = FloorPlan.objects.without_picture().filter(room=room).first()
    spots = list(plan.spots.all()) if plan else []
    for spot in spots:
        spot.plan = plan
    wanted = request.GET.get("board", "")[:20]
    here = next((spot for spot in spots if spot.board == wanted), None)
    context = page_context(
        request, room=room, sessions=sessions, plan=plan, spots=spots, here=here, wanted=wanted
    )
    return render(request, "program/room_detail.html", context)
