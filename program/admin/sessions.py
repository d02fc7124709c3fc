"""The sessions' admin, with their posters and talks inline, and the posters' and talks' own:
kinds and talk types chosen among the conference's, times in its zone."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from program.admin.choices import LoadedChoicesInline
from program.admin.common import (
    FoldedSearch,
    FullTextSearch,
    InConferenceZone,
    ItemCountsMixin,
    conference_time,
    people_list,
)
from program.admin.forms import SessionItemInlineForm
from program.models import Conference, Poster, Session, SessionKind, Talk


def all_own_session_kinds() -> dict[str, str]:
    """Every conference's own session kinds, for a session whose conference is not chosen yet."""
    own = {}
    for kinds in Conference.objects.exclude(session_kinds={}).values_list(
        "session_kinds", flat=True
    ):
        own.update({code: label for code, label in kinds.items() if code not in SessionKind})
    return own


class SessionItemInline(LoadedChoicesInline, admin.TabularInline):
    """A session's posters or talks, in order: which contribution is presented, and where."""

    loaded = ("contribution", "room")
    form = SessionItemInlineForm
    fields = ["position", "contribution", "room", "starts_at", "ends_at"]
    autocomplete_fields = ["contribution", "room"]
    ordering = ["position", "pk"]
    show_change_link = True
    extra = 0


class PosterInline(SessionItemInline):
    model = Poster
    fields = ["position", "contribution", "board", "room", "starts_at", "ends_at"]


class TalkInline(SessionItemInline):
    model = Talk


@admin.register(Session)
class SessionAdmin(ItemCountsMixin, FoldedSearch, InConferenceZone, admin.ModelAdmin):
    class Media:
        # Poster and talk rows on one line at 1280 px (the date-time widgets compact).
        css = {"all": ["css/admin_rows.css"]}

    conference_lookup = "sessions"
    conference_field = "conference"
    list_display = [
        "heading",
        "kind",
        "day",
        "start",
        "room",
        "conference",
        "position",
        "poster_count",
        "talk_count",
    ]
    list_filter = [
        "conference",
        ("day", admin.AllValuesFieldListFilter),
        "kind",
        "track",
        "room",
    ]
    list_select_related = ["conference", "room"]
    search_fields = [
        "title__folded",
        "description__folded",
        "posters__contribution__title__folded",
        "talks__contribution__title__folded",
    ]
    autocomplete_fields = ["conference", "room", "track"]
    date_hierarchy = "day"
    ordering = ["conference", "day", "position", "starts_at"]
    inlines = [PosterInline, TalkInline]
    fieldsets = [
        (None, {"fields": ["conference", "kind", "title", "track", "description"]}),
        (
            "When and where",
            {
                "fields": ["day", "position", "starts_at", "ends_at", "room"],
                "description": "Times are in the conference's own time zone. Leave the start"
                " empty when the time is not known yet; the position keeps the session's place"
                " in its day.",
            },
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The kind as a choice among the conference's kinds (the defaults for a new session;
        the conference's own are checked when it is saved)."""
        form = super().get_form(request, obj, change, **kwargs)
        conference = obj.conference if obj else Conference()
        own = [] if obj else sorted(all_own_session_kinds().items())
        form.base_fields["kind"] = forms.ChoiceField(
            choices=[*conference.session_kind_choices(), *own],
            initial=SessionKind.OTHER,
            help_text="The conference's own kinds are set on the conference.",
        )
        return form

    @admin.display(description="session", ordering="title")
    def heading(self, session):
        return session.heading

    @admin.display(description="starts", ordering="starts_at")
    def start(self, session):
        return conference_time(session.starts_at, session.conference)


class SessionItemAdmin(FullTextSearch, InConferenceZone, admin.ModelAdmin):
    """What posters and talks share: the contribution presented, its session, time and room."""

    conference_field = "session"
    list_display = ["title", "people", "session", "day", "position"]
    list_filter = [
        "session__conference",
        ("session__day", admin.AllValuesFieldListFilter),
        "session__kind",
    ]
    list_select_related = ["session__conference", "contribution"]
    autocomplete_fields = ["session", "contribution", "room"]
    ordering = ["session__conference", "session__day", "session__position", "position", "pk"]
    search_fields = [
        "contribution__title__folded",
        "contribution__abstract__folded",
        "contribution__authorships__person__name__folded",
    ]
    fields = ["session", "position", "contribution", "paper", "room", "starts_at", "ends_at"]
    readonly_fields = ["paper"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(self.model.prefetch_people())

    @admin.display(description="title", ordering="contribution__title")
    def title(self, item) -> str:
        return item.title

    @admin.display(description="people")
    def people(self, item) -> str:
        return people_list(item.contribution)

    @admin.display(description="paper or talk")
    def paper(self, item) -> str:
        """Title, abstract and people are edited on the contribution, for all its slots."""
        if not item.contribution_id:
            return "Choose the contribution above; add a new one under Contributions."
        url = reverse("admin:program_contribution_change", args=[item.contribution_id])
        return format_html(
            '<a href="{}">{}</a> · {} (edit its title, abstract and people there)',
            url,
            item.contribution.title,
            people_list(item.contribution),
        )

    @admin.display(description="day", ordering="session__day")
    def day(self, item):
        return item.session.day


@admin.register(Poster)
class PosterAdmin(SessionItemAdmin):
    conference_lookup = "sessions__posters"
    list_display = ["title", "people", "session", "day", "position", "board"]
    search_fields = [*SessionItemAdmin.search_fields, "board"]
    exact_search_fields = ("board",)
    fields = [
        "session",
        "position",
        "contribution",
        "paper",
        "room",
        "board",
        "starts_at",
        "ends_at",
    ]


@admin.register(Talk)
class TalkAdmin(SessionItemAdmin):
    conference_lookup = "sessions__talks"
    list_display = ["title", "people", "session", "day", "position", "presentation_type"]
    fields = [
        "session",
        "position",
        "contribution",
        "paper",
        "presentation_type",
        "do_not_record",
        "room",
        "starts_at",
        "ends_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The type as a choice among the conference's types (the defaults for a new talk)."""
        form = super().get_form(request, obj, change, **kwargs)
        conference = obj.session.conference if obj else Conference()
        form.base_fields["presentation_type"] = forms.ChoiceField(
            choices=[("", "As its session's kind"), *conference.presentation_type_choices()],
            required=False,
            help_text=Talk._meta.get_field("presentation_type").help_text,
        )
        return form
