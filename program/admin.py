"""The organizers' admin: every program model, with inlines, search, filters and autocomplete.

Changelists annotate their counts and select their foreign keys, so a page of 100 rows costs the
same few queries as a page of one. Change forms show and read times in the conference's own zone.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone

from program import services
from program.forms import (
    OrderedPeopleForm,
    OrderedPeopleFormSet,
    RoomForm,
    SessionItemInlineForm,
)
from program.models import (
    Authorship,
    Conference,
    Person,
    Poster,
    Room,
    Session,
    Speakership,
    Talk,
    Track,
)
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


class InConferenceZone:
    """The change form shows and reads dates and times in the conference's own zone.

    A session at 08:30 in Santa Clara is typed as 08:30, not as its UTC time. The zone is that of
    the object's conference; an object being added takes it from the conference or session
    chosen in the form (the empty add form shows no times to convert).
    """

    conference_lookup = ""  # from Conference to this model: "sessions", "sessions__posters"
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


class OrderedPeopleInline(admin.TabularInline):
    """A poster's authors or a talk's speakers, edited as one ordered list."""

    form = OrderedPeopleForm
    formset = OrderedPeopleFormSet
    fields = ["position", "person"]
    autocomplete_fields = ["person"]
    ordering = ["position"]
    extra = 0


class AuthorshipInline(OrderedPeopleInline):
    model = Authorship
    verbose_name = "author"
    verbose_name_plural = "authors, in printed order"


class SpeakershipInline(OrderedPeopleInline):
    model = Speakership
    verbose_name = "speaker"
    verbose_name_plural = "speakers, in printed order"


class SessionItemInline(admin.TabularInline):
    """A session's posters or talks, in order, each linking to its own change form."""

    form = SessionItemInlineForm
    fields = ["position", "title", "room", "starts_at", "ends_at"]
    autocomplete_fields = ["room"]
    ordering = ["position", "pk"]
    show_change_link = True
    extra = 0


class PosterInline(SessionItemInline):
    model = Poster
    fields = ["position", "title", "board", "room", "starts_at", "ends_at"]


class TalkInline(SessionItemInline):
    model = Talk


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
    ordering = ["-start_date", "name"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, conference):
        return conference.session_count

    @admin.action(description="Publish selected conferences", permissions=["change"])
    def publish(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(description="Unpublish selected conferences", permissions=["change"])
    def unpublish(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, is_published: bool) -> None:
        # One save per conference, so that each one's program_changed_at moves forward.
        for conference in queryset:
            conference.is_published = is_published
            conference.save()
        verb = "Published" if is_published else "Unpublished"
        self.message_user(request, f"{verb} {len(queryset)} conference(s).", messages.SUCCESS)


class ConferencePartAdmin(admin.ModelAdmin):
    """Rooms and tracks: named parts of one conference, with the number of sessions using them."""

    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "conference__name"]
    autocomplete_fields = ["conference"]
    ordering = ["conference", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, part):
        return part.session_count


@admin.register(Room)
class RoomAdmin(ConferencePartAdmin):
    form = RoomForm
    list_display = ["name", "conference", "area", "capacity", "session_count"]


@admin.register(Track)
class TrackAdmin(ConferencePartAdmin):
    list_display = ["name", "conference", "colour", "session_count"]


class ItemCountsMixin:
    """Poster and talk counts as annotated columns: no query per row.

    Sessions and people both reach theirs as ``posters`` and ``talks``.
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


@admin.register(Person)
class PersonAdmin(ItemCountsMixin, FoldedSearch, admin.ModelAdmin):
    list_display = ["name", "affiliation", "conference", "slug", "poster_count", "talk_count"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name__folded", "affiliation__folded", "slug", "external_id"]
    fields = ["conference", "name", "slug", "external_id", "affiliation", "bio", "links"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name", "slug"]
    actions = ["merge", "split"]

    def get_readonly_fields(self, request, obj=None):
        # Their posters and talks are of this conference: a person does not move.
        return ["conference"] if obj else []

    @admin.action(description="Merge the selected people into the first one")
    def merge(self, request, queryset):
        """One person entered twice in one conference becomes one record (the oldest)."""
        people = list(queryset.order_by("pk"))
        if len(people) < 2:
            self.message_user(request, "Select two or more people to merge.", messages.WARNING)
            return
        keep, *others = people
        try:
            services.merge_people(keep, others)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, f"Merged {len(others)} record(s) into {keep.name}.", messages.SUCCESS
        )

    @admin.action(description="Split the selected people: one record per poster or talk")
    def split(self, request, queryset):
        """For a record that stands for several people with one name: afterwards, merge back
        the records that are one person."""
        for person in queryset.select_related("conference").order_by("pk"):
            created = services.split_person(person)
            if created:
                self.message_user(
                    request,
                    f"Split {person.name} into {len(created) + 1} records, one per poster or"
                    " talk; merge back the ones that are one person.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"{person.name} is on one poster or talk at most: nothing to split.",
                    messages.WARNING,
                )


@admin.register(Session)
class SessionAdmin(ItemCountsMixin, FoldedSearch, InConferenceZone, admin.ModelAdmin):
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
        "posters__title__folded",
        "talks__title__folded",
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

    @admin.display(description="session", ordering="title")
    def heading(self, session):
        return session.heading

    @admin.display(description="starts", ordering="starts_at")
    def start(self, session):
        return conference_time(session.starts_at, session.conference)


class SessionItemAdmin(FoldedSearch, InConferenceZone, admin.ModelAdmin):
    """What posters and talks share: their session, time, room, and ordered people."""

    conference_field = "session"
    list_display = ["title", "people", "session", "day", "position"]
    list_filter = [
        "session__conference",
        ("session__day", admin.AllValuesFieldListFilter),
        "session__kind",
    ]
    list_select_related = ["session"]
    autocomplete_fields = ["session", "room", "track"]
    ordering = ["session__conference", "session__day", "session__position", "position", "pk"]
    fields = [
        "session",
        "position",
        "title",
        "track",
        "abstract",
        "room",
        "starts_at",
        "ends_at",
        "external_url",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(self.model.prefetch_people())

    @admin.display(description="people")
    def people(self, item) -> str:
        links = item.ordered_people  # prefetched in order
        names = " · ".join(link.person.name for link in links[:PEOPLE_SHOWN])
        rest = len(links) - PEOPLE_SHOWN
        return f"{names} + {rest} more" if rest > 0 else names

    @admin.display(description="day", ordering="session__day")
    def day(self, item):
        return item.session.day


@admin.register(Poster)
class PosterAdmin(SessionItemAdmin):
    conference_lookup = "sessions__posters"
    list_display = ["title", "people", "session", "day", "position", "board"]
    search_fields = [
        "title__folded",
        "abstract__folded",
        "authorships__person__name__folded",
        "board",
    ]
    fields = [
        "session",
        "position",
        "title",
        "track",
        "abstract",
        "room",
        "board",
        "starts_at",
        "ends_at",
        "external_url",
    ]
    inlines = [AuthorshipInline]


@admin.register(Talk)
class TalkAdmin(SessionItemAdmin):
    conference_lookup = "sessions__talks"
    search_fields = ["title__folded", "abstract__folded", "speakerships__person__name__folded"]
    inlines = [SpeakershipInline]
