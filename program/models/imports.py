"""An uploaded program file waiting between its preview and the organizer's confirmation.

Kept in the database, not on one server's disk, so the confirmation works whichever instance
answers it. Each new upload deletes those older than a day.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.timezone import now

KEPT_FOR = datetime.timedelta(days=1)


class PendingImportQuerySet(models.QuerySet):
    def stale(self) -> PendingImportQuerySet:
        return self.filter(created_at__lt=now() - KEPT_FOR)


class PendingImport(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conference_slug = models.SlugField(max_length=60)
    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    calendar = models.BinaryField(null=True, blank=True)
    timezone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The zone of the file's times when it names none; empty: the file decides.",
    )
    created_at = models.DateTimeField(default=now)

    objects = PendingImportQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.file_name} for {self.conference_slug}"
