"""Mini-Conf paper lists, as the virtual conference sites of 2020-2021 published them.

Papers come as ``papers.csv`` or ``papers.json`` (flat rows, or the nested records of the
ACL-family sites); sessions come from ``main_calendar.json``, a sessions YAML, or the paper's own
times. Each paper is a contribution, and a poster in each session it names; one whose session is
found nowhere stays a contribution without that slot, noted in the report. The README's "Bring
your conference in" lists the shapes read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from urllib.parse import parse_qs, urlsplit

import yaml

from program.importing import source
from program.importing.readers import clock
from program.importing.readers.fields import (
    MAX_RECORDS,
    ReadError,
    load_json,
    moment,
    web_address,
)
from program.models import LinkKind, SessionKind

# Mini-Conf calendars name a session's kind by a short calendarId or a "type" label.
CALENDAR_KINDS = {
    "qa": SessionKind.QA,
    "talk": SessionKind.INVITED_TALK,
    "pos": SessionKind.POSTER_SESSION,
    "soc": SessionKind.SOCIAL,
    "pan": SessionKind.PANEL,
    "key": SessionKind.KEYNOTE,
    "spo": SessionKind.SPOTLIGHT_SESSION,
    "wor": SessionKind.WORKSHOP,
    "tut": SessionKind.TUTORIAL,
    "qa sessions": SessionKind.QA,
    "workshops": SessionKind.WORKSHOP,
    "tutorials": SessionKind.TUTORIAL,
}
# ICWSM's row time: "(16:45-17:45 GMT)".
ROW_TIME = re.compile(r"\(?\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(GMT|UTC)?\s*\)?", re.I)


def read_miniconf(
    data: bytes, calendar: bytes | None, *, zone: str = "", conference_zone: str = ""
) -> source.Program:
    rows = _rows(data)
    if len(rows) > MAX_RECORDS:
        raise ReadError(f"The file holds {len(rows):,} papers, more than {MAX_RECORDS:,}: refused.")
    entries, schedule = _calendar(calendar)
    program = source.Program(records=len(rows))
    offsets = Counter()
    for entry in entries:
        for key in ("start", "end"):
            with contextlib.suppress(ReadError, AttributeError):
                offsets[moment(entry.get(key), "").utcoffset()] += 1
    program.timezone = clock.zone_for(zone, "", conference_zone, offsets, program.notes)
    reader = _Papers(program, clock.zone_named(program.timezone, "zone"))
    for number, entry in enumerate(entries, start=1):
        reader.calendar_entry(entry, number)
    for name, details in schedule.items():
        reader.yaml_session(name, details)
    for line, row in rows:
        reader.paper(line, row)
    if reader.paths:
        program.skipped.append(
            f"{len(reader.paths):,} papers' pdf_url is a path on the original site"
            f" ({reader.paths[0]!r}), not an address: those links are left out"
        )
    days = [
        moment_.astimezone(reader.zone).date()
        for session in program.sessions
        for moment_ in (session.starts_at, session.ends_at)
        if moment_
    ]
    program.start_date, program.end_date = (min(days), max(days)) if days else (None, None)
    return program


def _rows(data: bytes) -> list[tuple[int, dict]]:
    """The papers as flat rows, with the line (CSV) or the place in the list (JSON)."""
    if data.lstrip().startswith(b"["):
        records = load_json(data)
        if not all(isinstance(record, dict) for record in records):
            raise ReadError("papers.json must be a list of papers (objects).")
        rows = []
        for record in records:
            content = record.get("content")
            if isinstance(content, dict):  # the nested shape: {"id", "content": {...}}
                record = {**content, "UID": record.get("id") or record.get("UID")}
            rows.append(record)
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


def _calendar(data: bytes | None) -> tuple[list, dict]:
    """Calendar entries (JSON), or sessions by name (a YAML ``{name: {date, papers}}``)."""
    if not data:
        return [], {}
    if data.lstrip().startswith(b"["):
        entries = load_json(data)
        return (entries if isinstance(entries, list) else []), {}
    try:
        found = yaml.safe_load(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ReadError(f"The calendar is neither a JSON list nor YAML: {error}") from error
    if not isinstance(found, dict):
        raise ReadError("The calendar must be a JSON list of entries or a YAML of sessions.")
    return [], found


def _bars(value) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split("|")
    return [str(item).strip() for item in items if str(item).strip()]


class _Papers:
    def __init__(self, program: source.Program, zone):
        self.program, self.zone = program, zone
        self.by_name: dict[str, source.Session] = {}
        self.by_key: dict[str, source.Session] = {}
        self.papers_of: defaultdict[str, list[str]] = defaultdict(list)  # the YAML's lists
        self.positions: Counter = Counter()
        self.paths: list[str] = []  # pdf_url values that are paths on the original site

    def add_session(
        self,
        title: str,
        starts,
        *names: str,
        kind: str = SessionKind.POSTER_SESSION,
        ends=None,
        room: str = "",
    ) -> source.Session:
        """The session of this title and start, made once (keyed by both), found by ``names``."""
        key = f"{title}@{starts.isoformat() if starts else ''}"
        if key not in self.by_key:
            self.by_key[key] = source.Session(
                key=key, title=title[:300], kind=kind, starts_at=starts, ends_at=ends, room=room
            )
            self.program.sessions.append(self.by_key[key])
        session = self.by_key[key]
        for name in names:
            self.by_name.setdefault(name, session)
        return session

    def calendar_entry(self, entry, number: int) -> None:
        if not isinstance(entry, dict) or not entry.get("title") or not entry.get("start"):
            self.program.skipped.append(f"calendar entry {number}: no title or start, left out")
            return
        where = f"calendar entry {number}"
        starts = moment(entry["start"], where, self.zone)
        ends = moment(entry["end"], where, self.zone) if entry.get("end") else None
        title = str(entry["title"]).strip()[:300]
        label = str(entry.get("calendarId") or "").lower()
        kind = CALENDAR_KINDS.get(label) or CALENDAR_KINDS.get(str(entry.get("type")).lower())
        if kind is None:
            poster = title.lower().startswith("poster")
            kind = SessionKind.POSTER_SESSION if poster else SessionKind.OTHER
        link = str(entry.get("link") or entry.get("location") or "")
        self.add_session(
            title,
            starts,
            title,
            *parse_qs(urlsplit(link).query).get("session", []),
            kind=kind,
            ends=ends,
        )

    def yaml_session(self, name, details) -> None:
        name = str(name).strip()
        if not isinstance(details, dict) or not details.get("date"):
            self.program.skipped.append(f"session {name!r}: no date, left out")
            return
        starts = moment(details["date"], f"session {name!r}", self.zone)
        self.add_session(name, starts, name)
        for uid in details.get("papers") or []:
            self.papers_of[str(uid).strip()].append(name)

    def paper(self, line: int, row: dict) -> None:
        program = self.program
        uid = str(row.get("UID") or row.get("uid") or row.get("id") or "").strip()
        title = str(row.get("title") or "").strip()
        if not uid or not title:
            program.skipped.append(f"paper at line {line}: no UID or no title, left out")
            program.left_out += 1
            return
        key, where = f"uid:{uid}", f"paper {uid}"
        links = []
        pdf = str(row.get("pdf_url") or "").strip()
        if pdf and "://" not in pdf:  # a path on the Mini-Conf site itself: nowhere to link
            self.paths.append(pdf)
            pdf = ""
        pdf = web_address(pdf, f"{where}: pdf_url", program.skipped)
        if pdf:
            links.append({"kind": str(LinkKind.PAPER), "url": pdf})
        page = row.get("share_url") or row.get("href") or ""
        track = str(row.get("track") or row.get("paper_type") or "").strip()[:200]
        if track and track not in program.tracks:
            program.tracks.append(track)
        program.contributions.append(
            source.Contribution(
                key=key,
                title=title[:500],
                abstract=str(row.get("abstract") or "").replace("\r\n", "\n").strip(),
                people=[source.Person(name=name[:200]) for name in _bars(row.get("authors"))],
                keywords=[word[:100] for word in _bars(row.get("keywords"))][:50],
                track=track,
                links=links,
                external_url=web_address(page, f"{where}: page", program.skipped),
            )
        )
        # A paper's n-th session is its n-th poster, whichever session that is: a paper moved
        # to another session is the same poster, moved (saved agendas keep it and mark it).
        for number, session in enumerate(self.sessions_of(uid, row), start=1):
            self.positions[session.key] += 1
            program.slots.append(
                source.Slot(
                    key=uid if number == 1 else f"{uid}#{number}",
                    kind="poster",
                    contribution=key,
                    session=session.key,
                    position=self.positions[session.key],
                )
            )

    def sessions_of(self, uid: str, row: dict) -> list[source.Session]:
        """The sessions a paper is in: its own (with their times), the ones it names (found in
        the calendar, or made from the row's date and time), the YAML's that list it."""
        found, where = [], f"paper {uid}"
        for given in row.get("sessions") if isinstance(row.get("sessions"), list) else []:
            if isinstance(given, dict) and given.get("session_name"):
                found.append(self.own_session(given, where))
        names = [] if found else _bars(row.get("sessions") or row.get("session"))
        for name in [*names, *self.papers_of.get(uid, [])]:
            session = self.by_name.get(name) or self.row_session(name, row, where)
            if session is None:
                self.program.skipped.append(
                    f"{where}: session {name!r} is in no calendar entry; that slot is left out"
                )
            elif session not in found:
                found.append(session)
        return found

    def own_session(self, given: dict, where: str) -> source.Session:
        """A session as the nested shape gives it inside each paper."""
        name = str(given["session_name"]).strip()[:300]
        starts = (
            moment(given.get("start_time"), where, self.zone) if given.get("start_time") else None
        )
        ends = moment(given.get("end_time"), where, self.zone) if given.get("end_time") else None
        calendar = self.by_name.get(name)
        if calendar is not None and calendar.starts_at == starts:
            return calendar
        return self.add_session(name, starts, ends=ends)

    def row_session(self, name: str, row: dict, where: str) -> source.Session | None:
        """A session made from the paper's own date, time and room (ICWSM's rows)."""
        match = ROW_TIME.fullmatch(str(row.get("time") or "").strip())
        try:
            date = datetime.date.fromisoformat(str(row.get("date") or "").strip())
        except ValueError:
            return None
        if match is None:
            return None
        zone = datetime.UTC if match.group(5) else self.zone
        hours = [int(part) for part in match.groups()[:4]]
        starts = datetime.datetime.combine(date, datetime.time(*hours[:2]), tzinfo=zone)
        ends = datetime.datetime.combine(date, datetime.time(*hours[2:]), tzinfo=zone)
        ends += datetime.timedelta(days=1) if ends <= starts else datetime.timedelta()
        room = str(row.get("room") or "").strip()[:200]
        if room and room not in self.program.rooms:
            self.program.rooms.append(room)
        return self.add_session(name, starts, name, ends=ends, room=room)
