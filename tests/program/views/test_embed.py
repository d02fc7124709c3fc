"""The embeddable program (program/views/embed.py): framed only by the conference's listed
origins, filters, look, kept copies, and the organizers' allow-list in the admin."""

import base64
import hashlib
import re

import pytest

from program.models import Conference

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value[0] if value else "" for name, *value in parts}


def allow(conference: Conference, origins: str) -> None:
    conference.embed_origins = origins
    conference.full_clean()
    conference.save()


def test_the_embed_lists_the_program_with_links_that_open_a_new_tab(client, program):
    response = client.get("/mlsys2025/embed/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Session 9: Parallel and Distributed Systems" in page
    assert "Time to be announced" in page  # the untimed invited talk
    session_url = program["posters"].get_absolute_url()
    assert f'class="embed-save" href="{session_url}" target="_blank"' in page
    assert "<form" not in page  # nothing posts from inside another site
    assert not response.cookies


def test_without_listed_origins_nobody_may_frame_the_embed(client, program):
    response = client.get("/mlsys2025/embed/")
    assert policy(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_listed_origins_may_frame_the_embed_and_only_the_embed(client, program):
    allow(program["conference"], "https://www.mlsys.org\nhttps://*.example.org:8443")
    for _ in range(2):  # rendered, then the kept copy
        response = client.get("/mlsys2025/embed/")
        assert policy(response)["frame-ancestors"] == (
            "https://www.mlsys.org https://*.example.org:8443"
        )
        assert "X-Frame-Options" not in response
    other = client.get("/mlsys2025/")
    assert policy(other)["frame-ancestors"] == "'none'"
    assert other["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "origins",
    [
        "www.mlsys.org",
        "https://www.mlsys.org/program",
        "https://x.org; script-src *",
        "'self'",
        "javascript:alert(1)",
        "*",
    ],
)
def test_an_origin_that_is_not_one_is_refused_with_a_clear_message(organizer_client, origins):
    conference = Conference.objects.create(
        slug="c", name="C", timezone="UTC", start_date="2026-01-01", end_date="2026-01-02"
    )
    data = {
        "slug": "c",
        "name": "C",
        "timezone": "UTC",
        "start_date": "2026-01-01",
        "end_date": "2026-01-02",
        "day_starts_at": "00:00",
        "session_kinds": "{}",
        "presentation_types": "{}",
        "embed_origins": origins,
    }
    response = organizer_client.post(f"/admin/program/conference/{conference.pk}/change/", data)
    assert response.status_code == 200
    assert "is not an origin; give each site as https://www.example.org" in (
        response.content.decode()
    )
    conference.refresh_from_db()
    assert conference.embed_origins == ""


def test_the_admin_shows_the_snippet_to_copy(organizer_client, program):
    conference = program["conference"]
    page = organizer_client.get(f"/admin/program/conference/{conference.pk}/change/")
    html = page.content.decode()
    assert "http://testserver/mlsys2025/embed/" in html
    assert "http://testserver/mlsys2025/embed/resize.js" in html


def test_filters_narrow_the_embed(client, program):
    from tests.factories import RoomFactory, SessionFactory

    hall = RoomFactory(conference=program["conference"], name="Hall B")
    SessionFactory(conference=program["conference"], title="In Hall B", room=hall)
    page = client.get("/mlsys2025/embed/", {"room": hall.pk}).content.decode()
    assert "In Hall B" in page and "Session 9" not in page
    day = client.get("/mlsys2025/embed/", {"day": "2025-05-15"})
    assert day.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day": "2024-01-01"}, "day: Select a valid choice"),
        ({"room": "x"}, "room: Select a valid choice"),
        ({"accent": "red"}, "accent: Give the accent colour as six hex digits"),
        ({"theme": "neon"}, "theme: Select a valid choice"),
    ],
)
def test_a_bad_parameter_is_a_400_saying_which(client, program, query, message):
    response = client.get("/mlsys2025/embed/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_accent_colour_is_allowed_by_its_hash(client, program):
    response = client.get("/mlsys2025/embed/", {"accent": "B3261E", "theme": "dark"})
    page = response.content.decode()
    style = re.search(r"<style>(.*?)</style>", page).group(1)
    assert style == ":root{--accent:#b3261e}"
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(response)["style-src"]
    assert 'data-theme="dark"' in page


def test_a_draft_has_no_embed(client, organizer_client, program):
    program["conference"].is_published = False
    program["conference"].save()
    assert client.get("/mlsys2025/embed/").status_code == 404
    assert organizer_client.get("/mlsys2025/embed/").status_code == 404


def test_the_resize_script_listens_to_this_origin_only(client, program):
    response = client.get("/mlsys2025/embed/resize.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert 'var ORIGIN = "http://testserver";' in response.content.decode()


def test_the_embed_runs_a_fixed_number_of_queries(client, program, django_assert_num_queries):
    # version, conference, sessions
    with django_assert_num_queries(3):
        assert client.get("/mlsys2025/embed/").status_code == 200
    with django_assert_num_queries(1):  # the kept copy
        assert client.get("/mlsys2025/embed/").status_code == 200
