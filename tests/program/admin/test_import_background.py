"""Large uploads on the import page: the request only stores the file and queues the task
worker; the page shows how far the worker is and refreshes itself, then the preview as for a
small file, then the import, again in the worker; a file that does not fit says why and
nothing is written (program/importing/background.py)."""

import datetime
import json
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from program.importing import background
from program.models import Conference, PendingImport, Talk
from tests.factories import UserFactory

DEMOCON = Path(__file__).resolve().parents[2] / "data" / "c3voc" / "pretalx-democon.json"
URL = "/admin/program/conference/import/"


@pytest.fixture
def large(settings, tmp_path, monkeypatch):
    """Every upload counts as large; the state in a folder of the test's own (no Redis)."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(background, "LARGE_BYTES", 1000)


def upload(client, content: bytes, slug="democon"):
    file = SimpleUploadedFile("schedule.json", content)
    return client.post(URL, {"conference": slug, "file": file})


@pytest.fixture
def superuser_client(client):
    """A superuser: transactional tests lose the Organizers group their migration made."""
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_large_upload_is_previewed_then_imported_by_the_worker(
    transactional_db, large, superuser_client
):
    queued = upload(superuser_client, DEMOCON.read_bytes())
    assert queued.status_code == 302
    status_url = queued["Location"]
    token = PendingImport.objects.get().token
    assert status_url == f"{URL}{token}/"
    waiting = superuser_client.get(status_url).content.decode()
    assert "Waiting for the task worker" in waiting
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting
    assert "js/import_progress.js" in waiting

    run_worker()
    # The page's script asks with ?poll: done, it answers 204 (and says nothing yet).
    assert superuser_client.get(status_url + "?poll=1").status_code == 204
    preview = superuser_client.get(status_url).content.decode()
    assert "a new conference (a draft until you publish it)" in preview
    assert preview.count("<td>add</td><td>talk</td>") == 36
    assert not Conference.objects.filter(slug="democon").exists()  # nothing written yet

    importing = superuser_client.post(URL, {"token": token})
    assert importing["Location"] == status_url
    assert "Waiting for the task worker" in superuser_client.get(status_url).content.decode()
    assert not Conference.objects.filter(slug="democon").exists()
    run_worker()
    done = superuser_client.get(status_url, follow=True)
    assert done.redirect_chain[0][0] == "/admin/program/conference/"
    assert "Imported schedule.json into democon" in done.content.decode()
    assert Talk.objects.filter(session__conference__slug="democon").count() == 36
    assert not PendingImport.objects.exists()
    assert superuser_client.get(status_url).status_code == 404  # said once


def test_the_page_shows_how_far_the_worker_is(db, large, organizer_client, monkeypatch):
    upload(organizer_client, DEMOCON.read_bytes())
    pending = PendingImport.objects.get()
    background.save_state(
        pending.token,
        user=pending.user_id,
        stage="reading",
        what="Posters and talks",
        done=1200,
        total=50000,
    )
    page = organizer_client.get(f"{URL}{pending.token}/").content.decode()
    assert "Reading… Posters and talks: 1,200 of 50,000" in page
    assert '<progress id="import-bar" max="50000" value="1200"' in page

    # The task writes such counts as it goes.
    written = []
    save_state = background.save_state

    def noted(token, **state):
        written.append(state)
        save_state(token, **state)

    monkeypatch.setattr(background, "save_state", noted)
    monkeypatch.setattr(background, "EVERY", 0)
    assert background.preview_import.call(str(pending.token)) == "previewed"
    counted = [(s["what"], s["done"], s["total"]) for s in written if s.get("total")]
    assert ("Contributions", 36, 36) in counted and ("Posters and talks", 18, 36) in counted
    assert written[-1]["stage"] == "previewed"


def test_a_large_file_that_does_not_fit_says_why_and_writes_nothing(
    transactional_db, large, superuser_client
):
    broken = DEMOCON.read_text().replace(
        '"language": "en"', '"language": "en", "end": "2000-01-01T00:00:00+00:00"', 1
    )
    status_url = upload(superuser_client, broken.encode())["Location"]
    run_worker()
    answer = superuser_client.get(status_url, follow=True)
    assert answer.redirect_chain[0][0] == URL
    page = answer.content.decode()
    assert "does not fit; nothing was imported. talk &#x27;8079583e" in page  # capitalised
    assert not Conference.objects.exists() and not PendingImport.objects.exists()


def test_states_older_than_a_day_are_forgotten_at_the_next_upload(db, large, organizer_client):
    import os

    old = background._path(uuid.uuid4())
    old.parent.mkdir(parents=True)
    old.write_text("{}")
    day_and_more = time.time() - 25 * 3600
    os.utime(old, (day_and_more, day_and_more))
    upload(organizer_client, DEMOCON.read_bytes())
    assert not old.exists()
    assert background.state(PendingImport.objects.get().token)["stage"] == "queued"


def test_another_organizers_import_is_not_found(db, large, organizer_client, client):
    status_url = upload(organizer_client, DEMOCON.read_bytes())["Location"]
    other = UserFactory(username="other", is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(status_url).status_code == 404
    assert client.get(f"{URL}{uuid.uuid4()}/").status_code == 404


def frab_events(count: int, rooms: int = 50, days: int = 10) -> bytes:
    """A frab/c3voc schedule.json of ``count`` ten-minute events."""
    start = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    per_room_day = -(-count // (rooms * days))
    schedule_days = []
    number = 0
    for day in range(days):
        date = (start + datetime.timedelta(days=day)).date()
        by_room = {}
        for room in range(rooms):
            events = []
            for slot in range(min(per_room_day, count - number)):
                begins = start + datetime.timedelta(days=day, minutes=10 * slot)
                number += 1
                events.append(
                    {
                        "id": number,
                        "guid": str(uuid.UUID(int=number)),
                        "date": begins.isoformat(),
                        "start": begins.strftime("%H:%M"),
                        "duration": "00:10",
                        "room": f"Room {room}",
                        "title": f"Event {number}",
                        "type": "Talk",
                        "language": "en",
                        "abstract": "Words about it.",
                        "persons": [{"id": number % 5000 + 1, "public_name": f"Person {number}"}],
                    }
                )
            by_room[f"Room {room}"] = events
        schedule_days.append({"index": day + 1, "date": date.isoformat(), "rooms": by_room})
    conference = {
        "acronym": "big",
        "title": "Big",
        "start": "2030-01-01",
        "end": "2030-01-10",
        "daysCount": days,
        "time_zone_name": "UTC",
        "days": schedule_days,
    }
    schedule = {"version": "1", "conference": conference}
    return json.dumps({"schedule": schedule}).encode()


@pytest.fixture(scope="module")
def fifty_thousand_events():
    return frab_events(50_000)


def test_a_file_of_50000_events_is_answered_at_once(
    db, settings, tmp_path, organizer_client, fifty_thousand_events
):
    settings.DATA_DIR = tmp_path
    assert len(fifty_thousand_events) > background.LARGE_BYTES
    began = time.monotonic()
    queued = upload(organizer_client, fifty_thousand_events, slug="big")
    assert time.monotonic() - began < 5
    assert queued.status_code == 302
    assert (
        "Waiting for the task worker" in organizer_client.get(queued["Location"]).content.decode()
    )


@pytest.mark.slow
def test_the_worker_previews_and_imports_50000_events(
    transactional_db, settings, tmp_path, superuser_client, fifty_thousand_events
):
    settings.DATA_DIR = tmp_path
    status_url = upload(superuser_client, fifty_thousand_events, slug="big")["Location"]
    run_worker()
    # The page's script asks with ?poll: done, it answers 204 (and says nothing yet).
    assert superuser_client.get(status_url + "?poll=1").status_code == 204
    preview = superuser_client.get(status_url).content.decode()
    assert "50,000 talks added" in preview
    superuser_client.post(URL, {"token": PendingImport.objects.get().token})
    run_worker()
    superuser_client.get(status_url)
    assert Talk.objects.filter(session__conference__slug="big").count() == 50_000
