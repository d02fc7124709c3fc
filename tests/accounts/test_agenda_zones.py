"""My agenda's times: in the zone the visitor chose, else each item in its own conference's
zone, and the page says which (accounts/agenda.py build_agenda)."""

import datetime
import re
import zoneinfo

import pytest

from accounts.services import save_to_agenda
from tests.factories import ConferenceFactory, SessionFactory, make_poster

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_conferences(attendee):
    """A talk-sized session of a conference in UTC saved first, then a poster in Santa Clara."""
    utc = ConferenceFactory(slug="inutc", timezone="UTC", start_date=datetime.date(2025, 5, 1))
    early = SessionFactory(
        conference=utc,
        title="Opening in UTC",
        day=datetime.date(2025, 5, 1),
        starts_at=datetime.datetime(2025, 5, 1, 9, tzinfo=datetime.UTC),
    )
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    mlsys = ConferenceFactory(
        slug="inla", timezone="America/Los_Angeles", start_date=datetime.date(2025, 5, 15)
    )
    session = SessionFactory(
        conference=mlsys,
        title="Posters in Santa Clara",
        day=datetime.date(2025, 5, 15),
        starts_at=datetime.datetime(2025, 5, 15, 8, 30, tzinfo=pacific),
    )
    poster = make_poster(session)
    save_to_agenda(user=attendee, item=early)
    save_to_agenda(user=attendee, item=poster)
    return early, poster


def entry_text(html: str, title: str) -> str:
    entry = re.search(
        rf"<li class=\"agenda-entry[^>]*>((?:(?!</li>).)*{re.escape(title)}.*?)</li>", html, re.S
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", entry[1]))


def test_without_a_chosen_zone_each_item_is_in_its_own_conferences_zone(
    attendee_client, two_conferences
):
    _early, poster = two_conferences
    html = attendee_client.get("/agenda/").content.decode()
    assert "its own conference’s zone" in html
    assert "9:00 a.m." in entry_text(html, "Opening in UTC")
    posters = entry_text(html, poster.title)
    assert "8:30 a.m." in posters and "PDT" in posters  # not 3:30 p.m. UTC


def test_a_chosen_zone_shows_every_item_in_it_and_says_so(
    attendee_client, attendee, two_conferences
):
    _early, poster = two_conferences
    attendee.timezone = "Europe/Berlin"
    attendee.save()
    html = attendee_client.get("/agenda/").content.decode()
    assert "Times in <strong>Europe/Berlin</strong>" in html
    assert "11:00 a.m." in entry_text(html, "Opening in UTC")
    assert "5:30 p.m." in entry_text(html, poster.title)
