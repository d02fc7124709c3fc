"""The contributions' admin: a paper or talk, its ordered people and the posters and talks it
is presented as; the changelist's queryset prefetches the people and filters by scheduled."""

from __future__ import annotations

from django.contrib import admin

from program.admin.choices import LoadedChoicesInline
from program.admin.common import (
    FullTextSearch,
    InConferenceZone,
    ItemCountsMixin,
    people_list,
)
from program.admin.forms import SessionItemInlineForm
from program.admin.people import AuthorshipInline
from program.models import Contribution, Poster, Talk


class PresentationInline(LoadedChoicesInline, admin.TabularInline):
    """A contribution's posters or talks: the slots it is presented in."""

    # The row names its poster or talk by its contribution's title.
    loaded = ("session__conference", "room", "contribution")
    form = SessionItemInlineForm
    fields = ["session", "position", "room", "starts_at", "ends_at"]
    autocomplete_fields = ["session", "room"]
    ordering = ["session__day", "session__position", "position", "pk"]
    show_change_link = True
    extra = 0


class ContributionPosterInline(PresentationInline):
    model = Poster
    fields = ["session", "position", "board", "room", "starts_at", "ends_at"]
    verbose_name_plural = "presented as posters"


class ContributionTalkInline(PresentationInline):
    model = Talk
    verbose_name_plural = "presented as talks (orals, spotlights, Q&A)"


class ScheduledFilter(admin.SimpleListFilter):
    title = "scheduled"
    parameter_name = "scheduled"

    def lookups(self, request, model_admin):
        return [("yes", "In a session"), ("no", "Not scheduled yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.scheduled(self.value() == "yes")
        return queryset


@admin.register(Contribution)
class ContributionAdmin(ItemCountsMixin, FullTextSearch, InConferenceZone, admin.ModelAdmin):
    """A paper or talk: what it says and who wrote it, and the slots it is presented in."""

    class Media:
        # Poster and talk rows on one line at 1280 px (the date-time widgets compact).
        css = {"all": ["css/admin_rows.css"]}

    conference_lookup = "contributions"
    conference_field = "conference"
    list_display = ["title", "people", "conference", "track", "poster_count", "talk_count"]
    list_filter = ["conference", ScheduledFilter, "track"]
    list_select_related = ["conference", "track"]
    search_fields = [
        "title__folded",
        "abstract__folded",
        "authorships__person__name__folded",
    ]
    autocomplete_fields = ["conference", "track"]
    ordering = ["conference", "title", "pk"]
    fields = [
        "conference",
        "title",
        "track",
        "abstract",
        "keywords",
        "language",
        "external_url",
        "links",
    ]
    inlines = [AuthorshipInline, ContributionPosterInline, ContributionTalkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(Contribution.prefetch_people())

    @admin.display(description="authors or speakers")
    def people(self, contribution) -> str:
        return people_list(contribution)
