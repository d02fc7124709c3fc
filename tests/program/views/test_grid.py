"""Grid days (program/views/grid.py): a day of parallel rooms without sessions of its own shows
rooms across and time down; the filters narrow it through the URL; a FOSDEM-sized day stays
small on the wire and is answered from the kept copy."""

import gzip
import re
from collections import defaultdict

import pytest

from devtools.devdata.parallel import generate_parallel_program
from program.models import Room, Session, Talk, Track
from tests.pages import text_of

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}
DAY = "/parallel/2026-02-07/"


@pytest.fixture
def parallel():
    return generate_parallel_program(slug="parallel", rooms=4, days=1, tracks=3)


def cells(html: str) -> list[dict]:
    """Each cell's id and placement classes, in page order."""
    found = re.finditer(
        r'<article class="cell gc-(\d+) gs-(\d+) ge-(\d+)[^"]*" id="(\w+-\d+)"', html
    )
    return [{"column": int(m[1]), "row": int(m[2]), "end": int(m[3]), "id": m[4]} for m in found]


def test_a_day_of_room_day_sessions_is_a_grid_of_its_talks_in_their_rooms(client, parallel):
    html = client.get(DAY).content.decode()
    placed = cells(html)
    talks = Talk.objects.filter(session__conference=parallel).select_related("session__room")
    assert len(placed) == talks.count()
    # Rooms across in the conference's order (by name), the time column first.
    rooms = list(Room.objects.filter(conference=parallel).order_by("name"))
    heads = re.findall(r'<span class="grid-room-name">([^<]+)</span>', html)
    assert heads == [room.name for room in rooms]
    column_of = {f"talk-{talk.pk}": rooms.index(talk.session.room) + 2 for talk in talks}
    assert all(cell["column"] == column_of[cell["id"]] for cell in placed)
    # No session per room and day: the room-day sessions' titles are not headings.
    assert 'class="session-heading"' not in html


def test_parallel_talks_that_start_together_share_a_row_and_each_is_as_tall_as_it_lasts(
    client, parallel
):
    placed = {cell["id"]: cell for cell in cells(client.get(DAY).content.decode())}
    by_start = defaultdict(set)
    for talk in Talk.objects.filter(session__conference=parallel):
        cell = placed[f"talk-{talk.pk}"]
        by_start[talk.starts_at].add(cell["row"])
        minutes = (talk.ends_at - talk.starts_at).total_seconds() / 60
        assert cell["end"] - cell["row"] == max(1, round(minutes / 5))
    assert all(len(rows) == 1 for rows in by_start.values())
    assert any(len(rows) for rows in by_start.values())


def test_reading_order_is_by_time_then_room_and_each_cell_says_time_room_and_title(
    client, parallel
):
    response = client.get(DAY)
    placed = cells(response.content.decode())
    assert [c["row"] for c in placed] == sorted(c["row"] for c in placed)
    talk = Talk.objects.filter(session__conference=parallel).select_related("session__room")[0]
    cell = re.search(
        rf'id="talk-{talk.pk}">(.*?)</article>', response.content.decode(), flags=re.S
    )[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))
    assert talk.title in text and talk.session.room.name in text
    assert f"{talk.starts_at.astimezone(parallel.zone):%-I:%M}" in text


def test_a_program_of_sessions_keeps_its_timeline(client, program):
    html = client.get("/mlsys2025/2025-05-15/").content.decode()
    assert 'class="grid"' not in html and 'class="timeline' in html


def test_filters_narrow_the_grid_and_live_in_the_url(client, parallel):
    rooms = list(Room.objects.filter(conference=parallel).order_by("name"))
    track = Track.objects.filter(conference=parallel).order_by("name").first()
    whole = len(cells(client.get(DAY).content.decode()))

    one_room = client.get(DAY, {"room": rooms[1].pk})
    placed = cells(one_room.content.decode())
    assert 0 < len(placed) < whole and {c["column"] for c in placed} == {2}
    assert f'href="?room={rooms[1].pk}" aria-current="page"' in one_room.content.decode()

    hidden = client.get(DAY, {"hide": rooms[0].pk}).content.decode()
    assert rooms[0].name not in re.findall(r'grid-room-name">([^<]+)<', hidden)
    assert f"Hidden: {rooms[0].name}" in text_of(client.get(DAY, {"hide": rooms[0].pk}))

    by_track = client.get(DAY, {"track": track.pk}).content.decode()
    ids = [int(c["id"].split("-")[1]) for c in cells(by_track)]
    in_track = Talk.objects.filter(session__conference=parallel, contribution__track=track)
    assert sorted(ids) == sorted(in_track.values_list("pk", flat=True)) and ids


def test_several_rooms_and_hidden_rooms_are_read_from_one_url(client, parallel):
    rooms = list(Room.objects.filter(conference=parallel).order_by("name"))
    # As the "Choose several" form sends it: every ticked room.
    response = client.get(f"{DAY}?room={rooms[0].pk}&room={rooms[2].pk}")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    heads = re.findall(r'grid-room-name">([^<]+)<', response.content.decode())
    assert heads == [rooms[0].name, rooms[2].name]
    hidden = client.get(f"{DAY}?hide={rooms[0].pk}&hide={rooms[1].pk}").content.decode()
    assert re.findall(r'grid-room-name">([^<]+)<', hidden) == [r.name for r in rooms[2:]]


@pytest.mark.parametrize("query", ["room=kitchen", "track=99999", "hide=-1"])
def test_a_filter_that_names_nothing_is_said_and_ignored(client, parallel, query):
    response = client.get(f"{DAY}?{query}")
    assert response.status_code == 200
    assert "ignored" in text_of(response)
    assert len(cells(response.content.decode())) == len(cells(client.get(DAY).content.decode()))


def test_a_url_with_other_parameters_goes_to_the_day(client, parallel):
    response = client.get(f"{DAY}?utm_source=x&room=1")
    assert response.status_code == 301 and response["Location"].endswith(f"{DAY}?room=1")


def test_a_fosdem_sized_day_is_small_on_the_wire_and_kept(client, django_assert_num_queries):
    """29 rooms busy all day (about 550 talks): at most 150 KB compressed; the second request
    is the kept copy (one query), the first a fixed number of queries whatever the size."""
    conference = generate_parallel_program(slug="parallel", rooms=29, days=1)
    assert Talk.objects.filter(session__conference=conference).count() > 450
    # version, conference, day tabs, sessions, talks, their people, posters (none: no query
    # for their people)
    with django_assert_num_queries(7):
        first = client.get(DAY, **GZIP)
    assert first.status_code == 200 and first["Content-Encoding"] == "gzip"
    assert len(first.content) <= 150_000
    assert gzip.decompress(first.content).count(b'<article class="cell') > 450
    with django_assert_num_queries(1):
        again = client.get(DAY, **GZIP)
    assert again.content == first.content


def test_a_room_day_session_is_told_apart_from_a_session_named_otherwise(parallel):
    session = Session.objects.filter(conference=parallel).select_related("room").first()
    assert session.is_room_day
    session.title = "Lightning talks"
    assert not session.is_room_day


def test_a_rooms_page_links_its_program_of_each_grid_day_not_a_session(client, parallel):
    room = Room.objects.filter(conference=parallel).order_by("name").first()
    html = client.get(room.get_absolute_url()).content.decode()
    assert f'href="{DAY}?room={room.pk}">The room’s program on Saturday 7 February' in html
    assert "/sessions/" not in html
