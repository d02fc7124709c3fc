"""Time an import at scale, into a new conference deleted afterwards unless ``--keep``.

``manage.py benchmark_import --file schedule.xml [--calendar FILE] [--timezone ZONE]``: a real
file, imported, then imported again unchanged. Without ``--file``: a generated Mini-Conf paper
list (``--papers 2000 --author-slots 9000``), also imported once more with 5% of papers moved.

Each step is run twice: timed (wall time, the reading's share, SQL queries and writes, the
process's max RSS: Django and its libraries hold ~145 MB before any import), then again from the
same state under tracemalloc, which slows Python several times, for the peak of what the import
itself allocates. ``--profile`` prints the timed run's cProfile (its times are then inflated).
"""

from __future__ import annotations

import cProfile
import csv
import gc
import io
import pstats
import resource
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.devdata.paper_list import paper_list
from program.importing.files import import_file
from program.importing.readers import detect, read
from program.models import Authorship, Conference, Contribution, Poster, Talk

SLUG = "import-benchmark"
WRITES = ("INSERT", "UPDATE", "DELETE")


class Counter:
    def __init__(self):
        self.queries = self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        self.writes += sql.lstrip().upper().startswith(WRITES)
        return execute(sql, params, many, context)


def max_rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class Command(BaseCommand):
    help = "Time importing a real file or a generated paper list (see the module's docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="A program file (any format import_program reads).")
        parser.add_argument("--calendar", help="Mini-Conf: the calendar with the sessions.")
        parser.add_argument("--timezone", default="", help="The zone of the file's times.")
        parser.add_argument("--papers", type=int, default=2000)
        parser.add_argument("--author-slots", type=int, default=9000)
        parser.add_argument("--profile", action="store_true", help="Profile the timed runs.")
        parser.add_argument("--keep", action="store_true", help=f"Keep the conference {SLUG!r}.")

    def handle(self, *args, file, calendar, timezone, papers, author_slots, keep, **options):
        if Conference.objects.filter(slug=SLUG).exists():
            raise CommandError(f"The conference {SLUG!r} exists: delete it first.")
        self.profile, self.zone = options["profile"], timezone
        if file:
            steps, fmt = self.file_steps(file, calendar)
        else:
            steps, fmt = self.generated_steps(papers, author_slots), "miniconf"
        backend = settings.TASKS["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"Database: {connection.vendor}; tasks: {backend}; max RSS before importing:"
            f" {max_rss():,.0f} MB."
        )
        try:
            timed = [self.timed(fmt, *step) for step in steps]
            Conference.objects.filter(slug=SLUG).delete()
            traced = [self.traced(fmt, *step) for step in steps]
            for (label, *_), (line, changes), peak in zip(steps, timed, traced, strict=True):
                self.stdout.write(
                    f"{label:>20}: {line}, {changes:6,} changes, tracemalloc peak {peak:6.1f} MB"
                )
            conference = Conference.objects.get(slug=SLUG)
            held = (
                Contribution.objects.filter(conference=conference).count(),
                Poster.objects.filter(session__conference=conference).count(),
                Talk.objects.filter(session__conference=conference).count(),
                Authorship.objects.filter(contribution__conference=conference).count(),
            )
            self.stdout.write(
                "Holds {:,} contributions, {:,} posters, {:,} talks, {:,} authorships.".format(
                    *held
                )
            )
        finally:
            if not keep:
                Conference.objects.filter(slug=SLUG).delete()

    def file_steps(self, file: str, calendar: str | None):
        try:
            data = Path(file).read_bytes()
            calendar_data = Path(calendar).read_bytes() if calendar else None
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}") from error
        fmt = detect(data)
        self.stdout.write(f"File: {file}, {fmt}, {len(data) / 1e6:.1f} MB.")
        steps = [("first import", data, calendar_data), ("same file again", data, calendar_data)]
        return steps, fmt

    def generated_steps(self, papers: int, author_slots: int):
        if not 1 <= papers <= 100_000 or not papers <= author_slots <= 15 * papers:
            raise CommandError("Give 1 to 100,000 papers and 1 to 15 author slots a paper.")
        papers_csv, calendar = paper_list(papers=papers, author_slots=author_slots)
        self.stdout.write(
            f"Paper list: {papers:,} papers, {author_slots:,} author slots,"
            f" {len(papers_csv) / 1e6:.1f} MB."
        )
        return [
            ("first import", papers_csv, calendar),
            ("same file again", papers_csv, calendar),
            ("5% of papers moved", moved(papers_csv), calendar),
        ]

    def run(self, fmt: str, data: bytes, calendar: bytes | None):
        return import_file(
            data, fmt, slug=SLUG, calendar=calendar, zone=self.zone, allow_removals=True
        )

    def timed(self, fmt: str, label: str, data: bytes, calendar: bytes | None):
        reading = 0.0
        if fmt != "fixture":  # the readers' share, on its own
            started = time.perf_counter()
            zone = Conference.objects.filter(slug=SLUG).values_list("timezone", flat=True)
            read(data, fmt, calendar=calendar, zone=self.zone, conference_zone=zone.first() or "")
            reading = time.perf_counter() - started
        counter, profiler = Counter(), cProfile.Profile()
        gc.collect()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            if self.profile:
                report = profiler.runcall(self.run, fmt, data, calendar)
            else:
                report = self.run(fmt, data, calendar)
        elapsed = time.perf_counter() - started
        if self.profile:
            self.stdout.write(f"--- {label}: cProfile, by own time")
            stats = pstats.Stats(profiler, stream=self.stdout._out)
            stats.sort_stats("tottime").print_stats(25)
        line = (
            f"{elapsed:6.2f} s (reading {reading:4.2f} s), {counter.queries:6,} queries"
            f" ({counter.writes:,} writes), max RSS {max_rss():4,.0f} MB"
        )
        return line, len(report.changes)

    def traced(self, fmt: str, label: str, data: bytes, calendar: bytes | None) -> float:
        gc.collect()
        tracemalloc.start()
        try:
            self.run(fmt, data, calendar)
            return tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()


def moved(papers_csv: bytes) -> bytes:
    """The list with every 20th scheduled paper in another paper's session."""
    rows = list(csv.reader(io.StringIO(papers_csv.decode())))
    sessions = [row[5] for row in rows[1:] if row[5]]
    for number, row in enumerate(rows[1:]):
        if row[5] and number % 20 == 0:
            row[5] = sessions[(number * 7) % len(sessions)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()
