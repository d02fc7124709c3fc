"""The organizers' admin: every program model, with inlines, search, filters and autocomplete.

Changelists annotate their counts and select their foreign keys, so a page of 100 rows costs the
same few queries as a page of one. Change forms show and read times in the conference's own zone.
"""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from program import services
from program.admin_choices import LabelledAutocompleteSelect, LoadedChoicesInline
from program.forms import (
    OrderedPeopleForm,
    OrderedPeopleFormSet,
    RoomForm,
    SessionItemInlineForm,
)
from program.importing.admin_views import import_view
from program.models import (
    Authorship,
    Conference,
    Contribution,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Talk,
    Track,
)
from program.search import fold
from program.templatetags.program_tags import TBA


def all_own_session_kinds() -> dict[str, str]:
    """Every conference's own session kinds, for a session whose conference is not chosen yet."""
    own = {}
    for kinds in Conference.objects.exclude(session_kinds={}).values_list(
        "session_kinds", flat=True
    ):
        own.update({code: label for code, label in kinds.items() if code not in SessionKind})
    return own


# How many people a poster or talk row names before it counts the rest.
PEOPLE_SHOWN = 3


def conference_time(moment, conference: Conference) -> str:
    """A time as organizers read it: in the conference's own zone, labelled ("08:30 PDT")."""
    if moment is None:
        return TBA
    return timezone.localtime(moment, conference.zone).strftime("%H:%M %Z")


class ProgramPartDeletes:
    """ "Delete selected" deletes each part as its own delete() does, so that the pages showing it
    (their ETags, kept pages and session blocks) change; a queryset delete would skip that."""

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for part in queryset:
                part.delete()


class FoldedSearch:
    """Search fields use the ``folded`` lookup, so the term is folded too: "Böther" and
    "bother" both find Maximilian Böther (program/search.py)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))


class FullTextSearch:
    """The list's search box and the autocomplete lookups that offer these records find them by
    the words of their titles, abstracts, keywords, people and sessions, through the site's own
    index (``program/fulltext.py``), as the public search does: every word starts a word,
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


class ConferenceAutocompleteSelect(LabelledAutocompleteSelect):
    """An autocomplete that asks only for records of one conference: ``?conference=<id>`` in
    its lookup address, which ``PersonAdmin.get_search_results`` reads. (Django's lookup request
    names the field, not the object being edited.)"""

    def __init__(self, *args, conference_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference_id = conference_id

    def get_url(self) -> str:
        return f"{super().get_url()}?conference={self.conference_id}"


class OrderedPeopleInline(LoadedChoicesInline, admin.TabularInline):
    """A contribution's authors or speakers, edited as one ordered list."""

    loaded = ("person",)
    form = OrderedPeopleForm
    formset = OrderedPeopleFormSet
    fields = ["position", "person"]
    autocomplete_fields = ["person"]
    ordering = ["position"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        """On a contribution's page, the person lookup lists people of its conference only (the
        same name elsewhere is another record); a new contribution's lists everyone, and
        ``clean()`` refuses a person of another conference."""
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.conference_id:
            wrapper = formset.form.base_fields["person"].widget  # this formset's own class
            inner = wrapper.widget
            wrapper.widget = ConferenceAutocompleteSelect(
                inner.field,
                inner.admin_site,
                attrs=inner.attrs,
                choices=inner.choices,
                using=inner.db,
                conference_id=obj.conference_id,
            )
        return formset


class AuthorshipInline(OrderedPeopleInline):
    model = Authorship
    verbose_name = "author or speaker"
    verbose_name_plural = "authors or speakers, in printed order"


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
        "interest_link",
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

    def get_urls(self):
        view = self.admin_site.admin_view(partial(import_view, self))
        interest = self.admin_site.admin_view(self.interest_view)
        return [
            path("import/", view, name="program_conference_import"),
            path("<int:pk>/interest/", interest, name="program_conference_interest"),
            *super().get_urls(),
        ]

    def interest_view(self, request, pk: int):
        """How many attendees saved each session, poster and talk, against room capacity
        (accounts/interest.py): counts only, never who."""
        from accounts.interest import interest

        conference = get_object_or_404(Conference, pk=pk)
        if not self.has_view_permission(request, conference):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "conference": conference,
            "rows": interest(conference),
            "title": f"Interest: {conference.name}",
        }
        return TemplateResponse(request, "admin/program/conference/interest.html", context)

    @admin.display(description="interest")
    def interest_link(self, conference):
        url = reverse("admin:program_conference_interest", args=[conference.pk])
        return format_html('<a href="{}">Saves and capacity</a>', url)

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


class ConferencePartAdmin(ProgramPartDeletes, admin.ModelAdmin):
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


@admin.register(Person)
class PersonAdmin(ProgramPartDeletes, FoldedSearch, admin.ModelAdmin):
    list_display = ["name", "affiliation", "conference", "slug", "contribution_count"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name__folded", "affiliation__folded", "slug", "external_id"]
    fields = ["conference", "name", "slug", "external_id", "affiliation", "bio", "links"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name", "slug"]
    actions = ["merge", "split"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contribution_count=Count("contributions"))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The author lookup on a contribution's page asks for its conference's people only.
        conference = request.GET.get("conference", "")
        lookup = request.path == reverse("admin:autocomplete")
        if lookup and conference.isascii() and conference.isdigit():
            queryset = queryset.filter(conference_id=int(conference))
        return queryset, may_have_duplicates

    @admin.display(description="papers and talks", ordering="contribution_count")
    def contribution_count(self, person):
        return person.contribution_count

    def get_readonly_fields(self, request, obj=None):
        # Their papers and talks are of this conference: a person does not move.
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

    @admin.action(description="Split the selected people: one record per paper or talk")
    def split(self, request, queryset):
        """For a record that stands for several people with one name: afterwards, merge back
        the records that are one person."""
        for person in queryset.select_related("conference").order_by("pk"):
            created = services.split_person(person)
            if created:
                self.message_user(
                    request,
                    f"Split {person.name} into {len(created) + 1} records, one per paper or"
                    " talk; merge back the ones that are one person.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"{person.name} is on one paper or talk at most: nothing to split.",
                    messages.WARNING,
                )


@admin.register(Session)
class SessionAdmin(
    ProgramPartDeletes, ItemCountsMixin, FoldedSearch, InConferenceZone, admin.ModelAdmin
):
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


def people_list(contribution: Contribution) -> str:
    """ "Ada Lovelace · Alan Turing + 3 more", from the prefetched ordered people."""
    links = contribution.ordered_people
    names = " · ".join(link.person.name for link in links[:PEOPLE_SHOWN])
    rest = len(links) - PEOPLE_SHOWN
    return f"{names} + {rest} more" if rest > 0 else names


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
class ContributionAdmin(
    ProgramPartDeletes, ItemCountsMixin, FullTextSearch, InConferenceZone, admin.ModelAdmin
):
    """A paper or talk: what it says and who wrote it, and the slots it is presented in."""

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


class SessionItemAdmin(ProgramPartDeletes, FullTextSearch, InConferenceZone, admin.ModelAdmin):
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


# Floor plans and board spots have an admin module of their own.
from program import venue_admin  # noqa: E402, F401
