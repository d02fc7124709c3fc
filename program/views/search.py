"""Search and filters over one conference's program."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from program.filters import PersonFilterSet, PosterFilterSet, SessionFilterSet, TalkFilterSet
from program.models import Person, Poster, Session, Talk
from program.views.common import conference_view, page_context

RESULTS_PER_PAGE = 50


@conference_view
def search(request):
    conference = request.conference
    data = request.GET
    sessions = SessionFilterSet(
        data,
        Session.objects.for_conference(conference).in_program_order().select_related("room"),
        conference=conference,
    )
    context = page_context(
        request,
        form=sessions.form,
        searched=bool(data),
        # A conference without tracks shows no track field (a filter that cannot narrow).
        hidden_fields={"track"} if not conference.tracks.exists() else set(),
    )
    if not sessions.is_valid():
        # A wrong day, kind or room: say which, keep the form, show no results.
        return render(request, "program/search.html", context, status=400)

    posters = PosterFilterSet(
        data,
        Poster.objects.for_conference(conference).with_people(),
        conference=conference,
    ).qs
    talks = TalkFilterSet(
        data,
        Talk.objects.for_conference(conference).with_people(),
        conference=conference,
    ).qs
    narrowed = any(data.get(name) for name in ("day", "kind", "room", "track"))
    people = (
        Person.objects.none()
        if narrowed or not data.get("q", "").strip()
        else PersonFilterSet(
            data, Person.objects.in_conference(conference), conference=conference
        ).qs
    )
    poster_page = Paginator(posters, RESULTS_PER_PAGE).get_page(data.get("page"))
    context.update(
        sessions=sessions.qs,
        talks=talks,
        people=people[:RESULTS_PER_PAGE],
        people_count=people.count(),
        poster_page=poster_page,
        query_without_page=_without_page(data),
    )
    return render(request, "program/search.html", context)


def _without_page(data) -> str:
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()
