"""The database itself keeps rooms and sessions of one conference together (migration 0002).

These writes bypass clean() on purpose (update(), bulk paths), as raw SQL or a careless script
would; the triggers must refuse them on SQLite and PostgreSQL alike.
"""

import pytest
from django.db import IntegrityError, transaction

from program.models import Poster, Room, Session, Talk
from tests.factories import (
    ConferenceFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    TalkFactory,
)

pytestmark = pytest.mark.django_db

MESSAGE = "room and session must belong to the same conference"


@pytest.fixture
def two_conferences():
    home, away = ConferenceFactory(slug="home"), ConferenceFactory(slug="away")
    return (
        home,
        away,
        RoomFactory(conference=home, name="Home Hall"),
        RoomFactory(conference=away, name="Away Hall"),
    )


def refused():
    return pytest.raises(IntegrityError, match=MESSAGE)


def test_a_session_cannot_be_created_in_a_room_of_another_conference(two_conferences):
    home, _, _, away_room = two_conferences
    with refused(), transaction.atomic():
        SessionFactory(conference=home, room=away_room)


def test_a_session_cannot_be_moved_to_a_room_of_another_conference(two_conferences):
    home, _, home_room, away_room = two_conferences
    session = SessionFactory(conference=home, room=home_room)
    with refused(), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(room=away_room)
    session.refresh_from_db()
    assert session.room == home_room


def test_a_session_cannot_move_to_another_conference_and_keep_its_room(two_conferences):
    home, away, home_room, _ = two_conferences
    session = SessionFactory(conference=home, room=home_room)
    with refused(), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(conference=away)


@pytest.mark.parametrize("factory, model", [(PosterFactory, Poster), (TalkFactory, Talk)])
def test_posters_and_talks_cannot_use_a_room_of_another_conference(two_conferences, factory, model):
    home, _, home_room, away_room = two_conferences
    session = SessionFactory(conference=home, room=home_room)
    with refused(), transaction.atomic():
        factory(session=session, room=away_room)
    item = factory(session=session, room=home_room)
    with refused(), transaction.atomic():
        model.objects.filter(pk=item.pk).update(room=away_room)


def test_a_session_with_posters_in_its_rooms_cannot_move_conference(two_conferences):
    home, away, home_room, _ = two_conferences
    session = SessionFactory(conference=home, room=None)
    PosterFactory(session=session, room=home_room)
    with refused(), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(conference=away)


def test_a_room_in_use_cannot_move_to_another_conference(two_conferences):
    home, away, home_room, _ = two_conferences
    SessionFactory(conference=home, room=home_room)
    with refused(), transaction.atomic():
        Room.objects.filter(pk=home_room.pk).update(conference=away)


def test_an_unused_room_and_an_empty_session_may_move(two_conferences):
    home, away, home_room, _ = two_conferences
    spare = RoomFactory(conference=home, name="Spare")
    Room.objects.filter(pk=spare.pk).update(conference=away)
    session = SessionFactory(conference=home, room=None)
    PosterFactory(session=session, room=None)
    Session.objects.filter(pk=session.pk).update(conference=away)
    assert Session.objects.get(pk=session.pk).conference == away
    assert Room.objects.get(pk=spare.pk).conference == away
    home_room.refresh_from_db()
    assert home_room.conference == home
