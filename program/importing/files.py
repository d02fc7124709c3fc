"""One entry for the command and the admin page: a file's bytes, imported or previewed."""

from __future__ import annotations

from program.importing import fixture
from program.importing.applying import Report, import_program
from program.importing.readers import read


def import_file(
    data: bytes,
    fmt: str,
    *,
    slug: str,
    calendar: bytes | None = None,
    dry_run: bool = False,
) -> Report:
    """Raises ``ReadError`` for a file that cannot be read, ``ImportProblem`` for records that
    do not fit; either way nothing is written."""
    if fmt == "fixture":
        return fixture.import_fixture(data, fixture.parse(data), slug=slug, dry_run=dry_run)
    return import_program(read(data, fmt, calendar=calendar), slug=slug, dry_run=dry_run)
