"""The whole program as files that apps poll: schedule.json, schedule.xml and schedule.ics.

Each file is rendered once per program change and base URL (its links are absolute) and stored
in the cache. After a change the task worker renders it again (``render_export``); an app that
asks before it is done gets the previous file, with its own ETag, so that right after a change
no request waits for seconds of rendering and a hundred apps do not render it a hundred times.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.tasks import task

from program.interchange import calendar, frab
from program.models import Conference, Room, Session, Track
from web import caching

#: How long requests get the previous file while the task worker renders the new one: past it
#: (no worker running), a request renders the file itself.
PENDING_FOR = 2 * 60
FORMATS = {
    "json": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


def schedule_document(conference: Conference, base_url: str) -> dict:
    sessions = Session.objects.for_conference(conference).in_program_order().with_program()
    return frab.schedule(
        conference,
        sessions,
        rooms=Room.objects.filter(conference=conference),
        tracks=Track.objects.filter(conference=conference),
        url_for=lambda path: urljoin(base_url, path),
        base_url=base_url,
    )


def render(conference: Conference, name: str, base_url: str) -> bytes:
    """The file's bytes for a site at ``base_url`` ("https://program.example.org/")."""
    if name == "json":
        document = schedule_document(conference, base_url)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    if name == "xml":
        url = urljoin(base_url, f"/{conference.slug}/schedule.xml")
        return frab.to_xml(schedule_document(conference, base_url), url=url)
    sessions = Session.objects.for_conference(conference).in_program_order().for_calendar()
    return calendar.program_calendar(
        conference, sessions, url_for=lambda item: urljoin(base_url, item.get_absolute_url())
    )


def edition(conference: Conference, base_url: str) -> str:
    """What a stored file was rendered from: the code, the program's change, whether it was
    published, and the base URL. Its ETag."""
    parts = [
        settings.BUILD_ID,
        conference.program_changed_at.isoformat(),
        str(conference.is_published),
        base_url,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def storage_key(conference_id: int, name: str, base_url: str) -> str:
    return f"export:{conference_id}:{name}:{hashlib.sha256(base_url.encode()).hexdigest()[:16]}"


def bases_key(conference_id: int) -> str:
    return f"export-bases:{conference_id}"


def stored_file(conference: Conference, name: str, base_url: str) -> tuple[str, float, bytes]:
    """(ETag, Last-Modified, bytes): the current file; the previous one while the task worker
    renders the new one (queued at most ``PENDING_FOR`` ago); else the current one rendered now."""
    key = storage_key(conference.pk, name, base_url)
    current = edition(conference, base_url)
    found = cache.get(key)
    if found is not None and found[0] != current and cache.get(f"{key}:pending:{current}"):
        return found
    if found is None or found[0] != current:
        found = store_file(conference, name, base_url)
    return found


def store_file(conference: Conference, name: str, base_url: str):
    found = (
        edition(conference, base_url),
        conference.program_changed_at.timestamp(),
        render(conference, name, base_url),
    )
    cache.set(storage_key(conference.pk, name, base_url), found, caching.LIFETIME)
    bases = cache.get(bases_key(conference.pk)) or set()
    if base_url not in bases:
        cache.set(bases_key(conference.pk), {*bases, base_url}, caching.LIFETIME)
    return found


@task
def render_export(conference_id: int, name: str, base_url: str) -> bool:
    """Render and store one file of a conference for a base URL; False if it is gone."""
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is None:
        return False
    store_file(conference, name, base_url)
    return True


def render_after_change(sender, conference_ids, **kwargs) -> None:
    """After a program change commits: the files of the base URLs they were asked at, by the
    task worker; until it is done, requests get the previous files (``stored_file``)."""
    for conference in Conference.objects.filter(pk__in=conference_ids):
        for base_url in cache.get(bases_key(conference.pk)) or ():
            current = edition(conference, base_url)
            for name in FORMATS:
                key = storage_key(conference.pk, name, base_url)
                cache.set(f"{key}:pending:{current}", True, PENDING_FOR)
                render_export.enqueue(conference.pk, name, base_url)
