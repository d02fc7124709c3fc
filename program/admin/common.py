"""What the program's admins share: deletes that go through each part's ``delete()`` (so the
pages' cache versions move), folded and full-text search, change forms in the conference's own
zone, poster and talk counts annotated on the changelist's queryset, and how a row names its
people."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone

from program.models import Conference, Contribution
from program.search import fold
from program.templatetags.program_tags import TBA

# How many people a poster or talk row names before it counts the rest.
PEOPLE_SHOWN = 3


def conference_time(moment, conference: Conference) -> str:
    """A time as organizers read it: in the conference's own zone, labelled ("08:30 PDT")."""
    if moment is None:
        return TBA
    return timezone.localtime(moment, conference.zone).strftime("%H:%M %Z")


class FoldedSearch:
    """Search fields use the ``folded`` lookup, so the term is folded too: "Böther" and
    "bother" both find Maximilian Böther (program/search.py)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class FullTextSearch:
    """The list's search box and the autocomplete lookups that offer these records find them by
    the words of their titles, abstracts, keywords, people and sessions, through the site's own
    index (``program/search/fulltext.py``), as the public search does: every word starts a word,
    "böther" finds Böther. Django's own search (each word anywhere in each ``search_fields``
    column, across the authors' join) read every abstract: 2.4-3.9 s a search at 4,500
    posters, and as long for each paper looked up in a session's form. ``search_fields`` stay
    (the search box and other models' autocomplete fields need them); ``exact_search_fields``
    are also matched whole (a poster's board: "B12")."""

    exact_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        found = Q(pk__in=queryset.model.objects.search(term).values("pk"))
        for name in self.exact_search_fields:
            found |= Q(**{f"{name}__iexact": term})
        return queryset.filter(found), False


class InConferenceZone:
    """The change form shows and reads dates and times in the conference's own zone.

    A session at 08:30 in Santa Clara is typed as 08:30, not as its UTC time. The zone is that of
    the object's conference; an object being added takes it from the conference or session
    chosen in the form (the empty add form shows no times to convert).
    """

    conference_lookup = ""  # from Conference to this model: "sessions", "contributions"
    conference_field = ""  # the form field that names the conference or the session

    def form_conference(self, request, object_id) -> Conference | None:
        conferences = Conference.objects.all()
        if object_id:
            return conferences.filter(**{self.conference_lookup: object_id}).first()
        chosen = request.POST.get(self.conference_field) or request.GET.get(self.conference_field)
        if not chosen:
            return None
        if self.conference_field == "conference":
            return conferences.filter(pk=chosen).first()
        return conferences.filter(sessions=chosen).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            conference = self.form_conference(request, object_id)
        except (ValueError, TypeError, ValidationError):  # an id that is not one
            conference = None
        zone = conference.zone if conference else timezone.get_current_timezone()
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()  # while the zone is active: it formats the times
        return response


class ItemCountsMixin:
    """Poster and talk counts as annotated columns: no query per row.

    Sessions and contributions both reach theirs as ``posters`` and ``talks``.
    """

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                poster_count=Count("posters", distinct=True),
                talk_count=Count("talks", distinct=True),
            )
        )

    @admin.display(description="posters", ordering="poster_count")
    def poster_count(self, obj):
        return obj.poster_count

    @admin.display(description="talks", ordering="talk_count")
    def talk_count(self, obj):
        return obj.talk_count


def people_list(contribution: Contribution) -> str:
    """ "Ada Lovelace · Alan Turing + 3 more", from the prefetched ordered people."""
    links = contribution.ordered_people
    names = " · ".join(link.person.name for link in links[:PEOPLE_SHOWN])
    rest = len(links) - PEOPLE_SHOWN
    return f"{names} + {rest} more" if rest > 0 else names
