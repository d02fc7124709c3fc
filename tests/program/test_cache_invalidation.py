"""What is rendered once and kept (the exports, anonymous API reads, anonymous pages and the day
page's session blocks) is made again after every kind of edit: in the admin, through the API, by
an import. Each edit shows on the very next request of every file, list and page that holds the
item."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from program.models import Poster
from tests.program.admin.admin_forms import form_data, save

pytestmark = pytest.mark.django_db

API = "/api/v1"


def shown_everywhere(client: Client, poster: Poster, title: str) -> dict[str, bool]:
    pages = {
        "schedule.json": "/mlsys2025/schedule.json",
        "schedule.xml": "/mlsys2025/schedule.xml",
        "schedule.ics": "/mlsys2025/schedule.ics",
        "API list": f"{API}/posters/?conference=mlsys2025&page_size=50",
        "API detail": f"{API}/posters/{poster.pk}/",
        "day page": f"/mlsys2025/{poster.session.day}/",
        "session page": poster.session.get_absolute_url(),
        "poster page": poster.get_absolute_url(),
    }
    found = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        # Calendar lines fold at 75 octets: unfold before looking.
        text = response.content.decode().replace("\r\n ", "")
        found[name] = any(
            shown in text for shown in (title, json.dumps(title)[1:-1], escape(title))
        )
    return found


EVERYWHERE = dict.fromkeys(
    [
        "schedule.json",
        "schedule.xml",
        "schedule.ics",
        "API list",
        "API detail",
        "day page",
        "session page",
        "poster page",
    ],
    True,
)


@pytest.fixture
def warm(client, seed):
    """Every file and list rendered and kept once, with the poster's title as it was."""
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    assert all(shown_everywhere(client, poster, poster.title).values())
    return poster


def test_an_admin_edit_shows_at_once(client, warm, organizer):
    staff = Client()
    staff.force_login(organizer)
    data = form_data(staff.get(f"/admin/program/contribution/{warm.contribution.pk}/change/"))
    save(staff, warm.contribution, {**data, "title": "Edited in the admin"})
    assert shown_everywhere(client, warm, "Edited in the admin") == EVERYWHERE


def test_an_api_edit_shows_at_once(client, warm, organizer):
    staff = Client()
    staff.force_login(organizer)
    response = staff.patch(
        f"{API}/contributions/{warm.contribution.pk}/",
        {"title": "Edited through the API"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert shown_everywhere(client, warm, "Edited through the API") == EVERYWHERE


def test_an_import_shows_at_once(client, warm, tmp_path):
    out = io.StringIO()
    call_command("export_conference", "mlsys2025", stdout=out)
    records = json.loads(out.getvalue())
    paper = next(
        r
        for r in records
        if r["model"] == "program.contribution" and r["fields"]["uid"] == str(warm.contribution.uid)
    )
    paper["fields"]["title"] = "Edited by an import"
    source = tmp_path / "mlsys2025.json"
    source.write_text(json.dumps(records))
    call_command("import_program", str(source), conference="mlsys2025", stdout=io.StringIO())
    assert shown_everywhere(client, warm, "Edited by an import") == EVERYWHERE


def test_a_poster_deleted_from_the_admin_list_leaves_the_day_page_at_once(client, warm, organizer):
    day = f"/mlsys2025/{warm.session.day}/"
    assert escape(warm.title) in client.get(day).content.decode()
    staff = Client()
    staff.force_login(organizer)
    response = staff.post(
        "/admin/program/poster/",
        {"action": "delete_selected", "_selected_action": [warm.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Poster.objects.filter(pk=warm.pk).exists()
    assert escape(warm.title) not in client.get(day).content.decode()
