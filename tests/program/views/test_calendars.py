"""The calendar files a visitor downloads (program/views/calendars.py); what goes into them is
tested in tests/program/test_calendar.py."""

import socket
from types import SimpleNamespace

import icalendar
import pytest

from program.interchange import calendar
from program.interchange import files as schedule_files

pytestmark = pytest.mark.django_db


def events_in(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_calendar_files_are_served_and_untimed_items_are_404(client, berlin):
    _, before, _, untimed = berlin
    response = client.get(f"/berlin/sessions/{before.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events_in(response)) == 1
    assert client.get(f"/berlin/sessions/{untimed.pk}.ics").status_code == 404
    assert client.get(f"/berlin/talks/{untimed.talks.get().pk}.ics").status_code == 404
    whole = client.get("/berlin/schedule.ics")
    assert len(events_in(whole)) == 3  # two timed sessions and the poster in the first
    assert str(events_in(whole)[0]["url"]).startswith("http://testserver/berlin/sessions/")


def test_the_programs_file_is_the_same_bytes_until_the_program_changes(client, berlin):
    """DTSTAMP is the program's last change, not the time of the request: the ETag holds, a
    client with the current copy gets a 304, and a proxy or CDN may keep it."""
    conference, before, *_ = berlin
    conference.is_published = True
    conference.save()
    first = client.get("/berlin/schedule.ics")
    assert client.get("/berlin/schedule.ics").content == first.content
    again = client.get("/berlin/schedule.ics", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert "Cookie" not in first.get("Vary", "")
    before.title = "Renamed"
    before.save()
    changed = client.get("/berlin/schedule.ics", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert b"Renamed" in changed.content


def test_while_the_worker_renders_after_a_change_apps_get_the_previous_file(
    client, berlin, django_capture_on_commit_callbacks, monkeypatch
):
    """Right after a change many apps ask at once: none renders the file; each gets the one it
    had (its own ETag) until the task worker has stored the new one."""
    conference, before, *_ = berlin
    conference.is_published = True
    conference.save()
    first = client.get("/berlin/schedule.ics")
    renders = []
    real = calendar.program_calendar
    monkeypatch.setattr(
        calendar, "program_calendar", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    queued, worker = [], schedule_files.render_export
    monkeypatch.setattr(
        schedule_files, "render_export", SimpleNamespace(enqueue=lambda *a: queued.append(a))
    )
    with django_capture_on_commit_callbacks(execute=True):
        before.title = "Renamed"
        before.save()
    assert ("ics" in {name for _, name, _ in queued}) and not renders
    waiting = client.get("/berlin/schedule.ics")
    assert waiting.content == first.content and waiting["ETag"] == first["ETag"]
    assert not renders
    for args in queued:  # the worker
        worker.call(*args)
    assert b"Renamed" in client.get("/berlin/schedule.ics").content


def test_with_the_cache_unreachable_the_file_is_rendered_at_once(client, berlin, settings):
    """Redis down (django-redis ignores its errors): nothing stored, the file is rendered."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    unreachable = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed}/0",
    }
    settings.CACHES = {**settings.CACHES, "default": unreachable}
    conference, *_ = berlin
    conference.is_published = True
    conference.save()
    response = client.get("/berlin/schedule.ics")
    assert response.status_code == 200
    assert len(events_in(response)) == 3
