"""The people's admin (merge and split actions) and a contribution's ordered authors or
speakers, whose person lookup offers only the people of the contribution's conference."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse

from program import services
from program.admin.choices import LabelledAutocompleteSelect, LoadedChoicesInline
from program.admin.common import FoldedSearch
from program.admin.forms import OrderedPeopleForm, OrderedPeopleFormSet
from program.models import Authorship, Person


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


@admin.register(Person)
class PersonAdmin(FoldedSearch, admin.ModelAdmin):
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
