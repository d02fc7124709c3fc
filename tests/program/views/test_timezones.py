"""Choosing the time zone the pages show times in (program/views/timezones.py)."""

import pytest

from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_switching_the_time_zone_changes_the_times_shown_and_is_remembered(client, program):
    response = client.post(
        "/timezone/", {"timezone": "Europe/Berlin", "next": "/mlsys2025/2025-05-15/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mlsys2025/2025-05-15/"
    page = text_of(client.get("/mlsys2025/2025-05-15/"))
    assert "Thu 15 May 5:30 p.m." in page  # 8:30 a.m. PDT
    assert "Europe/Berlin" in page and "CEST" in page
    client.post("/timezone/", {"timezone": "", "next": "/mlsys2025/"})
    assert "Thu 15 May 8:30 a.m." in text_of(client.get("/mlsys2025/2025-05-15/"))


def test_an_unknown_time_zone_is_refused_with_a_message(client, program):
    response = client.post(
        "/timezone/", {"timezone": "Mars/Base", "next": "/mlsys2025/2025-05-15/"}, follow=True
    )
    assert "is not a time zone we know" in text_of(response)
    assert "Thu 15 May 8:30 a.m." in text_of(response)


def test_the_time_zone_form_never_redirects_off_site(client, program):
    response = client.post("/timezone/", {"timezone": "UTC", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/timezone/").status_code == 405
