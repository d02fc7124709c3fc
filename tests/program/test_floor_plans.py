"""Floor plans: what an upload may be, placing boards in the admin, and the pages that show
them (a poster's, its room's, the day's), the picture's own address and its headers."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from program.models import BoardSpot, Conference, FloorPlan, Poster
from program.venue import floor_plans

pytestmark = pytest.mark.django_db

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400">'
    b'<rect width="800" height="400" fill="#eee"/><text x="20" y="40">Exhibit hall</text></svg>'
)


def png(width=300, height=200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


# What an upload may be.


def test_a_picture_and_a_drawing_are_read_with_their_size():
    assert floor_plans.check(png(300, 200)) == floor_plans.Plan("image/png", 300.0, 200.0)
    assert floor_plans.check(SVG) == floor_plans.Plan("image/svg+xml", 800.0, 400.0)
    sized = b'<svg xmlns="http://www.w3.org/2000/svg" width="640px" height="480"></svg>'
    assert floor_plans.check(sized).width == 640.0


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "empty"),
        (b"GIF89a not really", "none of them"),
        (b"<html><body>hi</body></html>", "not an SVG"),
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "<script>"),
        (SVG.replace(b"<rect", b'<rect onclick="alert(1)"'), "event attribute"),
        (
            SVG.replace(b"<rect", b'<use href="https://evil.example/x.svg#a"/><rect'),
            "refers to",
        ),
        (SVG.replace(b"<rect", b"<foreignObject><p>x</p></foreignObject><rect"), "foreignObject"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">&a;</svg>',
            "cannot be read",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "size is unknown"),
        (b"\x89PNG" + b"x" * (floor_plans.MAX_BYTES + 1), "at most 3 MB"),
    ],
)
def test_what_is_not_a_safe_plan_is_refused_with_the_reason(data, says):
    with pytest.raises(ValidationError) as error:
        floor_plans.check(data)
    assert says in " ".join(error.value.messages)


# Placing boards in the admin.


def plan_for(room, data=SVG, spots=()):
    plan = FloorPlan(room=room)
    plan.set_picture(data)
    plan.save()
    for board, x, y in spots:
        BoardSpot.objects.create(plan=plan, board=board, x=x, y=y)
    return plan


def add_form(room, **fields):
    return {
        "room": room.pk,
        "spots-TOTAL_FORMS": "0",
        "spots-INITIAL_FORMS": "0",
        "spots-MIN_NUM_FORMS": "0",
        "spots-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_an_organizer_uploads_a_plan_and_places_boards_by_rows_and_by_lines(seed, organizer_client):
    room = seed.rooms.first()
    data = add_form(
        room,
        upload=SimpleUploadedFile("hall.svg", SVG, content_type="image/svg+xml"),
        spot_lines="101,0.25,0.5\n102,30%,60%\n",
        **{
            "spots-TOTAL_FORMS": "1",
            "spots-0-board": "103",
            "spots-0-x": "0.9",
            "spots-0-y": "0.1",
        },
    )
    response = organizer_client.post("/admin/program/floorplan/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = FloorPlan.objects.get(room=room)
    assert (plan.content_type, plan.width, plan.height) == ("image/svg+xml", 800.0, 400.0)
    assert {(s.board, s.x, s.y) for s in plan.spots.all()} == {
        ("101", 0.25, 0.5),
        ("102", 0.3, 0.6),
        ("103", 0.9, 0.1),
    }
    page = organizer_client.get(f"/admin/program/floorplan/{plan.pk}/change/").content.decode()
    assert 'id="plan-picture"' in page and "place_boards.js" in page


@pytest.mark.parametrize(
    "upload, lines, says",
    [
        (SimpleUploadedFile("x.svg", SVG.replace(b"<rect", b"<script/><rect")), "", "<script>"),
        (None, "", "Give the plan"),
        (SimpleUploadedFile("x.svg", SVG), "101,0.2", "Line 1: give three values"),
        (SimpleUploadedFile("x.svg", SVG), "101,0.2,0.3\n#5,0.1,0.1", "Line 2: Give the board"),
        (SimpleUploadedFile("x.svg", SVG), "101,1.5,0.3", "off the plan"),
        (SimpleUploadedFile("x.svg", SVG), "101,left,0.3", "is not a number"),
    ],
)
def test_a_bad_plan_or_bad_lines_are_named_and_nothing_is_saved(
    seed, organizer_client, upload, lines, says
):
    room = seed.rooms.first()
    fields = {"spot_lines": lines} | ({"upload": upload} if upload else {})
    response = organizer_client.post("/admin/program/floorplan/add/", add_form(room, **fields))
    assert response.status_code == 200
    assert says in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    assert not FloorPlan.objects.exists() and not BoardSpot.objects.exists()


# The pages.


@pytest.fixture
def placed(seed):
    """Two posters of the seed's first poster session on boards 101 and 102, placed on its
    room's plan; board 103 placed but unused."""
    posters = list(
        Poster.objects.filter(session__conference=seed, session__room__isnull=False)
        .select_related("session__room")
        .order_by("pk")[:2]
    )
    for poster, board in zip(posters, ("101", "102"), strict=True):
        poster.board = board
        poster.save()
    room = posters[0].effective_room
    plan = plan_for(room, spots=[("101", 0.25, 0.5), ("102", 0.5, 0.5), ("103", 0.75, 0.5)])
    return posters, room, plan


def test_a_posters_page_says_where_and_marks_its_board_alone(placed, client):
    (poster, _), room, plan = placed
    page = client.get(poster.get_absolute_url()).content.decode()
    assert f"Board #101, {room.name}" in page
    assert "with board 101 marked" in page and page.count('class="board-spot') == 1
    assert '<g class="board-spot is-here"><circle cx="200" cy="200"' in page
    assert f'href="{plan.picture_url()}"' in page


def test_a_room_page_shows_every_board_and_highlights_the_one_asked_for(placed, client):
    _, room, _ = placed
    page = client.get(room.get_absolute_url()).content.decode()
    assert page.count('class="board-spot"') == 3 and "3 boards placed" in page
    page = client.get(room.get_absolute_url() + "?board=102").content.decode()
    assert page.count('class="board-spot is-here"') == 1 and "Board #102 is marked" in page
    page = client.get(room.get_absolute_url() + "?board=999").content.decode()
    assert "Board #999 has no place on this plan yet." in page


def test_the_day_and_session_pages_link_a_placed_board_to_the_map(placed, client):
    (poster, _), room, _ = placed
    link = f'href="{room.get_absolute_url()}?board=101#plan"'
    assert (
        link
        in client.get(f"/{poster.session.conference.slug}/{poster.session.day}/").content.decode()
    )
    assert link in client.get(poster.session.get_absolute_url()).content.decode()


def test_the_picture_is_served_with_a_strict_policy_and_kept_by_version(placed, client):
    _, room, plan = placed
    response = client.get(plan.picture_url())
    assert response.status_code == 200 and response.content == SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]
    again = client.get(plan.picture_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    other = Conference.objects.create(
        slug="other",
        name="Other",
        timezone="UTC",
        start_date="2026-01-01",
        end_date="2026-01-01",
        is_published=True,
    )
    assert client.get(f"/other/rooms/{room.pk}/plan").status_code == 404
    assert other.pk


def test_a_draft_conference_plan_is_hidden_from_visitors(placed, client):
    _, room, plan = placed
    Conference.objects.filter(pk=room.conference_id).update(is_published=False)
    assert client.get(plan.picture_url()).status_code == 404


def test_a_new_plan_or_a_moved_board_shows_on_the_next_visit(placed, client):
    (poster, _), _, plan = placed
    client.get(poster.get_absolute_url())  # kept for anonymous visitors
    spot = plan.spots.get(board="101")
    spot.x = 0.5
    spot.save()
    assert '<circle cx="400" cy="200"' in client.get(poster.get_absolute_url()).content.decode()
