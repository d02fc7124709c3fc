"""Measure the public pages of one conference: status, size, SQL queries and time per request.

A benchmark, not a test: run it on a generated program (``generate_program``) to see how the
pages hold up at scale, e.g. ``manage.py benchmark_pages big2026 --repeat 5``.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from program.models import Conference, Contribution, Person, Poster, Session, Talk


class Command(BaseCommand):
    help = "Time the public pages of a conference (median of --repeat runs) and count queries."

    def add_arguments(self, parser):
        parser.add_argument("conference", help="the conference's slug")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, conference, repeat, **options):
        try:
            conference = Conference.objects.get(slug=conference)
        except Conference.DoesNotExist as error:
            raise CommandError(f'No conference "{conference}".') from error
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        busiest_day = (
            Session.objects.filter(conference=conference)
            .values_list("day", flat=True)
            .order_by("day")
            .first()
        )
        session = Session.objects.filter(conference=conference, posters__isnull=False).first()
        poster = Poster.objects.filter(session__conference=conference).first()
        talk = Talk.objects.filter(session__conference=conference).first()
        person = Person.objects.filter(conference=conference, authorships__isnull=False).first()
        paper = Contribution.objects.filter(conference=conference).first()
        slug = conference.slug
        paths = [
            f"/{slug}/",
            f"/{slug}/{busiest_day}/" if busiest_day else None,
            f"/{slug}/sessions/{session.pk}/" if session else None,
            f"/{slug}/posters/{poster.pk}/" if poster else None,
            f"/{slug}/talks/{talk.pk}/" if talk else None,
            f"/{slug}/people/{person.slug}/" if person else None,
            f"/{slug}/search/?q=caching",
            f"/{slug}/papers/",
            f"/{slug}/papers/{paper.pk}/" if paper else None,
            f"/{slug}/schedule.ics",
            f"/{slug}/schedule.json",
            f"/{slug}/schedule.xml",
        ]
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        self.stdout.write(f"{'page':50} {'status':>6} {'KB':>6} {'queries':>7} {'median ms':>9}")
        for path in filter(None, paths):
            client.get(path)  # warm caches and the template loader
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{path[:50]:50} {response.status_code:>6} {len(response.content) // 1024:>6}"
                f" {len(queries):>7} {statistics.median(times):>9.0f}"
            )
