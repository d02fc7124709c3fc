"""Search and filters over one conference's program."""

from __future__ import annotations

from django.shortcuts import render

from program.models import Contribution, Person, Poster, Session, Talk
from program.search import terms
from program.search.fulltext import in_rank_order
from program.views.common import conference_page, page_context
from program.views.filters import PersonFilterSet, PosterFilterSet, SessionFilterSet, TalkFilterSet
from program.views.paging import OneQueryPaginator

RESULTS_PER_PAGE = 50
#: Talks have their own result pages beside the posters' ("page").
TALK_PAGE = "talk_page"


# What the page reads: its filters' fields (q, day, kind, room, track) and the result pages of
# posters and talks.
FILTER_SETS = (SessionFilterSet, PosterFilterSet, TalkFilterSet, PersonFilterSet)
PARAMS = (
    *dict.fromkeys(name for filters in FILTER_SETS for name in filters.base_filters),
    "page",
    TALK_PAGE,
)


# The same for every anonymous visitor: kept, with an ETag, and public for a proxy in front.
@conference_page(params=PARAMS)
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
    # Each list's page and count in one query (program/views/paging.py); people and papers not
    # scheduled yet show their first page only.
    poster_page = OneQueryPaginator(posters, RESULTS_PER_PAGE).get_page(data.get("page"))
    talk_page = OneQueryPaginator(talks, RESULTS_PER_PAGE).get_page(data.get(TALK_PAGE))
    people_page = OneQueryPaginator(people, RESULTS_PER_PAGE).get_page(1)
    unscheduled_page = OneQueryPaginator(unscheduled.as_results(), RESULTS_PER_PAGE).get_page(1)
    Contribution.attach_names(poster_page, talk_page, unscheduled_page)
    context.update(
        sessions=sessions.qs,
        talk_page=talk_page,
        people=people_page,
        people_count=people_page.paginator.count,
        unscheduled=unscheduled_page,
        unscheduled_count=unscheduled_page.paginator.count,
        poster_page=poster_page,
        query_without_page=without_page(data),
        query_without_talk_page=without_page(data, TALK_PAGE),
        # The folded words, for marking what matched in the results.
        words=terms(query),
    )
    return render(request, "program/search.html", context)


def without_page(data, name: str = "page") -> str:
    """The query string of a result page without its page parameter ``name``, for links to the
    list's other pages."""
    query = data.copy()
    query.pop(name, None)
    return query.urlencode()
