"""The calendar files a visitor downloads (program/views/calendars.py); what goes into them is
tested in tests/program/test_calendar.py."""

import socket
import threading

import icalendar
import pytest
from django.core.cache import cache

from program import calendar
from program.views import interchange

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


def test_a_request_waits_for_the_one_building_the_file_instead_of_building_it_too(
    client, berlin, monkeypatch
):
    """Right after a change many apps ask at once: one builds (holding a lock in the cache),
    the others wait for its bytes instead of building the same file each."""
    conference, *_ = berlin
    conference.is_published = True
    conference.save()
    builds = []
    real = calendar.program_calendar
    monkeypatch.setattr(
        calendar, "program_calendar", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    request = client.get("/berlin/schedule.ics").wsgi_request
    assert len(builds) == 1
    conference.touch()  # a change: the next request needs the file anew
    request.conference = conference
    key = f"export:{conference.pk}:ics:{interchange.schedule_etag(request)}"
    cache.set(f"{key}:building", True)  # as if another request were building it
    other = threading.Timer(0.3, cache.set, (key, b"BEGIN:VCALENDAR\r\nfrom the other\r\n"))
    other.start()
    waited = client.get("/berlin/schedule.ics")
    other.join()
    assert b"from the other" in waited.content
    assert len(builds) == 1  # this request waited and did not build


def test_with_the_cache_unreachable_the_file_is_built_at_once_without_waiting(
    client, berlin, settings, monkeypatch
):
    """Redis down: no request can hold the lock (adding it fails), so none waits for another
    (it used to wait BUILD_WAIT, 30 s, for each file, which is gunicorn's worker timeout)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    unreachable = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed}/0",
    }
    settings.CACHES = {**settings.CACHES, "default": unreachable}

    def no_waiting(seconds):
        raise AssertionError(f"waited {seconds} s for a lock no one can hold")

    monkeypatch.setattr(interchange.time, "sleep", no_waiting)
    conference, *_ = berlin
    conference.is_published = True
    conference.save()
    response = client.get("/berlin/schedule.ics")
    assert response.status_code == 200
    assert len(events_in(response)) == 3
