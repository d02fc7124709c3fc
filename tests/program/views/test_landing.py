"""The conference's landing page as a calendar of its days (program/overview.py), and the small
things of a visitor's first look: a zone named once, one search box on the search page."""

import datetime
import re

import pytest
import time_machine

from devtools.devdata.parallel import generate_parallel_program
from program.models import Talk, Track
from tests.factories import ConferenceFactory, SessionFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def parallel():
    return generate_parallel_program(slug="parallel", rooms=3, days=2, tracks=2)


def test_the_overview_shows_each_day_with_its_counts_hours_rooms_and_tracks(client, parallel):
    page = text_of(client.get("/parallel/"))
    first = Talk.objects.filter(session__conference=parallel, session__day="2026-02-07").count()
    assert "Saturday 7 February 9:" in page and "3 rooms" in page
    assert f"{first} talks" in page
    for track in Track.objects.filter(conference=parallel):
        assert track.name in page
    assert 'fill="#1D4ED8"' in client.get("/parallel/").content.decode()  # its colour
    # No session per room and day: the rooms' names are not listed as sessions.
    assert "Room A.100" not in page


def test_while_it_runs_the_overview_says_what_is_on_in_every_room_and_what_comes_next(
    client, parallel
):
    moment = datetime.datetime(2026, 2, 7, 11, 2, tzinfo=parallel.zone)
    with time_machine.travel(moment, tick=False):
        page = text_of(client.get("/parallel/"))
    on_now = page[page.index("Happening now") : page.index("Up next")]
    running = Talk.objects.filter(
        session__conference=parallel, starts_at__lte=moment, ends_at__gt=moment
    )
    assert running and all(talk.title in on_now for talk in running)
    assert any(room in on_now for room in ("Room A.100", "Room A.101", "Room A.102"))


def test_a_zone_named_after_no_place_is_named_once(client):
    for zone, label in (("UTC", "UTC"), ("Etc/GMT-1", "UTC+1"), ("Asia/Tokyo", "Tokyo UTC+9")):
        conference = ConferenceFactory(slug=f"z{len(zone)}", timezone=zone)
        SessionFactory(conference=conference, day=conference.start_date)
        html = client.get(f"/{conference.slug}/").content.decode()
        link = re.search(r'<a class="zone-link"[^>]*>(.*?)</a>', html, flags=re.S)[1]
        shown = re.sub(r'<span class="visually-hidden">[^<]*</span>|<[^>]+>', "", link)
        assert shown.replace("\u00a0", " ").strip() == label, zone


def test_the_search_page_has_one_search_box(client, program):
    html = client.get("/mlsys2025/search/?q=serving").content.decode()
    assert html.count('type="search"') == 1
