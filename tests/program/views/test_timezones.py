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
    assert client.get("/timezone/?next=https://evil.example/").context["next"] == "/"


def test_the_time_zone_page_lists_canonical_zones_grouped_by_region(client, program):
    html = client.get("/timezone/?next=/mlsys2025/").content.decode()
    assert '<optgroup label="Asia">' in html and '<optgroup label="Europe">' in html
    assert 'value="Asia/Kolkata"' in html and "Kolkata (Asia/Kolkata)" in html
    assert "Asia/Calcutta" not in html and "US/Pacific" not in html
    assert 'name="next" value="/mlsys2025/"' in html


def test_an_alias_is_read_as_its_zone(client, program):
    client.post("/timezone/", {"timezone": "Asia/Calcutta", "next": "/mlsys2025/"})
    assert "Asia/Kolkata" in text_of(client.get("/mlsys2025/"))


def test_program_pages_link_to_the_zone_page_instead_of_carrying_the_list(client, program):
    html = client.get("/mlsys2025/").content.decode()
    assert "<select" not in html and "Europe/Berlin" not in html
    assert 'href="/timezone/?next=%2Fmlsys2025%2F"' in html
    assert "Los Angeles" in html and "UTC−" in html
