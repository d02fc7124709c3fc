"""The database itself keeps rooms and sessions of one conference together (migration 0002).

These writes bypass clean() on purpose (update(), bulk paths), as raw SQL or a careless script
would; the triggers must refuse them on SQLite and PostgreSQL alike.
"""

import pytest
from django.db import IntegrityError, transaction

from program.models import Person, Poster, Room, Session, Talk
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    PosterFactory,
    RoomFactory,
    SessionFactory,
    TalkFactory,
    make_poster,
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


# An author or speaker is a person of the item's conference (migration 0011).

PERSON_MESSAGE = "a person and the poster or talk they are on must belong to the same conference"


@pytest.mark.parametrize("factory", [PosterFactory, TalkFactory])
def test_a_person_of_another_conference_cannot_be_put_on_an_item_in_bulk(two_conferences, factory):
    home, away, _, _ = two_conferences
    item = factory(session=SessionFactory(conference=home))
    stranger = PersonFactory(conference=away)
    link_model = item.people_model()
    with pytest.raises(IntegrityError, match=PERSON_MESSAGE), transaction.atomic():
        link_model.objects.bulk_create(
            [link_model(**{link_model.item_field: item}, person=stranger, position=1)]
        )
    local = PersonFactory(conference=home)
    link = link_model.objects.create(**{link_model.item_field: item}, person=local, position=1)
    with pytest.raises(IntegrityError, match=PERSON_MESSAGE), transaction.atomic():
        link_model.objects.filter(pk=link.pk).update(person=stranger)


def test_a_person_on_items_cannot_move_to_another_conference(two_conferences):
    home, away, _, _ = two_conferences
    author = PersonFactory(conference=home)
    make_poster(SessionFactory(conference=home), authors=[author])
    with pytest.raises(IntegrityError, match=PERSON_MESSAGE), transaction.atomic():
        Person.objects.filter(pk=author.pk).update(conference=away)
    idle = PersonFactory(conference=home)
    Person.objects.filter(pk=idle.pk).update(conference=away)  # on nothing: may move
    assert Person.objects.get(pk=idle.pk).conference == away
