"""The conferences' admin, with their import page (accounts/admin.py adds the interest page),
and that of their rooms and tracks: changelists annotate each one's session count."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html

from program.admin.forms import RoomForm
from program.importing.admin_views import import_status_view, import_view
from program.models import Conference, Room, Track
from program.views.embed import snippet


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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """With the snippet that embeds the program in the conference's own site."""
        conference = self.get_object(request, object_id)
        if conference is not None:
            areas = conference.rooms.exclude(area="").values_list("area", flat=True)
            extra_context = {
                **(extra_context or {}),
                "embed_snippet": snippet(request, conference),
                "screen_areas": sorted(set(areas)),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(partial(import_view, self))
        status = self.admin_site.admin_view(partial(import_status_view, self))
        return [
            path("import/", view, name="program_conference_import"),
            path("import/<uuid:token>/", status, name="program_conference_import_status"),
            *super().get_urls(),
        ]

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
    list_display = ["name", "conference", "area", "capacity", "session_count", "screen_link"]

    @admin.display(description="door screen")
    def screen_link(self, room):
        url = reverse("program:room-screen", args=[room.conference.slug, room.pk])
        return format_html('<a href="{}">Screen</a>', url)


@admin.register(Track)
class TrackAdmin(ConferencePartAdmin):
    list_display = ["name", "conference", "colour", "session_count"]
