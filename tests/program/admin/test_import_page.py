"""The organizers' import page: upload, preview (nothing written), confirm."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from program.models import Conference, PendingImport, Poster, Talk

pytestmark = pytest.mark.django_db

DEMOCON = Path(__file__).resolve().parents[2] / "data" / "c3voc" / "pretalx-democon.json"
URL = "/admin/program/conference/import/"


def upload(client, content: bytes, **fields):
    data = {"conference": "democon", "file": SimpleUploadedFile("schedule.json", content)}
    return client.post(URL, {**data, **fields})


def test_an_organizer_previews_then_imports(organizer_client):
    assert "Import a program" in organizer_client.get("/admin/program/conference/").content.decode()
    preview = upload(organizer_client, DEMOCON.read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "a new conference (a draft until you publish it)" in page
    assert page.count("<td>add</td><td>talk</td>") == 36
    assert not Conference.objects.filter(slug="democon").exists()  # nothing written yet
    token = PendingImport.objects.get().token
    done = organizer_client.post(URL, {"token": token})
    assert done.status_code == 302
    assert Talk.objects.filter(session__conference__slug="democon").count() == 36
    assert not PendingImport.objects.exists()
    # The same file again: nothing would change.
    again = upload(organizer_client, DEMOCON.read_bytes()).content.decode()
    assert "Nothing would change." in again


def test_a_file_that_does_not_fit_says_why_and_writes_nothing(organizer_client):
    response = upload(organizer_client, b"hello")
    assert response.status_code == 200
    assert "neither a frab/c3voc schedule" in response.content.decode()
    broken = DEMOCON.read_text().replace(
        '"language": "en"', '"language": "en", "end": "2000-01-01T00:00:00+00:00"', 1
    )
    response = upload(organizer_client, broken.encode())
    assert "nothing was imported" in response.content.decode()
    assert not Conference.objects.exists() and not PendingImport.objects.exists()
    assert upload(organizer_client, b"x", conference="admin").status_code == 200  # reserved slug
    assert not PendingImport.objects.exists()


def test_only_organizers_import_and_only_their_own_upload(client, organizer_client, attendee):
    upload(organizer_client, DEMOCON.read_bytes())
    token = PendingImport.objects.get().token
    client.force_login(attendee)
    assert client.get(URL).status_code == 302  # to the admin's log-in
    assert client.post(URL, {"token": token}).status_code == 302
    assert not Conference.objects.filter(slug="democon").exists()


def test_our_own_export_previews_and_imports_in_the_admin_too(organizer_client, seed):
    out = io.StringIO()
    call_command("export_conference", "mlsys2025", stdout=out)
    exported = out.getvalue().replace("Mission City Ballroom", "Hall A")
    preview = upload(organizer_client, exported.encode(), conference="mlsys2025")
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "<td>add</td><td>room</td>" in page  # Hall A, new
    assert Poster.objects.filter(session__room__name="Hall A").count() == 0  # nothing written
    organizer_client.post(URL, {"token": PendingImport.objects.get().token})
    assert Poster.objects.filter(session__conference=seed, session__room__name="Hall A").exists()


def test_removing_most_of_a_program_needs_the_previews_yes(organizer_client, tmp_path):
    call_command("import_program", str(DEMOCON), "--conference", "democon", stdout=io.StringIO())
    talks = Talk.objects.filter(session__conference__slug="democon")
    nested = b'[{"id": "p1", "content": {"title": "A paper", "authors": ["Ann"]}}]'
    preview = upload(organizer_client, nested).content.decode()
    assert "This import would remove 78 of the 78" in preview
    assert 'name="allow_removals"' in preview and "In all: 1 contribution added" in preview
    token = PendingImport.objects.get().token
    refused = organizer_client.post(URL, {"token": token}).content.decode()
    assert "Nothing was imported. This import would remove" in refused
    assert talks.count() == 36
    rezoned = organizer_client.post(URL, {"token": token, "timezone": "Europe/Rome"})
    assert 'value="Europe/Rome"' in rezoned.content.decode()
    assert PendingImport.objects.get().timezone == "Europe/Rome"
    done = organizer_client.post(URL, {"token": token, "allow_removals": "1"})
    assert done.status_code == 302 and talks.count() == 0
