"""One entry for the command and the admin page: a file's bytes, imported or previewed."""

from __future__ import annotations

from program.importing import fixture
from program.importing.applying import Report, import_program, no_progress
from program.importing.readers import read
from program.models import Conference


def import_file(
    data: bytes,
    fmt: str,
    *,
    slug: str,
    calendar: bytes | None = None,
    dry_run: bool = False,
    allow_removals: bool = False,
    zone: str = "",
    progress=no_progress,
) -> Report:
    """Raises ``ReadError`` for a file that cannot be read, ``ImportProblem`` for records that
    do not fit (``RemovalsNotConfirmed`` for removals not allowed); either way nothing is
    written. ``zone`` is the time zone the organizer gave for the file's times; ``progress``
    as ``import_program``'s."""
    if fmt == "fixture":
        records = fixture.parse(data)
        return fixture.import_fixture(
            data, records, slug=slug, dry_run=dry_run, allow_removals=allow_removals
        )
    existing = Conference.objects.filter(slug=slug).values_list("timezone", flat=True).first()
    program = read(data, fmt, calendar=calendar, zone=zone, conference_zone=existing or "")
    return import_program(
        program, slug=slug, dry_run=dry_run, allow_removals=allow_removals, progress=progress
    )
