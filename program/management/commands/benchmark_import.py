"""Time an import at scale: a generated Mini-Conf paper list (2,000 papers and 9,000 author
slots by default) imported into a new conference, imported again unchanged, and again with some
papers moved; prints the time, the SQL queries and the memory each takes.

A benchmark, not a test: ``manage.py benchmark_import [--papers N] [--author-slots N]``. The
conference it makes is deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import csv
import io
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from program.devdata.paper_list import paper_list
from program.importing.applying import import_program
from program.importing.readers import read
from program.models import Authorship, Conference, Contribution, Poster

SLUG = "import-benchmark"


class Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = "Time importing a generated paper list (see the module's docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=2000)
        parser.add_argument("--author-slots", type=int, default=9000)
        parser.add_argument("--keep", action="store_true", help=f"Keep the conference {SLUG!r}.")

    def handle(self, *args, papers, author_slots, keep, **options):
        if not 1 <= papers <= 100_000 or not papers <= author_slots <= 15 * papers:
            raise CommandError("Give 1 to 100,000 papers and 1 to 15 author slots a paper.")
        if Conference.objects.filter(slug=SLUG).exists():
            raise CommandError(f"The conference {SLUG!r} exists: delete it first.")
        papers_csv, calendar = paper_list(papers=papers, author_slots=author_slots)
        self.stdout.write(
            f"Paper list: {papers:,} papers, {author_slots:,} author slots,"
            f" {len(papers_csv) / 1e6:.1f} MB; database: {connection.vendor}."
        )
        try:
            self.run("first import", papers_csv, calendar)
            self.run("same file again", papers_csv, calendar)
            self.run("5% of papers moved", moved(papers_csv), calendar)
            conference = Conference.objects.get(slug=SLUG)
            held = (
                Contribution.objects.filter(conference=conference).count(),
                Poster.objects.filter(session__conference=conference).count(),
                Authorship.objects.filter(contribution__conference=conference).count(),
            )
            self.stdout.write(
                "Holds {:,} contributions, {:,} posters, {:,} authorships.".format(*held)
            )
        finally:
            if not keep:
                Conference.objects.filter(slug=SLUG).delete()

    def run(self, label: str, papers_csv: bytes, calendar: bytes) -> None:
        counter = Counter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            program = read(papers_csv, "miniconf", calendar=calendar)
            report = import_program(program, slug=SLUG, progress=self.progress)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        self.stdout.write(
            f"{label:>20}: {elapsed:6.2f} s, {counter.queries:6,} queries,"
            f" {len(report.changes):6,} changes, peak memory {peak:,.0f} MB"
        )

    def progress(self, items, *, total: int, description: str):
        from program.management.progress import bar

        return bar(items, total=total, description=description, stderr=self.stderr)


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
