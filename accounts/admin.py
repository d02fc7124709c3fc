"""Accounts in the admin, and the conferences' "Saves and capacity" page: how many attendees
saved each session, poster and talk (``accounts/interest.py``), added to the program's
conference admin here so that the program does not know about agendas."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.interest import interest
from accounts.models import User
from program.admin import ConferenceAdmin
from program.models import Conference

admin.site.register(User, UserAdmin)


class ConferenceWithInterestAdmin(ConferenceAdmin):
    list_display = [*ConferenceAdmin.list_display, "interest_link"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.interest_view)
        return [
            path("<int:pk>/interest/", view, name="program_conference_interest"),
            *super().get_urls(),
        ]

    def interest_view(self, request, pk: int):
        """Counts only, never who."""
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


admin.site.unregister(Conference)
admin.site.register(Conference, ConferenceWithInterestAdmin)
