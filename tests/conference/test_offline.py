"""The installable site: the web app manifest (conference/offline.py)."""

import json

import pytest
from django.contrib.staticfiles import finders


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
def test_every_page_links_the_manifest(client, seed):
    page = client.get("/mlsys2025/2025-05-15/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


@pytest.fixture
def hashed_static_names(settings, tmp_path):
    """Static files under hashed names, as collectstatic leaves them in production (a manifest
    of the few files these tests ask for)."""
    names = ["css/site.css", "js/agenda.js", "js/offline.js", "js/now.js", "js/timezone.js"]
    names += ["img/icon.svg", "img/icon-192.png", "img/icon-512.png"]
    paths = {name: name.replace(".", ".0123456789ab.", 1) for name in names}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    return paths


@pytest.mark.django_db
def test_in_production_the_manifest_names_the_hashed_icons(client, seed, hashed_static_names):
    icons = client.get("/manifest.webmanifest").json()["icons"]
    assert icons[1]["src"] == "/static/img/icon-192.0123456789ab.png"
