"""The installable, offline-capable site: the manifest, the service worker and its offline page
(web/offline.py). The worker at work in a browser: tests/browser/test_offline_in_browser.py
"""

import datetime
import json

import pytest
import time_machine
from django.contrib.staticfiles import finders

from program.views import offline
from tests.factories import PACIFIC, ConferenceFactory


@pytest.mark.django_db
def test_the_manifest_installs_the_current_conference_under_its_name(client, seed):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "MLSys 2025 program"
    assert manifest["short_name"] == "MLSys 2025"
    assert manifest["start_url"] == "/mlsys2025/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#16233f"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"any", "192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


@pytest.mark.django_db
def test_without_a_published_conference_the_manifest_names_the_site(client):
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Conference program" and manifest["start_url"] == "/"


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_the_offline_script(client, seed):
    page = client.get("/mlsys2025/2025-05-15/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'data-service-worker="/sw.js"' in page


@pytest.mark.django_db
def test_the_service_worker_is_javascript_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    # The static files and the offline page it keeps when installed, by their served names.
    assert '"/static/css/site.css"' in script and '"offlinePage": "/offline/"' in script
    # A browser checking for a new worker gets a 304 until the next build.
    again = client.get("/sw.js", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.django_db
def test_the_offline_page_names_nobody_and_links_the_program(attendee_client, seed):
    page = attendee_client.get("/offline/").content.decode()
    assert "You are offline" in page
    assert 'href="/mlsys2025/"' in page
    assert "ada" not in page and "Log out" not in page


@pytest.mark.django_db
def test_my_agenda_may_be_kept_offline_but_stays_private(attendee_client):
    response = attendee_client.get("/agenda/")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control
    assert "no-store" not in cache_control


@pytest.mark.django_db
def test_offline_is_a_reserved_address(seed):
    from django.core.exceptions import ValidationError

    seed.slug = "offline"
    with pytest.raises(ValidationError, match="reserved address"):
        seed.full_clean()


@pytest.fixture
def hashed_static_names(settings, tmp_path):
    """Static files under hashed names, as collectstatic leaves them in production (a manifest
    of the few files these tests ask for)."""
    names = [*offline.STATIC_FILES, *(icon for icon, _, _ in offline.ICONS)]
    paths = {name: name.replace(".", ".0123456789ab.", 1) for name in names}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    return paths


@pytest.mark.django_db
def test_in_production_the_worker_and_the_manifest_name_the_hashed_files(
    client, seed, hashed_static_names
):
    script = client.get("/sw.js").content.decode()
    assert '"/static/css/site.0123456789ab.css"' in script
    assert '"staticPrefix": "/static/"' in script
    icons = client.get("/manifest.webmanifest").json()["icons"]
    assert icons[1]["src"] == "/static/img/icon-192.0123456789ab.png"


@pytest.mark.django_db
def test_the_manifest_follows_the_current_conference_through_its_kept_copies(client, seed):
    """The manifest names the current conference, which changes with the date, not with an
    edit: its kept copies (in the cache in front, and in proxies) last until the next
    conference begins, not beyond."""
    ConferenceFactory(
        slug="next",
        name="Next 2025",
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2025, 9, 3),
    )
    during_mlsys = datetime.datetime(2025, 5, 15, 10, 0, tzinfo=PACIFIC)
    with time_machine.travel(during_mlsys, tick=False):
        first = client.get("/manifest.webmanifest")
    assert first.json()["start_url"] == "/mlsys2025/"
    # MLSys ends on 15 May: from the 16th the next conference is the current one.
    assert first["Expires"] == "Fri, 16 May 2025 07:00:00 GMT"
    assert "max-age=3600" in first["Cache-Control"]
    an_hour_before = datetime.datetime(2025, 5, 15, 23, 30, tzinfo=PACIFIC)
    with time_machine.travel(an_hour_before, tick=False):
        assert "max-age=1800" in client.get("/manifest.webmanifest")["Cache-Control"]
    with time_machine.travel(datetime.datetime(2025, 5, 16, 0, 1, tzinfo=PACIFIC), tick=False):
        after = client.get("/manifest.webmanifest")
    assert after.json()["start_url"] == "/next/"
    assert after["Expires"] == "Mon, 01 Sep 2025 07:00:00 GMT"
