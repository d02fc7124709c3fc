"""Pages for one poster or talk, and for one person."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from program.models import Person, Poster, SessionItem, Talk
from program.views.common import conference_page, page_context


def neighbours(items: list, current) -> tuple:
    """The previous and next item in the same session, for "previous / next" links."""
    ids = [item.pk for item in items]
    index = ids.index(current.pk)
    previous = items[index - 1] if index > 0 else None
    following = items[index + 1] if index + 1 < len(items) else None
    return previous, following


@conference_page
def item_detail(request, pk: int, *, model: type[SessionItem]):
    """A poster's or a talk's page (the URL map names the model)."""
    item = get_object_or_404(model.objects.for_conference(request.conference).with_people(), pk=pk)
    # Through the session's own manager, so each sibling's link reuses the loaded session.
    siblings = list(
        getattr(item.session, model.session_relation).only("pk", "title", "position", "session_id")
    )
    previous, following = neighbours(siblings, item)
    context = page_context(
        request, item=item, kind=model._meta.model_name, previous=previous, following=following
    )
    return render(request, "program/item_detail.html", context)


@conference_page
def person_detail(request, slug: str):
    """A person as this conference prints them, their posters and talks here, and links to the
    same person (by external id) at other conferences."""
    person = get_object_or_404(Person.objects.in_conference(request.conference), slug=slug)
    posters, talks = (
        list(model.objects.with_person(person).with_people().in_program_order())
        for model in (Poster, Talk)
    )
    elsewhere = list(person.elsewhere(request.user))
    context = page_context(
        request, person=person, posters=posters, talks=talks, elsewhere=elsewhere
    )
    return render(request, "program/person_detail.html", context)
