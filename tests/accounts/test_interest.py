"""The organizers' interest page: how many attendees saved each session and its posters and
talks, against the room's capacity; counts only, never who; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.interest import interest
from accounts.services import save_to_agenda
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(db):
    """A poster session in a room for two that three attendees mean to attend (one saved the
    session and a poster: one person), a keynote in a room of unknown size, and another
    conference whose saves must not count."""
    conference = ConferenceFactory(slug="crowded", name="Crowded 2026")
    small = RoomFactory(conference=conference, name="Small room", capacity=2)
    posters = SessionFactory(conference=conference, room=small, position=1, title="Posters")
    first, second = make_poster(posters, title="First"), make_poster(posters, title="Second")
    keynote = SessionFactory(conference=conference, position=2, title="Keynote")
    talk = make_talk(keynote, title="The keynote")
    ada, bob, cy = UserFactory(), UserFactory(), UserFactory()
    save_to_agenda(user=ada, item=posters)
    save_to_agenda(user=ada, item=first)
    save_to_agenda(user=bob, item=first)
    save_to_agenda(user=cy, item=second)
    save_to_agenda(user=cy, item=talk)
    elsewhere = make_poster(SessionFactory(conference=ConferenceFactory(slug="other")))
    save_to_agenda(user=bob, item=elsewhere)
    conference.savers = [ada, bob, cy]
    return conference


def test_the_audience_is_who_saved_the_session_or_anything_in_it(crowded):
    rows = interest(crowded)
    assert [(r.session.title, r.audience, r.capacity, r.state) for r in rows] == [
        ("Posters", 3, 2, "over"),
        ("Keynote", 1, None, "unknown"),
    ]
    assert [(item.title, saves) for item, saves in rows[0].items] == [("First", 2), ("Second", 1)]
    assert rows[0].audience_share == 100 and rows[0].capacity_share == pytest.approx(66.67)


def test_organizers_see_counts_and_never_names(crowded, organizer_client):
    response = organizer_client.get(f"/admin/program/conference/{crowded.pk}/interest/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Over capacity" in page and "<svg" in page
    assert not any(user.get_username() in page for user in crowded.savers)
    listing = organizer_client.get("/admin/program/conference/").content.decode()
    assert f"/admin/program/conference/{crowded.pk}/interest/" in listing


def test_attendees_cannot_see_it(crowded, attendee_client):
    response = attendee_client.get(f"/admin/program/conference/{crowded.pk}/interest/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_count_costs_the_same_queries_for_a_larger_program(crowded):
    with CaptureQueriesContext(connection) as small:
        interest(crowded)
    for position in range(3, 13):
        session = SessionFactory(conference=crowded, position=position)
        save_to_agenda(user=UserFactory(), item=make_poster(session))
    with CaptureQueriesContext(connection) as large:
        rows = interest(crowded)
    assert len(rows) == 12
    assert len(large) == len(small)
