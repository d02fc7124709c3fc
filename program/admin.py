"""The organizers' admin: every program model, with inlines, search, filters and autocomplete.

Changelists annotate their counts and select their foreign keys, so a page of 100 rows costs the
same few queries as a page of one.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html_join
from django.utils.timezone import localtime

from program.models import (
    Authorship,
    Conference,
    Person,
    Poster,
    Room,
    Session,
    Speakership,
    Talk,
)
from program.templatetags.program_tags import TBA


def conference_time(moment, conference: Conference) -> str:
    """A time as organizers read it: in the conference's own zone, labelled ("08:30 PDT")."""
    if moment is None:
        return TBA
    return localtime(moment, conference.zone).strftime("%a %d %b %H:%M %Z")


class OrderedInlineForm(forms.ModelForm):
    """A row of an ordered inline: its position is checked against the other rows by the
    formset, not against the database one row at a time (which would refuse every swap)."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.add("position")
        return exclude

    def clean_position(self):
        # The model's own rules for the field (authors start at 1) still apply.
        position = self.cleaned_data.get("position")
        if position is not None:
            for validate in self._meta.model._meta.get_field("position").validators:
                validate(position)
        return position


class OrderedInlineFormSet(BaseInlineFormSet):
    """Saves reordered rows without tripping the unique (parent, position) constraint.

    Swapping authors 1 and 2 updates row by row, and the database checks uniqueness after each
    statement; so rows whose position changes (and rows about to be deleted) first move to free
    positions past the end, then take their new ones. The admin runs all of it in one
    transaction.
    """

    def clean(self):
        super().clean()
        seen: dict[int, int] = {}
        for index, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                form.add_error(
                    "position", f"Row {seen[position] + 1} already has position {position}."
                )
            else:
                seen[position] = index

    def save_existing_objects(self, commit=True):
        if commit:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and ("position" in form.changed_data or self._should_delete_form(form))
            ]
            if moving:
                manager = self.model._default_manager
                siblings = manager.filter(**{self.fk.name: self.instance})
                highest = siblings.aggregate(models.Max("position"))["position__max"] or 0
                for offset, pk in enumerate(moving, start=1):
                    manager.filter(pk=pk).update(position=highest + offset)
        return super().save_existing_objects(commit)


class AuthorshipInline(admin.TabularInline):
    form = OrderedInlineForm
    model = Authorship
    formset = OrderedInlineFormSet
    autocomplete_fields = ["person"]
    ordering = ["position"]
    extra = 0
    verbose_name = "author"
    verbose_name_plural = "authors, in printed order"


class SpeakershipInline(admin.TabularInline):
    form = OrderedInlineForm
    model = Speakership
    formset = OrderedInlineFormSet
    autocomplete_fields = ["person"]
    ordering = ["position"]
    extra = 0
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in printed order"


class PosterInline(admin.TabularInline):
    form = OrderedInlineForm
    model = Poster
    formset = OrderedInlineFormSet
    fields = ["position", "title", "room", "starts_at", "ends_at"]
    autocomplete_fields = ["room"]
    ordering = ["position"]
    show_change_link = True
    extra = 0


class TalkInline(admin.TabularInline):
    form = OrderedInlineForm
    model = Talk
    formset = OrderedInlineFormSet
    fields = ["position", "title", "room", "starts_at", "ends_at"]
    autocomplete_fields = ["room"]
    ordering = ["position"]
    show_change_link = True
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "timezone",
        "city",
        "is_published",
        "session_count",
    ]
    list_filter = ["is_published"]
    search_fields = ["name", "full_name", "slug", "city", "venue"]
    ordering = ["-start_date"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, conference):
        return conference.session_count

    @admin.action(description="Publish the selected conferences", permissions=["change"])
    def publish(self, request, queryset):
        for conference in queryset:
            conference.is_published = True
            conference.save()
        self.message_user(request, f"Published {len(queryset)} conference(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected conferences", permissions=["change"])
    def unpublish(self, request, queryset):
        for conference in queryset:
            conference.is_published = False
            conference.save()
        self.message_user(request, f"Unpublished {len(queryset)} conference(s).", messages.SUCCESS)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "session_count"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "conference__name"]
    autocomplete_fields = ["conference"]
    ordering = ["conference", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, room):
        return room.session_count


class ItemCountsMixin:
    """Poster and talk counts as annotated columns: no query per row."""

    poster_relation = "posters"
    talk_relation = "talks"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                poster_count=Count(self.poster_relation, distinct=True),
                talk_count=Count(self.talk_relation, distinct=True),
            )
        )

    @admin.display(description="posters", ordering="poster_count")
    def poster_count(self, obj):
        return obj.poster_count

    @admin.display(description="talks", ordering="talk_count")
    def talk_count(self, obj):
        return obj.talk_count


@admin.register(Person)
class PersonAdmin(ItemCountsMixin, admin.ModelAdmin):
    list_display = ["name", "affiliation", "slug", "poster_count", "talk_count"]
    # "bother" finds "Böther": the folded lookup ignores case and accents (program/search.py).
    search_fields = ["name__folded", "affiliation__folded", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    poster_relation = "authorships"
    talk_relation = "speakerships"


@admin.register(Session)
class SessionAdmin(ItemCountsMixin, admin.ModelAdmin):
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
    list_filter = ["conference", "day", "kind", "room"]
    list_select_related = ["conference", "room"]
    search_fields = ["title", "description", "posters__title", "talks__title"]
    autocomplete_fields = ["conference", "room"]
    date_hierarchy = "day"
    ordering = ["conference", "day", "position"]
    inlines = [PosterInline, TalkInline]
    fieldsets = [
        (None, {"fields": ["conference", "kind", "title", "description"]}),
        (
            "When and where",
            {
                "fields": ["day", "position", "starts_at", "ends_at", "room"],
                "description": "Times are entered in the site's zone (UTC) and shown on the"
                " public pages in the conference's zone. Leave the start empty when the time"
                " is not known; the position keeps the session's place in its day.",
            },
        ),
    ]

    @admin.display(description="session", ordering="title")
    def heading(self, session):
        return session.heading

    @admin.display(description="starts", ordering="starts_at")
    def start(self, session):
        return conference_time(session.starts_at, session.conference)


class SessionItemAdmin(admin.ModelAdmin):
    """What posters and talks share: their session, time, room, and ordered people."""

    people_relation = ""
    list_display = ["title", "people", "session", "day", "position"]
    list_filter = ["session__conference", "session__day", "session__kind"]
    list_select_related = ["session__conference", "session__room", "room"]
    autocomplete_fields = ["session", "room"]
    ordering = ["session__conference", "session__day", "session__position", "position"]
    fields = [
        "session",
        "position",
        "title",
        "abstract",
        "room",
        "starts_at",
        "ends_at",
        "external_url",
    ]

    def get_queryset(self, request):
        link_model = self.model._meta.get_field(self.people_relation).related_model
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    self.people_relation,
                    queryset=link_model.objects.select_related("person").order_by("position"),
                )
            )
        )

    @admin.display(description="people")
    def people(self, item):
        return format_html_join(
            " · ", "{}", ((link.person.name,) for link in getattr(item, self.people_relation).all())
        )

    @admin.display(description="day", ordering="session__day")
    def day(self, item):
        return item.session.day


@admin.register(Poster)
class PosterAdmin(SessionItemAdmin):
    people_relation = "authorships"
    search_fields = ["title__folded", "abstract__folded", "authorships__person__name__folded"]
    inlines = [AuthorshipInline]


@admin.register(Talk)
class TalkAdmin(SessionItemAdmin):
    people_relation = "speakerships"
    search_fields = ["title__folded", "abstract__folded", "speakerships__person__name__folded"]
    inlines = [SpeakershipInline]
