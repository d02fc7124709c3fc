"""Django's loaddata, with errors that name the failing record by its natural key.

Django reports "Could not load program.Session(pk=None)" for objects that a fixture identifies by
natural key (they have no pk yet); this adds the key (a slug, a uid, a poster and position) so an
organizer can find the record in the file. Everything else, including the single transaction
that leaves the database unchanged on any error, is Django's own.
"""

from django.core.management.commands import loaddata
from django.db import DatabaseError, IntegrityError


class Command(loaddata.Command):
    def save_obj(self, obj):
        try:
            return super().save_obj(obj)
        except (DatabaseError, IntegrityError, ValueError) as error:
            instance = obj.object
            if instance.pk is None and hasattr(instance, "natural_key"):
                try:
                    key = instance.natural_key()
                except Exception:  # the key itself may be what is broken
                    key = None
                if key:
                    error.args = (f"{error.args[0]} [natural key {list(key)!r}]",)
            raise
