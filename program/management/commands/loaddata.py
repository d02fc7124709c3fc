"""Django's loaddata, validating what it loads and naming the record at fault.

- Every record of the program and accounts apps is validated like the admin validates it
  (``full_clean()``: field validators and the model's ``clean()``), after the last record is
  saved and before the load's transaction commits; a ``CommandError`` lists every invalid record
  with its natural key, field and message (program/loading.py), and nothing is loaded.
- A record the database refuses (a check, a unique key, a missing natural-key target) is named by
  its natural key too: Django reports "Could not load program.Session(pk=None)" for records a
  fixture identifies by natural key. Each record is saved inside a savepoint, so that the
  transaction can still look the key up (a room's conference, an authorship's poster) after the
  failed statement: without it Django refuses further queries in the load's atomic block, and
  PostgreSQL aborts the transaction.

Everything else, including the single transaction that leaves the database unchanged on any
error, is Django's own.
"""

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.utils.timezone import now

from program.loading import LoadCheck, name_record_in_error
from program.models import Session


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        self.load_check = LoadCheck(self.using)
        super().loaddata(fixture_labels)
        # Django calls reset_sequences (below) whenever it saved something; this only guards
        # against a Django that no longer does.
        self.load_check.run()

    def save_obj(self, obj):
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
        # Raw saves skip Session.save: the loaded sessions' blocks start their own version here.
        Session.objects.using(self.using).filter(changed_at__isnull=True).update(changed_at=now())


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
