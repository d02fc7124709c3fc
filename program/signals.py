"""What follows a change to the program outside the request that made it.

A contribution saved (admin, API, a fixture's raw save) or deleted (one by one, or in a queryset
or cascade delete) queues a refresh of its conference's similar papers; imports that write in
bulk call ``Conference.touch()``, which queues one too (``program/similar.py``).
"""

from django.db.models.signals import post_delete, post_save

from program import similar
from program.models import Contribution


def contribution_changed(sender, instance, using, **kwargs) -> None:
    similar.refresh_later(instance.conference_id, using=using)


def connect() -> None:
    post_save.connect(contribution_changed, sender=Contribution, dispatch_uid="similar-save")
    post_delete.connect(contribution_changed, sender=Contribution, dispatch_uid="similar-delete")
