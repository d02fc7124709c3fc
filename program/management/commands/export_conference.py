"""Write one conference as a fixture that ``load_program`` reads
(program/interchange/exporting.py)."""

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from program.interchange.exporting import conference_records, render_records
from program.models import Conference


class Command(BaseCommand):
    help = (
        "Write one conference (drafts too) with its rooms, sessions, posters, talks and the people"
        " on them as a JSON fixture with natural keys, for load_program in another database."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the conference's slug, e.g. mlsys2025")
        parser.add_argument(
            "--output", "-o", help="the file to write (replaced if it exists); default: stdout"
        )

    def handle(self, *args, slug, output, **options):
        try:
            conference = Conference.objects.get(slug=slug)
        except Conference.DoesNotExist as error:
            known = ", ".join(sorted(Conference.objects.values_list("slug", flat=True)))
            raise CommandError(
                f'No conference with the slug "{slug}"; '
                + (f"the database has {known}." if known else "the database has none.")
            ) from error
        # The whole file is made before anything is written: a failure leaves no partial file.
        records = conference_records(conference)
        text = render_records(records)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_bytes(text.encode())
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        counts = Counter(record["model"] for record in records)
        self.stdout.write(
            f"Wrote {conference.slug} to {output}: "
            + ", ".join(
                f"{count:,} {plural(apps.get_model(label), count)}"
                for label, count in counts.items()
            )
        )


def plural(model, count: int) -> str:
    return model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
