"""Clashes: one rule (accounts.agenda.clash), found once for the page and for the API."""

import datetime
import zoneinfo

import pytest

from accounts.agenda import find_clashes
from accounts.models import AgendaItem, User
from accounts.services import save_to_agenda
from tests.factories import ConferenceFactory, SessionFactory, make_poster

pytestmark = pytest.mark.django_db

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
DAY = datetime.date(2025, 5, 15)
API = "/api/v1"


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(DAY, datetime.time(hour, minute), tzinfo=PACIFIC)


def timed_sessions(conference, count: int, *, hours: int = 1):
    """Sessions back to back from 08:00, each ``hours`` long, so only neighbours may overlap."""
    return [
        SessionFactory(
            conference=conference,
            title=f"Block {n}",
            starts_at=at(8) + datetime.timedelta(minutes=30 * n),
            ends_at=at(8) + datetime.timedelta(minutes=30 * n, hours=hours),
        )
        for n in range(count)
    ]


def saved(user, items) -> list[AgendaItem]:
    for item in items:
        save_to_agenda(user=user, item=item)
    return list(AgendaItem.objects.visible_to(user).with_items())


def test_find_clashes_pairs_only_overlapping_items_and_ignores_posters_inside_their_session():
    user = User.objects.create_user("ada")
    conference = ConferenceFactory()
    first, second, third = timed_sessions(conference, 3)  # 08:00-09:00, 08:30-09:30, 09:00-10:00
    poster = make_poster(first, authors=["A"])
    rows = saved(user, [first, second, third, poster])
    by_item = {row.item: row for row in rows}
    clashes = find_clashes(rows)
    assert [c.item for c in clashes[by_item[first].pk]] == [second]
    assert [c.item for c in clashes[by_item[second].pk]] == [first, third, poster]
    assert [c.item for c in clashes[by_item[third].pk]] == [second]
    # The poster shares its session's time: inside its own saved session it is no clash.
    assert [c.item for c in clashes[by_item[poster].pk]] == [second]


def test_an_item_without_an_end_clashes_only_at_its_start():
    user = User.objects.create_user("ada")
    conference = ConferenceFactory()
    open_ended = SessionFactory(conference=conference, starts_at=at(9), ends_at=None)
    same_start = SessionFactory(conference=conference, starts_at=at(9), ends_at=at(10))
    later = SessionFactory(conference=conference, starts_at=at(9, 30), ends_at=at(10))
    rows = saved(user, [open_ended, same_start, later])
    clashes = find_clashes(rows)
    assert [c.item for c in clashes[rows[0].pk]] == [same_start]
    assert [c.item for c in clashes[rows[2].pk]] == [same_start]


def test_the_api_finds_clashes_across_pages_with_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    user = User.objects.create_user("ada", password="pw-Agenda-2025")
    client.force_login(user)
    conference = ConferenceFactory()
    sessions = timed_sessions(conference, 6)
    saved(user, sessions)
    # Page size 1: the first session's clash (the second) is on the next page.
    first_page = client.get(f"{API}/agenda/", {"page_size": 1}).json()
    (only,) = first_page["results"]
    second_row = AgendaItem.objects.get(session=sessions[1])
    assert only["clashes_with"] == [second_row.pk]

    # Session, user, the throttle's counter, count, page, the rows near the page: the same for
    # 2 and 6 per page.
    with django_assert_num_queries(6):
        small = client.get(f"{API}/agenda/", {"page_size": 2}).json()
    with django_assert_num_queries(6):
        whole = client.get(f"{API}/agenda/", {"page_size": 6}).json()
    assert [r["clashes_with"] for r in small["results"]] == [
        r["clashes_with"] for r in whole["results"][:2]
    ]
    rows = {row.session_id: row.pk for row in AgendaItem.objects.all()}
    middle = whole["results"][3]
    assert middle["clashes_with"] == [rows[sessions[2].pk], rows[sessions[4].pk]]


def test_around_keeps_only_rows_that_may_clash_with_the_given_ones():
    user = User.objects.create_user("ada")
    conference = ConferenceFactory()
    sessions = timed_sessions(conference, 6)
    rows = saved(user, sessions)
    near = AgendaItem.objects.visible_to(user).around([rows[0]])  # 08:00-09:00
    # Block 2 starts at 09:00 exactly: kept (the cut is generous), then no clash by the rule.
    assert {row.session for row in near} == {sessions[0], sessions[1], sessions[2]}
    assert [c.item for c in find_clashes(list(near))[rows[0].pk]] == [sessions[1]]
    assert not AgendaItem.objects.visible_to(user).around([])


def test_posters_of_one_poster_session_or_one_room_do_not_clash_other_rooms_do(db):
    conference = ConferenceFactory(slug="mlsys2025", name="MLSys 2025")
    hall, annex = (conference.rooms.create(name=name) for name in ("Hall", "Annex"))
    posters = SessionFactory(conference=conference, room=hall, starts_at=at(8), ends_at=at(10))
    first, second = (make_poster(posters, title=f"Side {n}") for n in (1, 2))
    same_room = SessionFactory(conference=conference, room=hall, starts_at=at(9), ends_at=at(11))
    elsewhere = SessionFactory(conference=conference, room=annex, starts_at=at(9), ends_at=at(11))
    nowhere = SessionFactory(conference=conference, room=None, starts_at=at(9), ends_at=at(11))
    user = User.objects.create_user("walker")
    items = saved(user, [first, second, same_room, elsewhere, nowhere])
    by_title = {item.item.title: item for item in items}
    clashes = {
        by_title[title].item.title: sorted(other.item.title for other in found)
        for title, found in ((t, find_clashes(items).get(by_title[t].pk, [])) for t in by_title)
    }
    # Side by side in one poster session, and a session in the same hall: no clash.
    assert clashes["Side 1"] == sorted([elsewhere.title, nowhere.title])
    assert clashes["Side 2"] == sorted([elsewhere.title, nowhere.title])
    assert clashes[same_room.title] == sorted([elsewhere.title, nowhere.title])
