"""Pages for one poster, one talk and one person."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from program.models import Person, Poster, Talk
from program.views.common import conditional, get_conference, page_context, visible_conferences


def neighbours(items: list, current) -> tuple:
    """The previous and next item in the same session, for "previous / next" links."""
    ids = [item.pk for item in items]
    index = ids.index(current.pk)
    previous = items[index - 1] if index > 0 else None
    following = items[index + 1] if index + 1 < len(items) else None
    return previous, following


def _item_detail(request, conference, pk: int, *, queryset, related: str, template: str):
    """A poster's or talk's page; ``related`` names its siblings in the session."""
    conference = get_conference(request, conference)

    def build():
        item = get_object_or_404(queryset.filter(session__conference=conference), pk=pk)
        siblings = list(
            getattr(item.session, related).only("pk", "title", "position", "session_id")
        )
        previous, following = neighbours(siblings, item)
        context = page_context(
            request, conference, item=item, previous=previous, following=following
        )
        return render(request, template, context)

    return conditional(request, conference, build)


def poster_detail(request, conference, pk: int):
    return _item_detail(
        request,
        conference,
        pk,
        queryset=Poster.objects.with_authors(),
        related="posters",
        template="program/poster_detail.html",
    )


def talk_detail(request, conference, pk: int):
    return _item_detail(
        request,
        conference,
        pk,
        queryset=Talk.objects.with_speakers(),
        related="talks",
        template="program/talk_detail.html",
    )


def person_detail(request, conference, slug: str):
    conference = get_conference(request, conference)

    def build():
        person = get_object_or_404(Person, slug=slug)
        shown = visible_conferences(request)
        posters = list(
            Poster.objects.filter(authorships__person=person, session__conference__in=shown)
            .with_authors()
            .order_by("-session__conference__start_date", "session__day", "session__position")
        )
        talks = list(
            Talk.objects.filter(speakerships__person=person, session__conference__in=shown)
            .with_speakers()
            .order_by("-session__conference__start_date", "session__day", "session__position")
        )
        if not any(p.session.conference_id == conference.pk for p in posters) and not any(
            t.session.conference_id == conference.pk for t in talks
        ):
            raise Http404("This person has nothing in this conference.")
        context = page_context(
            request,
            conference,
            person=person,
            posters=posters,
            talks=talks,
        )
        return render(request, "program/person_detail.html", context)

    return conditional(request, conference, build)
