"""Build fixtures/mlsys2025.json from the captured page and the facts file, or check it."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.devdata.seed_fixture import build_fixture, render_fixture

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "source"


class Command(BaseCommand):
    help = "Build the MLSys 2025 fixture from fixtures/source/ (or --check the committed one)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=Path, default=SOURCES / "mlsys2025-thursday-seed.txt")
        parser.add_argument("--facts", type=Path, default=SOURCES / "mlsys2025-thursday-facts.json")
        parser.add_argument("--output", type=Path, default=settings.PROGRAM_FIXTURE)
        parser.add_argument(
            "--check", action="store_true", help="Fail if the output file differs from the sources."
        )

    def handle(self, *args, seed, facts, output, check, **options):
        try:
            text = render_fixture(
                build_fixture(seed.read_text(encoding="utf-8"), json.loads(facts.read_text()))
            )
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot build the fixture: {error}") from error
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise CommandError(
                    f"{output} is not what the sources give; run"
                    " DJANGO_SETTINGS_MODULE=devtools.settings manage.py build_program_fixture."
                )
            self.stdout.write(f"{output.name} matches its sources.")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
