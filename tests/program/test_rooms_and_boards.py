"""Rooms say where and how large they are; posters say which board they hang on."""

import pytest
from django.core.exceptions import ValidationError

from program.models import Poster, Room
from tests.factories import ContributionFactory, RoomFactory, SessionFactory, make_poster

pytestmark = pytest.mark.django_db


def test_a_poster_shows_its_board_on_the_day_and_its_own_page(client):
    room = RoomFactory(name="Exhibit Hall A", area="Level 1", capacity=3000)
    session = SessionFactory(conference=room.conference, room=room)
    poster = make_poster(session, authors=["Ada Lovelace"], board="2504")
    card = client.get(f"/{room.conference.slug}/{session.day}/").content.decode()
    assert "Board #2504" in card
    page = client.get(poster.get_absolute_url()).content.decode()
    assert "Board #2504" in page
    unnumbered = make_poster(session, authors=["Grace Hopper"])
    assert "Board #" not in client.get(unnumbered.get_absolute_url()).content.decode()


def test_a_board_is_written_as_printed_and_used_once_per_session():
    session = SessionFactory()
    make_poster(session, board="A-12")
    paper = ContributionFactory(conference=session.conference, title="T")
    for bad in ("#12", "12 ", "board 12", "-3"):
        with pytest.raises(ValidationError) as error:
            Poster(session=session, contribution=paper, board=bad).full_clean()
        assert "board" in error.value.message_dict, bad
    with pytest.raises(ValidationError) as error:
        twin = ContributionFactory(conference=session.conference, title="Twin")
        Poster(session=session, contribution=twin, board="A-12").full_clean()
    assert "Another poster of this session has this board." in str(error.value)
    # Another session may reuse the number; posters without a board never collide.
    Poster(
        session=SessionFactory(conference=session.conference), contribution=paper, board="A-12"
    ).clean()
    make_poster(session)
    make_poster(session)


def test_the_room_page_and_the_api_give_area_and_capacity(client):
    room = RoomFactory(name="Mission City Ballroom", area="Level 1", capacity=1200)
    page = client.get(room.get_absolute_url()).content.decode()
    assert "Level 1 · 1,200 seats" in page
    (listed,) = client.get("/api/v1/rooms/", {"conference": room.conference.slug}).json()["results"]
    assert (listed["area"], listed["capacity"]) == ("Level 1", 1200)
    bare = RoomFactory(conference=room.conference)
    assert "seats" not in client.get(bare.get_absolute_url()).content.decode()


def test_the_api_reads_and_writes_poster_boards(organizer_client):
    session = SessionFactory()
    poster = make_poster(session, board="17")
    body = organizer_client.get(f"/api/v1/posters/{poster.pk}/").json()
    assert body["board"] == "17"
    refused = organizer_client.patch(
        f"/api/v1/posters/{poster.pk}/", {"board": "#17"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "board" in refused.json()
    moved = organizer_client.patch(
        f"/api/v1/posters/{poster.pk}/", {"board": "18"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["board"] == "18"


def test_generated_programs_number_their_boards_and_describe_their_rooms():
    from devtools.devdata.generation import generate_program

    generate_program(slug="gen", posters=30, sessions=8, days=2, people=60, rooms=3, talks=4)
    boards = list(Poster.objects.values_list("board", flat=True))
    assert all(boards) and len(set(boards)) == len(boards)
    assert all(room.capacity and room.area for room in Room.objects.all())
