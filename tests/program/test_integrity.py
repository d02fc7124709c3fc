"""The database itself keeps rooms and sessions of one conference together (migration 0002), and
a contribution, its authors and its posters and talks too (migration 0012).

These writes bypass clean() on purpose (update(), bulk paths), as raw SQL or a careless script
would; the triggers must refuse them on SQLite and PostgreSQL alike.
"""

import contextlib
import importlib

import pytest
from django.db import IntegrityError, connection, transaction

from program.models import Authorship, Person, Poster, Room, Session, Talk
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
CONTRIBUTION_MESSAGE = (
    "a contribution, its authors and its posters and talks must belong to the same conference"
)
contributions_migration = importlib.import_module("program.migrations.0012_contributions")


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


@contextlib.contextmanager
def without_contribution_triggers():
    """The room triggers alone: 0012's triggers are dropped, and come back at the end."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for drop in contributions_migration.TRIGGERS.statements[connection.vendor][1]:
                cursor.execute(drop)
        yield
        transaction.set_rollback(True)


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
    # The poster's contribution is of the old conference too: its trigger (0012) refuses first.
    with pytest.raises(IntegrityError, match=CONTRIBUTION_MESSAGE), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(conference=away)
    # Without the contribution triggers, the room rule still refuses the move on its own.
    with without_contribution_triggers(), refused(), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(conference=away)
    assert Session.objects.get(pk=session.pk).conference == home
    with pytest.raises(IntegrityError, match=CONTRIBUTION_MESSAGE), transaction.atomic():
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
    session = SessionFactory(conference=home, room=None)  # no posters: their contributions
    # (of the old conference) would hold it back, see above
    Session.objects.filter(pk=session.pk).update(conference=away)
    assert Session.objects.get(pk=session.pk).conference == away
    assert Room.objects.get(pk=spare.pk).conference == away
    home_room.refresh_from_db()
    assert home_room.conference == home
    # A poster without a room of its own does not hold its session back as far as rooms go.
    with_poster = SessionFactory(conference=home, room=None)
    PosterFactory(session=with_poster, room=None)
    with without_contribution_triggers():
        Session.objects.filter(pk=with_poster.pk).update(conference=away)
        assert Session.objects.get(pk=with_poster.pk).conference == away


# An author or speaker is a person of the contribution's conference (migration 0012, was 0011).


@pytest.mark.parametrize("factory", [PosterFactory, TalkFactory])
def test_a_person_of_another_conference_cannot_be_put_on_an_item_in_bulk(two_conferences, factory):
    home, away, _, _ = two_conferences
    item = factory(session=SessionFactory(conference=home))
    stranger = PersonFactory(conference=away)
    contribution = item.contribution
    with pytest.raises(IntegrityError, match=CONTRIBUTION_MESSAGE), transaction.atomic():
        Authorship.objects.bulk_create(
            [Authorship(contribution=contribution, person=stranger, position=1)]
        )
    local = PersonFactory(conference=home)
    link = Authorship.objects.create(contribution=contribution, person=local, position=1)
    with pytest.raises(IntegrityError, match=CONTRIBUTION_MESSAGE), transaction.atomic():
        Authorship.objects.filter(pk=link.pk).update(person=stranger)


def test_a_person_on_items_cannot_move_to_another_conference(two_conferences):
    home, away, _, _ = two_conferences
    author = PersonFactory(conference=home)
    make_poster(SessionFactory(conference=home), authors=[author])
    with pytest.raises(IntegrityError, match=CONTRIBUTION_MESSAGE), transaction.atomic():
        Person.objects.filter(pk=author.pk).update(conference=away)
    idle = PersonFactory(conference=home)
    Person.objects.filter(pk=idle.pk).update(conference=away)  # on nothing: may move
    assert Person.objects.get(pk=idle.pk).conference == away
