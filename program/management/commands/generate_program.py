"""Generate a large, realistic, reproducible program for tests and benchmarks."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction

from program.generation import generate_program
from program.models import Conference, validate_conference_slug


class Command(BaseCommand):
    help = "Generate a conference program of a given size (default: 4,500 posters, 80 sessions)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="big2026")
        parser.add_argument("--posters", type=int, default=4500)
        parser.add_argument("--sessions", type=int, default=80)
        parser.add_argument("--days", type=int, default=6)
        parser.add_argument("--people", type=int, default=20000)
        parser.add_argument("--rooms", type=int, default=8)
        parser.add_argument("--talks", type=int, default=None, help="default: two per session")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--timezone", default="Europe/Berlin")
        parser.add_argument(
            "--replace", action="store_true", help="Delete a conference with this slug first."
        )

    def handle(self, *args, slug, replace, **options):
        names = ("posters", "sessions", "days", "people", "rooms", "talks", "seed", "timezone")
        sizes = {name: options[name] for name in names}
        try:
            validate_slug(slug)
            validate_conference_slug(slug)
        except ValidationError as error:
            raise CommandError(f"--slug: {' '.join(error.messages)}") from error
        started = time.monotonic()
        try:
            with transaction.atomic():
                existing = Conference.objects.filter(slug=slug)
                if existing.exists():
                    if not replace:
                        raise CommandError(
                            f'A conference "{slug}" exists; pass --replace to generate it anew.'
                        )
                    existing.delete()
                summary = generate_program(slug=slug, **sizes)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {slug}: {summary.sessions} sessions, {summary.posters} posters,"
                f" {summary.talks} talks, {summary.people} people, {summary.authorships}"
                f" authorships in {time.monotonic() - started:.1f} s."
            )
        )
