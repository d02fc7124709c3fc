"""Recompute similar papers now (the task runner does it after every change; this is for a
database filled some other way, and to time it)."""

import time

from django.core.management.base import BaseCommand, CommandError

from program.models import Conference
from program.search import similar


class Command(BaseCommand):
    help = (
        "Recompute the similar papers of every conference, or of the ones named, and say how"
        " many lists changed and how long it took."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="slug", help="e.g. mlsys2025; default: all")

    def handle(self, *args, slugs, **options):
        conferences = Conference.objects.order_by("slug")
        if slugs:
            conferences = conferences.filter(slug__in=slugs)
            unknown = sorted(set(slugs) - set(conferences.values_list("slug", flat=True)))
            if unknown:
                raise CommandError(f"No conference with the slug {', '.join(unknown)}.")
        for conference in conferences:
            started = time.perf_counter()
            changed = similar.refresh(conference)
            papers = conference.contributions.count()
            self.stdout.write(
                f"{conference.slug}: {papers} papers, {changed} lists changed,"
                f" {time.perf_counter() - started:.1f} s"
            )
