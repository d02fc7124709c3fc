"""Forms behind the organizers' admin, for the rules a single model's ``clean()`` cannot see.

Ordered people (authors of a poster, speakers of a talk) are checked and saved as one list, so
that reordering them never trips the database's unique (parent, position) constraint. Rooms and
the posters of a session being added are checked against their conference before the database's
triggers would refuse them with a server error.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField

from program.admin.choices import LoadedChoicesForm
from program.models import Poster, Room, Talk


class OrderedPeopleForm(LoadedChoicesForm):
    """One row of an ordered list of people: an author of a poster, a speaker of a talk.

    The unique (parent, position) and (parent, person) constraints are checked by the formset
    among all the submitted rows. Checked one row at a time against the database they would
    refuse every swap, because the other row still holds the old value there.
    """

    def validate_constraints(self):
        exclude = self._get_validation_exclusions()
        exclude.update(
            name for name, field in self.fields.items() if isinstance(field, InlineForeignKeyField)
        )
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class OrderedPeopleFormSet(BaseInlineFormSet):
    """Saves a reordered list of people without tripping its unique constraints.

    Swapping authors 1 and 2 would update row by row, and SQLite and PostgreSQL check uniqueness
    after each statement. So the rows that change (and the rows that go) leave the table first;
    the changed ones come back under their own ids when the formset saves them. It all happens
    in one transaction, the admin's own when there is one.
    """

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.total_unique_constraints:
            if set(constraint.fields) == set(unique_check):
                return constraint.get_violation_error_message()
        return super().get_unique_error_message(unique_check)

    def save(self, commit=True):
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().save(commit)

    def save_existing_objects(self, commit=True):
        if commit:
            leaving = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk and (form.has_changed() or self._should_delete_form(form))
            ]
            self.model._default_manager.filter(pk__in=leaving).delete()
        return super().save_existing_objects(commit)


class SessionItemInlineForm(LoadedChoicesForm):
    """A poster or talk in its session's form.

    The model's ``clean()`` compares the room with the session's conference once the session has
    an id; for a session being added, this form does it.
    """

    def clean(self):
        cleaned_data = super().clean()
        session, room = cleaned_data.get("session"), cleaned_data.get("room")
        if (
            session is not None
            and session.pk is None
            and session.conference_id
            and room is not None
            and room.conference_id != session.conference_id
        ):
            self.add_error(
                "room", f"This room belongs to {room.conference}, not to {session.conference}."
            )
        return cleaned_data


class RoomForm(forms.ModelForm):
    """A room in use stays in its conference: its sessions, posters and talks are there."""

    class Meta:
        model = Room
        fields = ["conference", "name", "area", "capacity", "overflow_for"]

    def clean_conference(self):
        conference = self.cleaned_data["conference"]
        room = self.instance
        if room.pk and conference.pk != room.conference_id:
            used = (
                room.sessions.count()
                + Poster.objects.filter(room=room).count()
                + Talk.objects.filter(room=room).count()
            )
            if used:
                raise ValidationError(
                    f"{used} session(s), poster(s) or talk(s) of {room.conference} use this room;"
                    f" give them another room before moving it to {conference}."
                )
        return conference
