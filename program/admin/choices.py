"""Autocomplete fields in inline rows, labelled from the records loaded with the rows.

Django's ``AutocompleteSelect`` renders the chosen record's label by asking the database for it,
one query per field of each row: a poster session's page in the admin, 214 posters with a paper
and a room each, ran 438 queries. ``LabelledAutocompleteSelect`` takes the label from the record
the row already holds (the inline's rows come with ``select_related``: ``LoadedChoicesInline``)
and asks the database only for a value it was not given (a form sent back with another choice).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class LabelledAutocompleteSelect(AutocompleteSelect):
    #: The chosen records' labels by value, set per form (``LoadedChoicesForm``).
    known: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.known is None or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for choice in sorted(selected):
            options.append(
                self.create_option(name, choice, self.known[choice], selected, len(options))
            )
        return [(None, options, 0)]


class LoadedChoicesForm(forms.ModelForm):
    """An inline row whose autocomplete fields are labelled from its own record's related
    records, when they were loaded with it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the add/change links
            if not isinstance(widget, LabelledAutocompleteSelect):
                continue
            relation = self.instance._meta.get_field(name)
            if relation.is_cached(self.instance):
                chosen = getattr(self.instance, name)
                widget.known = (
                    {} if chosen is None else {str(chosen.pk): field.label_from_instance(chosen)}
                )


class LoadedChoicesInline:
    """For an inline admin: its autocomplete fields use ``LabelledAutocompleteSelect`` and its
    rows come with the records they show (``loaded``, for ``select_related``)."""

    loaded: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.loaded)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
