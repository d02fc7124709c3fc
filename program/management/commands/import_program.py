"""manage.py import_program FILE --conference SLUG [--format ...] [--calendar FILE]
[--timezone ZONE] [--allow-removals] [--dry-run]"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from program.importing.applying import ImportProblem, RemovalsNotConfirmed
from program.importing.files import import_file
from program.importing.readers import FORMATS, MAX_BYTES, ReadError, detect
from program.models import validate_conference_slug

SHOWN = 40


def read_file(name: str) -> bytes:
    path = Path(name)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{name} is larger than {MAX_BYTES // 1024 // 1024} MB.")
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {name}: {error.strerror or error}") from error


class Command(BaseCommand):
    help = (
        "Import a conference's program: a frab/c3voc schedule.json or schedule.xml, a"
        " Mini-Conf papers.csv/papers.json (with --calendar main_calendar.json), or a file"
        " written by export_conference. Importing an"
        " updated file again updates, adds and removes by the file's ids. --dry-run only says"
        " what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--conference", required=True, help="The conference's slug.")
        parser.add_argument("--format", choices=FORMATS, help="Default: detected from the file.")
        parser.add_argument(
            "--calendar",
            help="Mini-Conf: the calendar JSON, or the sessions YAML, with the sessions.",
        )
        parser.add_argument(
            "--timezone",
            default="",
            help="The zone of the file's times when it names none (an IANA name such as"
            " Europe/Brussels); default: the file's, else the conference's, else its offsets.",
        )
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Apply an import that removes more than 10%% of the conference's program.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; show what.")

    def handle(self, *args, file, conference, format, calendar, dry_run, **options):
        try:
            validate_slug(conference)
            validate_conference_slug(conference)
        except ValidationError as error:
            raise CommandError(
                f"--conference {conference!r}: {' '.join(error.messages)}"
            ) from error
        data = read_file(file)
        try:
            fmt = format or detect(data)
            report = import_file(
                data,
                fmt,
                slug=conference,
                calendar=read_file(calendar) if calendar else None,
                dry_run=dry_run,
                allow_removals=options["allow_removals"],
                zone=options["timezone"],
            )
        except ReadError as error:
            raise CommandError(f"{file}: {error}") from error
        except RemovalsNotConfirmed as problem:
            raise CommandError(f"{file}: nothing was imported. {problem}") from problem
        except ImportProblem as problem:
            shown = problem.problems[:SHOWN]
            more = len(problem.problems) - len(shown)
            raise CommandError(
                f"{file} does not fit; nothing was imported:\n  "
                + "\n  ".join(shown)
                + (f"\n  ... and {more} more" if more > 0 else "")
            ) from problem
        self.print_report(report, fmt, dry_run, verbose=options["verbosity"] > 1)

    def print_report(self, report, fmt, dry_run, *, verbose) -> None:
        """Totals first, then removals and what was left out, then the changes by day."""
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(f"{verb} {fmt} into {report.conference}: {report.summary()}.")
        for day, summary in report.summary_by_day():
            self.stdout.write(f"  {day}: {summary}")
        if dry_run and report.removals_need_yes:
            self.stdout.write(self.style.WARNING(report.removal_summary()))
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        shown = None if verbose else SHOWN
        removals = [change for change in report.changes if change.action == "remove"]
        for change in removals[:shown]:
            self.stdout.write(f"  {change}")
        for note in report.skipped[:shown]:
            self.stdout.write(f"  skipped: {note}")
        if len(report.skipped) > len(report.skipped[:shown]):
            self.stdout.write(f"  ... {len(report.skipped) - SHOWN} more left out (-v 2 lists all)")
        rest = [change for change in report.by_day() if change.action != "remove"]
        for change in rest[:shown]:
            self.stdout.write(f"  {change}")
        if len(rest) > len(rest[:shown]):
            self.stdout.write(f"  ... {len(rest) - SHOWN} more changes (-v 2 lists all)")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
