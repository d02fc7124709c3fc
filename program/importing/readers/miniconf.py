"""Mini-Conf paper lists (``papers.csv`` or ``papers.json``: UID, title, ``|``-separated authors,
keywords and session names) with their calendar (``main_calendar.json``): each paper is a
contribution, a poster in each calendar session it names, or unscheduled."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

from program.importing import source
from program.importing.readers.fields import ReadError, load_json, moment
from program.models import SessionKind


def read_miniconf(data: bytes, calendar: bytes | None) -> source.Program:
    rows = _miniconf_rows(data)
    program = source.Program(timezone="UTC")
    by_name: dict[str, source.Session] = {}
    for number, entry in enumerate(load_json(calendar) if calendar else [], start=1):
        session = _calendar_session(entry, number, program)
        if session is None:
            continue
        program.sessions.append(session)
        by_name.setdefault(session.title, session)
        link = str(entry.get("link") or entry.get("location") or "")
        for name in parse_qs(urlsplit(link).query).get("session", []):
            by_name.setdefault(name, session)
    days = [
        moment.date()
        for session in program.sessions
        for moment in (session.starts_at, session.ends_at)
        if moment
    ]
    program.start_date, program.end_date = (min(days), max(days)) if days else (None, None)
    positions: dict[str, int] = {}
    for line, row in rows:
        uid = str(row.get("UID") or "").strip()
        title = str(row.get("title") or "").strip()
        if not uid or not title:
            program.skipped.append(f"paper at line {line}: no UID or no title, left out")
            continue
        key = f"uid:{uid}"
        program.contributions.append(
            source.Contribution(
                key=key,
                title=title[:500],
                abstract=str(row.get("abstract") or "").strip(),
                people=[source.Person(name=name[:200]) for name in _bars(row.get("authors"))],
                keywords=[word[:100] for word in _bars(row.get("keywords"))][:50],
            )
        )
        # A paper's n-th session is its n-th poster, whichever session that is: a paper moved
        # to another session is the same poster, moved (saved agendas keep it and mark it).
        for number, name in enumerate(_bars(row.get("sessions")), start=1):
            session = by_name.get(name)
            if session is None:
                program.skipped.append(
                    f"paper {uid}: session {name!r} is in no calendar entry; that slot is left out"
                )
                continue
            positions[session.key] = positions.get(session.key, 0) + 1
            program.slots.append(
                source.Slot(
                    key=uid if number == 1 else f"{uid}#{number}",
                    kind="poster",
                    contribution=key,
                    session=session.key,
                    position=positions[session.key],
                )
            )
    return program


def _bars(value) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split("|")
    return [str(item).strip() for item in items if str(item).strip()]


def _miniconf_rows(data: bytes) -> list[tuple[int, dict]]:
    if data.lstrip().startswith(b"["):
        rows = load_json(data)
        if not all(isinstance(row, dict) for row in rows):
            raise ReadError("papers.json must be a list of papers (objects).")
        return list(enumerate(rows, start=1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"papers.csv is not UTF-8: {error}") from error
    reader = csv.DictReader(io.StringIO(text))
    missing = {"UID", "title", "authors"} - set(reader.fieldnames or [])
    if missing:
        raise ReadError(f"papers.csv has no column {', '.join(sorted(missing))}.")
    return [(reader.line_num, row) for row in reader]


def _calendar_session(entry, number: int, program: source.Program) -> source.Session | None:
    if not isinstance(entry, dict) or not entry.get("title") or not entry.get("start"):
        program.skipped.append(f"calendar entry {number}: no title or start, left out")
        return None
    where = f"calendar entry {number}"
    starts = moment(entry["start"], where)
    ends = moment(entry["end"], where) if entry.get("end") else None
    title = str(entry["title"]).strip()[:300]
    kind = {"qa": SessionKind.QA, "talk": SessionKind.INVITED_TALK}.get(
        str(entry.get("calendarId")),
        SessionKind.POSTER_SESSION if title.lower().startswith("poster") else SessionKind.OTHER,
    )
    return source.Session(
        key=f"{title}@{starts.isoformat()}", title=title, kind=kind, starts_at=starts, ends_at=ends
    )
