"""Choosing the time zone the pages show times in (program/views/timezones.py)."""

import datetime
import re

import pytest

from tests.factories import ConferenceFactory
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


def test_the_header_names_the_offset_of_the_conference_days_not_of_today(client):
    """Berlin is at UTC+1 in January and UTC+2 in July: each conference's pages name their own,
    in any season the test runs in (one of the two would be wrong with today's offset)."""
    winter = ConferenceFactory(
        slug="winter",
        timezone="Europe/Berlin",
        start_date=datetime.date(2026, 1, 20),
        end_date=datetime.date(2026, 1, 22),
    )
    summer = ConferenceFactory(
        slug="summer",
        timezone="Europe/Berlin",
        start_date=datetime.date(2026, 7, 14),
        end_date=datetime.date(2026, 7, 16),
    )
    for conference, offset in ((winter, "UTC+1"), (summer, "UTC+2")):
        for path in (f"/{conference.slug}/", f"/{conference.slug}/{conference.start_date}/"):
            link = zone_link_text(client.get(path))
            assert link == f"Times in Berlin {offset}; change the time zone", path


def test_a_day_page_names_its_own_days_offset_when_summer_time_ends_during_the_conference(
    client,
):
    conference = ConferenceFactory(
        slug="october",
        timezone="Europe/Berlin",
        start_date=datetime.date(2026, 10, 23),
        end_date=datetime.date(2026, 10, 27),
    )
    # Summer time ends on Sunday 25 October 2026.
    assert "Berlin UTC+2" in zone_link_text(client.get("/october/2026-10-24/"))
    assert "Berlin UTC+1" in zone_link_text(client.get("/october/2026-10-26/"))
    # Pages without a day of their own name the first day's.
    assert "Berlin UTC+2" in zone_link_text(client.get(f"/{conference.slug}/"))


def zone_link_text(response) -> str:
    """The header's zone link as a screen reader reads it."""
    assert response.status_code == 200
    link = re.search(r'<a class="zone-link"[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", link.group(1)).split()).replace(" ;", ";")
