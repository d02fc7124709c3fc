"""Search and filters over one conference's program."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from program.filters import PersonFilterSet, PosterFilterSet, SessionFilterSet, TalkFilterSet
from program.fulltext import in_rank_order
from program.models import Contribution, Person, Poster, Session, Talk
from program.search import terms
from program.views.common import conference_page, page_context
from program.views.page_cache import SEARCH_KEPT_FOR

RESULTS_PER_PAGE = 50


# What the page reads: its filters' fields (q, day, kind, room, track) and the page of posters.
FILTER_SETS = (SessionFilterSet, PosterFilterSet, TalkFilterSet, PersonFilterSet)
PARAMS = (*dict.fromkeys(name for filters in FILTER_SETS for name in filters.base_filters), "page")


# The same for every anonymous visitor: kept, with an ETag, and public for a proxy in front.
@conference_page(kept_for=SEARCH_KEPT_FOR, params=PARAMS)
def search(request):
    conference = request.conference
    data = request.GET
    sessions = SessionFilterSet(
        data,
        Session.objects.for_conference(conference)
        .in_program_order()
        .select_related("conference", "room"),
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
        Poster.objects.for_conference(conference).in_program_order().as_results(),
        conference=conference,
    ).qs
    talks = TalkFilterSet(
        data,
        Talk.objects.for_conference(conference).in_program_order().as_results(),
        conference=conference,
    ).qs
    narrowed = any(data.get(name) for name in ("day", "kind", "room", "track"))
    query = data.get("q", "").strip()
    people = (
        Person.objects.none()
        if narrowed or not query
        else PersonFilterSet(
            data,
            Person.objects.in_conference(conference),
            conference=conference,
        ).qs
    )
    # Accepted papers without a slot have no day, kind or room: found by words only.
    unscheduled = (
        Contribution.objects.none()
        if narrowed or not query
        else in_rank_order(
            Contribution.objects.for_conference(conference)
            .scheduled(False)
            .order_by("title", "pk")
            .search(query)
        )
    )
    poster_page = Paginator(posters, RESULTS_PER_PAGE).get_page(data.get("page"))
    context.update(
        sessions=sessions.qs,
        talks=talks,
        people=people[:RESULTS_PER_PAGE],
        people_count=people.count(),
        unscheduled=unscheduled.with_people()[:RESULTS_PER_PAGE],
        unscheduled_count=unscheduled.count(),
        poster_page=poster_page,
        query_without_page=without_page(data),
        # The folded words, for marking what matched in the results.
        words=terms(query),
    )
    return render(request, "program/search.html", context)


def without_page(data) -> str:
    """The query string of a result page, for links to the other pages."""
    query = data.copy()
    query.pop("page", None)
    return query.urlencode()
