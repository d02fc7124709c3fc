"""Door screens (program/views/screens.py): what is on now and next at frozen times, across a
conference day that runs past midnight, after an edit, with saves over capacity; kept copies."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from accounts.models import AgendaItem
from program.models import Room, SessionKind
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory, UserFactory, make_talk

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 2, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def night():
    """A two-day conference whose days start at 05:00: in Janson an opening, a keynote with a
    talk, a session from 23:00 to 00:30 that belongs to the first day, and one the next
    morning. J.1.106 (same building) and H.1302 are set as Janson's overflow."""
    conference = ConferenceFactory(
        slug="night",
        name="Night Conf",
        timezone="Europe/Brussels",
        start_date=datetime.date(2026, 2, 7),
        end_date=datetime.date(2026, 2, 8),
        day_starts_at=datetime.time(5, 0),
    )
    janson = RoomFactory(conference=conference, name="Janson", area="Building J", capacity=2)
    RoomFactory(conference=conference, name="H.1302", area="Building H", overflow_for=janson)
    nearby = RoomFactory(
        conference=conference, name="J.1.106", area="Building J", overflow_for=janson
    )
    other = RoomFactory(conference=conference, name="K.3.201", area="Building K")
    first, second = datetime.date(2026, 2, 7), datetime.date(2026, 2, 8)

    def session(title, starts, ends, day=first, room=janson):
        return SessionFactory(
            conference=conference,
            kind=SessionKind.OTHER,
            room=room,
            title=title,
            day=day,
            starts_at=starts,
            ends_at=ends,
        )

    opening = session("Welcome", at(7, 9), at(7, 10))
    keynote = session("Keynote", at(7, 10), at(7, 11))
    make_talk(keynote, speakers=["Grace Hopper"], title="Compilers for Everyone")
    late = session("Late Hacking", at(7, 23), at(8, 0, 30))
    morning = session("Morning After", at(8, 9, 30), at(8, 10), day=second)
    session("Elsewhere", at(7, 9), at(7, 12), room=other)
    return {
        "conference": conference,
        "janson": janson,
        "nearby": nearby,
        "opening": opening,
        "keynote": keynote,
        "late": late,
        "morning": morning,
    }


def shown(response) -> list[str]:
    """The screen's visible entries as "Now: title" / "Next: title", in order."""
    html = response.content.decode()
    entries = re.findall(r'<li class="entry[^"]*"[^>]*>.*?</li>', html, flags=re.S)
    result = []
    for entry in entries:
        if re.search(r"<li[^>]* hidden>", entry):
            continue
        label = re.search(r'class="entry-label">(\w+)<', entry).group(1)
        title = re.search(r'class="entry-title">([^<]*)<', entry).group(1)
        result.append(f"{label}: {title}")
    return result


def screen(client, night, moment, **extra):
    with time_machine.travel(moment, tick=False):
        return client.get(f"/night/rooms/{night['janson'].pk}/screen/", **extra)


def test_room_screen_shows_what_is_on_and_the_next_two(client, night):
    response = screen(client, night, at(7, 9, 30))
    assert response.status_code == 200
    assert shown(response) == ["Now: Welcome", "Next: Keynote", "Next: Late Hacking"]
    page = response.content.decode()
    assert "Grace Hopper" in page
    assert 'class="qr-code"' in page  # to the item's page
    assert "09:00–10:00" in page


def test_at_an_end_the_next_item_is_on(client, night):
    assert shown(screen(client, night, at(7, 10)))[0] == "Now: Keynote"


def test_a_session_with_timed_talks_shows_each_talk_in_its_turn(client, night):
    keynote = night["keynote"]
    keynote.talks.update(starts_at=at(7, 10), ends_at=at(7, 10, 30))
    make_talk(keynote, speakers=["Ada"], title="Engines", starts_at=at(7, 10, 30))
    response = screen(client, night, at(7, 10, 40))
    assert shown(response)[:2] == ["Now: Engines", "Next: Late Hacking"]
    assert "10:30–11:00" in response.content.decode()  # until the session ends


def test_past_midnight_the_screen_is_still_on_the_day_before(client, night):
    response = screen(client, night, at(8, 0, 15))  # 00:15: the first day runs until 05:00
    assert shown(response) == ["Now: Late Hacking", "Next: Morning After"]
    assert "Sunday 09:30" in response.content.decode()  # the next day's item says its day


def test_between_days_nothing_is_on_and_the_next_morning_is_next(client, night):
    response = screen(client, night, at(8, 3))
    assert shown(response) == ["Next: Morning After"]


def test_after_the_last_item_the_screen_says_nothing_more(client, night):
    response = screen(client, night, at(8, 11))
    assert shown(response) == []
    assert 'class="board-empty">' in response.content.decode()


def test_the_kept_copy_expires_at_the_next_start_or_end(client, night):
    response = screen(client, night, at(7, 9, 30))
    assert response["Expires"] == "Sat, 07 Feb 2026 09:00:00 GMT"  # 10:00 in Brussels
    assert "public" in response["Cache-Control"]


def test_a_screen_polling_gets_304_until_something_changes(client, night):
    first = screen(client, night, at(7, 9, 30))
    etag = first["ETag"]
    assert screen(client, night, at(7, 9, 45), HTTP_IF_NONE_MATCH=etag).status_code == 304
    # The next item is on: a new copy.
    assert screen(client, night, at(7, 10, 0), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_an_edit_shows_on_the_next_request(client, night):
    first = screen(client, night, at(7, 9, 30))
    night["opening"].title = "Welcome and Housekeeping"
    night["opening"].save()
    again = screen(client, night, at(7, 9, 30), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert shown(again)[0] == "Now: Welcome and Housekeeping"


def test_saves_over_capacity_say_expected_full_and_name_the_nearest_overflow(client, night):
    for user in UserFactory.create_batch(3):
        AgendaItem.objects.create(user=user, session=night["keynote"])
    page = screen(client, night, at(7, 10, 5)).content.decode()
    assert "Expected to be full: 3 saves for 2 seats" in page
    assert "Overflow room: J.1.106 (Building J)" in page  # the same building before H.1302


def test_saves_within_capacity_say_nothing(client, night):
    AgendaItem.objects.create(user=UserFactory(), session=night["keynote"])
    assert "Expected to be full" not in screen(client, night, at(7, 10, 5)).content.decode()


def test_a_draft_conference_has_no_screens_for_organizers_either(organizer_client, night):
    night["conference"].is_published = False
    night["conference"].save()
    url = f"/night/rooms/{night['janson'].pk}/screen/"
    assert organizer_client.get(url).status_code == 404
    assert organizer_client.get("/night/screen/").status_code == 404


def test_another_conferences_room_is_a_404(client, night):
    elsewhere = RoomFactory(conference=ConferenceFactory(slug="other"))
    assert client.get(f"/night/rooms/{elsewhere.pk}/screen/").status_code == 404


def test_area_screen_shows_each_room_of_the_area(client, night):
    with time_machine.travel(at(7, 9, 30), tick=False):
        response = client.get("/night/screen/", {"area": "Building J"})
        everything = client.get("/night/screen/")
        unknown = client.get("/night/screen/", {"area": "Nowhere"})
    page = response.content.decode()
    assert "Janson" in page and "J.1.106" in page and "K.3.201" not in page
    assert shown(response) == ["Now: Welcome", "Next: Keynote"]
    assert "Elsewhere" in everything.content.decode()
    assert unknown.status_code == 404


def test_screens_run_a_fixed_number_of_queries(client, night, django_assert_num_queries):
    for index in range(6):
        SessionFactory(
            conference=night["conference"],
            room=night["janson"],
            day=datetime.date(2026, 2, 7),
            starts_at=at(7, 12 + index),
            ends_at=at(7, 12 + index, 45),
        )
        make_talk(
            SessionFactory(
                conference=night["conference"],
                room=Room.objects.get(name="K.3.201"),
                day=datetime.date(2026, 2, 7),
                starts_at=at(7, 13 + index),
            ),
            speakers=["A", "B"],
        )
    # version, conference, rooms, sessions, talks, people, saves
    with time_machine.travel(at(7, 9, 30), tick=False):
        with django_assert_num_queries(7):
            client.get(f"/night/rooms/{night['janson'].pk}/screen/")
        with django_assert_num_queries(6):  # the conference is kept now (caching.kept)
            client.get("/night/screen/")
        # A kept copy: the version only.
        with django_assert_num_queries(1):
            assert client.get("/night/screen/").status_code == 200


def test_the_items_page_says_expected_full_and_its_kept_copy_lasts_the_hour(client, night):
    keynote = night["keynote"]
    talk = keynote.talks.get()
    users = UserFactory.create_batch(3)
    AgendaItem.objects.create(user=users[0], session=keynote)
    AgendaItem.objects.create(user=users[1], talk=talk)
    with time_machine.travel(at(6, 14, 10), tick=False):  # the day before
        page = client.get(keynote.get_absolute_url()).content.decode()
        talk_page = client.get(talk.get_absolute_url())
        assert "Expected to be full" not in page  # 2 saves for 2 seats
        assert talk_page["Expires"] == "Fri, 06 Feb 2026 14:00:00 GMT"  # 15:00 in Brussels
        AgendaItem.objects.create(user=users[2], talk=talk)  # moves no version
        assert "Expected to be full" not in client.get(keynote.get_absolute_url()).content.decode()
    with time_machine.travel(at(6, 15, 0), tick=False):
        for url in (keynote.get_absolute_url(), talk.get_absolute_url()):
            page = client.get(url).content.decode()
            assert "Expected to be full: 3 saves for 2 seats" in page
            assert f'Overflow room: <a href="{night["nearby"].get_absolute_url()}">J.1.106</a>' in (
                page
            )


def test_after_the_conference_an_items_page_is_kept_until_the_program_changes(client, night):
    with time_machine.travel(at(20, 12), tick=False):
        response = client.get(night["keynote"].get_absolute_url())
    assert "Expires" not in response


def test_a_room_cannot_overflow_into_another_conference_or_itself(night):
    from django.core.exceptions import ValidationError

    janson = night["janson"]
    elsewhere = RoomFactory(conference=ConferenceFactory(slug="other"), name="Far")
    elsewhere.overflow_for = janson
    with pytest.raises(ValidationError, match="belongs to Night Conf"):
        elsewhere.full_clean()
    janson.overflow_for = janson
    with pytest.raises(ValidationError, match="cannot be its own overflow"):
        janson.full_clean()
