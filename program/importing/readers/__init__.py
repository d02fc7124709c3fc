"""Readers: a file's bytes to a ``source.Program``, the format detected from the content.

``frab`` reads frab/c3voc schedule.json and schedule.xml, ``miniconf`` Mini-Conf paper lists
with their calendars; ``fields`` holds what they read alike. Nothing named in a file (a URL, a
path) is ever fetched.
"""

from __future__ import annotations

import re

from program.importing import source
from program.importing.readers.fields import ReadError, load_json
from program.importing.readers.frab import read_frab
from program.importing.readers.frab_xml import frab_xml_as_json
from program.importing.readers.miniconf import read_miniconf

__all__ = ["FORMATS", "MAX_BYTES", "ReadError", "detect", "read"]

#: "fixture" is our own ``export_conference`` file (importing/fixture.py).
FORMATS = ("frab-json", "frab-xml", "miniconf", "fixture")
# A program file larger than this is refused before it is read (the largest real ones are a few
# megabytes).
MAX_BYTES = 50 * 1024 * 1024


def detect(data: bytes) -> str:
    text = data.lstrip()[:200]
    if text.startswith(b"<"):
        return "frab-xml"
    if text.startswith(b"{"):
        return "frab-json"
    if text.startswith(b"["):
        # A list of Django records is our own export; any other list, a papers.json.
        head = re.match(rb'\[\s*\{\s*"(\w+)"', text)
        return "fixture" if head and head.group(1) == b"model" else "miniconf"
    first_line = text.decode("utf-8", "replace").splitlines()[0] if text else ""
    if "UID" in first_line and "title" in first_line:
        return "miniconf"
    raise ReadError(
        "This is neither a frab/c3voc schedule (JSON or XML) nor a Mini-Conf paper list;"
        " name the format with --format."
    )


def read(
    data: bytes,
    fmt: str,
    *,
    calendar: bytes | None = None,
    zone: str = "",
    conference_zone: str = "",
) -> source.Program:
    """``zone`` is the one the organizer gave for the file's times, ``conference_zone`` the one
    of the conference it goes into (``clock.zone_for`` says which wins)."""
    if fmt == "frab-json":
        return read_frab(load_json(data), zone=zone, conference_zone=conference_zone)
    if fmt == "frab-xml":
        return read_frab(frab_xml_as_json(data), zone=zone, conference_zone=conference_zone)
    if fmt == "miniconf":
        return read_miniconf(data, calendar, zone=zone, conference_zone=conference_zone)
    if fmt == "fixture":
        raise ReadError("Our own export is imported by importing.files.import_file.")
    raise ReadError(f"Unknown format {fmt!r}; give one of {', '.join(FORMATS)}.")
