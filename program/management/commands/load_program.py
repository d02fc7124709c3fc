"""``manage.py load_program``: Django's loaddata, validating what it loads.

Every program and accounts record is checked with ``full_clean()`` as the admin checks it, once
the last one is saved and before the load's transaction commits
(program/interchange/loading.py); any
invalid record, or one the database refuses, is named by its natural key, and nothing is
loaded. ``manage.py loaddata`` stays Django's own.
"""

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from program import changes
from program.interchange.loading import LoadCheck, name_record_in_error
from program.models import Conference


class Command(loaddata.Command):
    help = (
        "Django's loaddata, validating every program and accounts record like the admin and"
        " naming the record at fault; on any error nothing is loaded."
    )

    def loaddata(self, fixture_labels):
        self.load_check = LoadCheck(self.using)
        super().loaddata(fixture_labels)
        # Django calls reset_sequences (below) whenever it saved something; this only guards
        # against a Django that no longer does.
        self.load_check.run()

    def save_obj(self, obj):
        # Each record in a savepoint: after a refused statement the transaction can still look
        # up the natural key that names it (Django's "Could not load program.Session(pk=None)"
        # names none), where PostgreSQL would abort the whole transaction.
        try:
            with transaction.atomic(using=self.using):
                saved = super().save_obj(obj)
        # psycopg raises ValueError for NUL characters, as in Django's own save_obj.
        except (DatabaseError, ValueError) as error:
            name_record_in_error(error, obj.object)
            raise
        if saved:
            self.load_check.add(obj.object)
        if self.objs_with_deferred_fields and self.objs_with_deferred_fields[-1] is obj:
            self.objs_with_deferred_fields[-1] = NamedDeferredSave(obj)
        return saved

    def reset_sequences(self, connection, models):
        # Django's loaddata calls this once, after every record and deferred field is saved and
        # the foreign keys are checked, before it reports success: the point to validate.
        self.load_check.run()
        super().reset_sequences(connection, models)
        # Raw saves say no change (program/changes.py): said here, once, for every conference.
        conferences = Conference.objects.using(self.using).values_list("pk", flat=True)
        changes.program_changed(list(conferences), None, using=self.using)


class NamedDeferredSave:
    """A record whose forward references Django saves after the fixture, named if that fails
    (a natural key that names no record anywhere in the database or the fixture)."""

    def __init__(self, deserialized):
        self.deserialized = deserialized

    def save_deferred_fields(self, using=None):
        try:
            with transaction.atomic(using=using):
                self.deserialized.save_deferred_fields(using=using)
        except (DeserializationError, DatabaseError, ValueError) as error:
            name_record_in_error(error, self.deserialized.object)
            raise
