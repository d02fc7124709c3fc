"""Refused edits: a message in the form, nothing saved, never a 500."""

import datetime

import pytest

from program.models import (
    Session,
    SessionKind,
)
from tests.factories import (
    ConferenceFactory,
    ContributionFactory,
    PersonFactory,
    RoomFactory,
)
from tests.program.admin.admin_forms import change_url, form_data, names_in_order, refused

pytestmark = pytest.mark.django_db


def test_a_session_ending_before_it_starts_is_refused_with_a_message(
    organizer_client, admin_program
):
    session = admin_program["session"]
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(
        organizer_client,
        change_url(session),
        {**data, "ends_at_0": "2025-05-15", "ends_at_1": "08:00"},
    )
    assert "The end time must be after the start time." in page
    session.refresh_from_db()
    assert session.ends_at is None


def test_a_session_in_a_room_of_another_conference_is_refused(organizer_client, admin_program):
    session, elsewhere = admin_program["session"], RoomFactory(name="Elsewhere")
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(organizer_client, change_url(session), {**data, "room": elsewhere.pk})
    assert f"This room belongs to {elsewhere.conference}, not to MLSys 2025." in page
    session.refresh_from_db()
    assert session.room == admin_program["room"]


def test_a_session_on_a_day_outside_its_conference_is_refused(organizer_client, admin_program):
    session = admin_program["session"]
    data = form_data(organizer_client.get(change_url(session)))
    page = refused(organizer_client, change_url(session), {**data, "day": "2025-06-01"})
    assert "this day is outside it" in page
    session.refresh_from_db()
    assert session.day == datetime.date(2025, 5, 15)


def test_a_poster_in_a_room_of_another_conference_is_refused(organizer_client, admin_program):
    poster, elsewhere = admin_program["poster"], RoomFactory(name="Elsewhere")
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "room": elsewhere.pk})
    assert "This room belongs to" in page
    poster.refresh_from_db()
    assert poster.room is None


def test_a_new_session_with_a_poster_in_another_conferences_room_is_refused(
    organizer_client, admin_program
):
    elsewhere = RoomFactory(name="Elsewhere")
    lost = ContributionFactory(conference=admin_program["conference"], title="Lost")
    data = {
        "conference": admin_program["conference"].pk,
        "kind": SessionKind.POSTER_SESSION,
        "title": "Session 10",
        "day": "2025-05-14",
        "position": "5",
        "posters-TOTAL_FORMS": "1",
        "posters-INITIAL_FORMS": "0",
        "posters-0-position": "1",
        "posters-0-contribution": lost.pk,
        "posters-0-room": elsewhere.pk,
        "talks-TOTAL_FORMS": "0",
        "talks-INITIAL_FORMS": "0",
    }
    page = refused(organizer_client, "/admin/program/session/add/", data)
    assert f"This room belongs to {elsewhere.conference}, not to MLSys 2025." in page
    assert not Session.objects.filter(title="Session 10").exists()


def test_a_room_in_use_cannot_move_to_another_conference(organizer_client, admin_program):
    room, other = admin_program["room"], ConferenceFactory(name="Other")
    data = form_data(organizer_client.get(change_url(room)))
    page = refused(organizer_client, change_url(room), {**data, "conference": other.pk})
    assert "give them another room before moving it to Other" in page
    room.refresh_from_db()
    assert room.conference == admin_program["conference"]


def test_a_conference_ending_before_it_starts_is_refused_with_a_message(
    organizer_client, admin_program
):
    conference = admin_program["conference"]
    data = form_data(organizer_client.get(change_url(conference)))
    page = refused(organizer_client, change_url(conference), {**data, "end_date": "2025-05-01"})
    assert "The conference cannot end before it starts." in page
    conference.refresh_from_db()
    assert conference.end_date == datetime.date(2025, 5, 15)


def test_two_authors_at_one_position_are_refused_and_nothing_changes(
    organizer_client, admin_program
):
    poster = admin_program["poster"].contribution
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "authorships-1-position": "1"})
    assert "Two authors cannot share a position on one paper or talk." in page
    assert [(a.position, a.person.name) for a in poster.authorships.all()] == [
        (1, "Maximilian Böther"),
        (2, "Ana Klimovic"),
    ]


def test_the_same_person_twice_on_a_poster_is_refused_and_nothing_changes(
    organizer_client, admin_program
):
    poster = admin_program["poster"].contribution
    data = form_data(organizer_client.get(change_url(poster)))
    first = data["authorships-0-person"]
    page = refused(organizer_client, change_url(poster), {**data, "authorships-1-person": first})
    assert "This person is already an author of this paper or talk." in page
    assert names_in_order(poster) == ["Maximilian Böther", "Ana Klimovic"]

    twice = PersonFactory(name="Twice")
    newcomer_twice = {
        **data,
        "authorships-TOTAL_FORMS": "4",
        "authorships-2-person": twice.pk,
        "authorships-2-position": "3",
        "authorships-3-person": twice.pk,
        "authorships-3-position": "4",
    }
    page = refused(organizer_client, change_url(poster), newcomer_twice)
    assert "This person is already an author of this paper or talk." in page
    assert poster.authorships.count() == 2


def test_author_positions_start_at_one(organizer_client, admin_program):
    poster = admin_program["poster"].contribution
    data = form_data(organizer_client.get(change_url(poster)))
    page = refused(organizer_client, change_url(poster), {**data, "authorships-0-position": "0"})
    assert "Ensure this value is greater than or equal to 1." in page
    assert [a.position for a in poster.authorships.all()] == [1, 2]
