"""Generate a large, realistic, reproducible program for tests and benchmarks."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from devtools.devdata.generation import generate_program
from devtools.devdata.parallel import generate_parallel_program
from program.models import Talk, validate_conference_slug


class Command(BaseCommand):
    help = (
        "Generate a published conference program of a given size (default: 4,500 posters,"
        " 80 sessions over 6 days, 20,000 people). The same arguments give the same program."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="big2026")
        parser.add_argument("--posters", type=int, default=4500)
        parser.add_argument("--sessions", type=int, default=80)
        parser.add_argument("--days", type=int, default=6)
        parser.add_argument("--people", type=int, default=20000)
        parser.add_argument("--rooms", type=int, default=8)
        parser.add_argument(
            "--talks", type=int, default=None, help="default: one per plenary, four per oral"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--timezone", default="Europe/Berlin", help="an IANA zone name")
        parser.add_argument(
            "--parallel",
            action="store_true",
            help="A room-parallel program instead (FOSDEM's shape: --rooms rooms busy all day,"
            " --days days), imported from a frab file it writes; other sizes are ignored.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete a conference with this slug first, with the people only it names.",
        )

    def handle(self, *args, **options):
        if options["parallel"]:
            conference = generate_parallel_program(
                slug=options["slug"],
                rooms=options["rooms"],
                days=options["days"],
                seed=options["seed"],
                timezone=options["timezone"],
            )
            talks = Talk.objects.filter(session__conference=conference).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {conference.slug}: {talks:,} talks in parallel rooms."
                )
            )
            return
        names = ("slug", "posters", "sessions", "days", "people", "rooms", "talks", "seed")
        arguments = {name: options[name] for name in names}
        started = time.perf_counter()
        try:
            # Tests may generate under a reserved slug and use the API only; a site may not.
            validate_conference_slug(options["slug"])
            summary = generate_program(
                **arguments, timezone=options["timezone"], replace=options["replace"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        seconds = time.perf_counter() - started
        conference = summary.conference
        if summary.replaced:
            self.stdout.write(f"Deleted the earlier {conference.slug}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {conference.name} ({conference.slug}), {conference.start_date}"
                f" to {conference.end_date} in {conference.timezone}, in {seconds:.1f} s:"
            )
        )
        self.stdout.write(
            f"  {summary.rooms:,} rooms, {summary.sessions:,} sessions"
            f" ({summary.untimed_sessions:,} without a known time), {summary.posters:,} posters,"
            f" {summary.talks:,} talks\n"
            f"  {summary.contributions:,} papers and talks ({summary.unscheduled:,} not scheduled"
            f" yet), {summary.people:,} people, {summary.authorships:,} authorships; the busiest"
            f" person is on {summary.most_papers:,} posters and talks"
        )
