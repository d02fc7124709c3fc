"""Pages for one poster or talk, one contribution (paper), the accepted papers, and one person."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from program import screens
from program.models import BoardSpot, Contribution, Person, Poster, Session, SessionItem, Talk
from program.search.fulltext import in_rank_order
from program.views.common import conference_page, conference_view, page_context
from program.views.filters import MAX_QUERY_LENGTH
from program.views.search import without_page

PAPERS_PER_PAGE = 100


def neighbours(items: list, current) -> tuple:
    """The previous and next item in the same session, for "previous / next" links."""
    ids = [item.pk for item in items]
    index = ids.index(current.pk)
    previous = items[index - 1] if index > 0 else None
    following = items[index + 1] if index + 1 < len(items) else None
    return previous, following


@conference_page(clock=screens.saves_clock)
def item_detail(request, pk: int, *, model: type[SessionItem]):
    """A poster's or a talk's page (the URL map names the model)."""
    item = get_object_or_404(model.objects.for_conference(request.conference).with_people(), pk=pk)
    # Through the session's own manager, so each sibling's link reuses the loaded session.
    siblings = list(
        getattr(item.session, model.session_relation)
        .select_related("contribution")
        .only("pk", "position", "session_id", "contribution__title")
    )
    previous, following = neighbours(siblings, item)
    # Every slot of the same paper (an oral and a poster, a repeated Q&A), this one among them.
    prefetch_related_objects(
        [item.contribution],
        *Contribution.prefetch_presentations(),
        *Contribution.prefetch_similar(),
    )
    here = BoardSpot.objects.of_poster(item) if model is Poster else None
    context = page_context(
        request,
        item=item,
        kind=model._meta.model_name,
        previous=previous,
        following=following,
        presentations=item.contribution.presentations,
        similar_papers=item.contribution.similar_papers,
        here=here,
        plan_spots=[here] if here else [],
        expected_full=screens.expected_full(item.session, item.effective_room),
    )
    return render(request, "program/item_detail.html", context)


@conference_view
def item_by_uid(request, uid):
    """A session's, poster's or talk's permanent link, by its uid: the same on every site that
    holds the program (schedule.json and .xml link here), redirecting to the item's page."""
    conference = request.conference
    for model in (Poster, Talk):
        item = model.objects.filter(uid=uid, session__conference=conference).only("pk").first()
        if item is not None:
            item.session = Session(conference=conference)  # for its URL, without a query
            return redirect(item)
    session = Session.objects.filter(uid=uid, conference=conference).only("pk").first()
    if session is None:
        raise Http404("No session, poster or talk has this link.")
    session.conference = conference
    return redirect(session)


@conference_page
def contribution_detail(request, pk: int):
    """A paper or talk with every slot it is presented in, or none yet (accepted, unscheduled)."""
    contribution = get_object_or_404(
        Contribution.objects.for_conference(request.conference)
        .with_presentations()
        .prefetch_related(*Contribution.prefetch_similar()),
        pk=pk,
    )
    context = page_context(
        request,
        contribution=contribution,
        presentations=contribution.presentations,
        similar_papers=contribution.similar_papers,
    )
    return render(request, "program/contribution_detail.html", context)


# A search of the papers is kept as long as a search page; the list itself as long as a page.
@conference_page(params=("q", "unscheduled", "page"))
def contribution_list(request):
    """The accepted papers and talks, by title, each with its authors and slots; ``q`` searches
    them and ``unscheduled`` keeps those without a slot yet."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    unscheduled = request.GET.get("unscheduled") == "1"
    contributions = Contribution.objects.for_conference(request.conference).order_by("title", "pk")
    if query:
        contributions = in_rank_order(contributions.search(query))
    if unscheduled:
        contributions = contributions.scheduled(False)
    page = Paginator(contributions.with_presentations(), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = page_context(
        request,
        page=page,
        query=query,
        unscheduled=unscheduled,
        query_without_page=without_page(request.GET),
    )
    return render(request, "program/contribution_list.html", context)


@conference_page
def person_detail(request, slug: str):
    """A person as this conference prints them, their posters and talks here, and links to the
    same person (by external id) at other conferences."""
    person = get_object_or_404(Person.objects.in_conference(request.conference), slug=slug)
    posters, talks = (
        list(model.objects.with_person(person).with_people().in_program_order())
        for model in (Poster, Talk)
    )
    unscheduled = list(
        Contribution.objects.with_person(person).scheduled(False).with_people().order_by("title")
    )
    elsewhere = list(person.elsewhere(request.user))
    context = page_context(
        request,
        person=person,
        posters=posters,
        talks=talks,
        unscheduled=unscheduled,
        elsewhere=elsewhere,
    )
    return render(request, "program/person_detail.html", context)
