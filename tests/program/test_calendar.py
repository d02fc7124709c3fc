"""Calendar files parse back to the program: stable UIDs, times in the right zone, no guesses."""

import datetime

import icalendar
import pytest
import time_machine
import vobject
from django.utils.http import parse_http_date

from program import timing
from program.interchange import calendar
from program.models import Session

pytestmark = pytest.mark.django_db


def url_for(item) -> str:
    return f"https://program.example.org{item.get_absolute_url()}"


def events(data: bytes) -> list:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def test_program_calendar_has_each_timed_session_poster_and_talk_in_the_zone(berlin):
    conference, before, after, _ = berlin
    sessions = Session.objects.for_conference(conference).in_program_order().for_calendar()
    found = events(calendar.program_calendar(conference, sessions, url_for=url_for))
    # The poster is an event of its own, after its session; the untimed session is left out.
    assert [str(e["summary"]) for e in found] == [before.heading, "Poster: Subsets", after.heading]
    first, poster, second = found
    assert poster["dtstart"].dt == before.starts_at and poster["dtend"].dt == before.ends_at
    assert str(poster["description"]) == "Maximilian Böther, Ana Klimovic"  # no abstract here
    assert str(poster["uid"]) == f"poster-{before.posters.get().uid}@conference-program"
    # Stamped with the program's last change, so the file changes only with the program.
    assert first["dtstamp"].dt == conference.program_changed_at.replace(microsecond=0)
    assert first["sequence"] == calendar.sequence_of(conference.program_changed_at)
    assert first["dtstart"].dt == before.starts_at
    assert first["dtstart"].dt.utcoffset() == datetime.timedelta(hours=2)  # CEST
    assert second["dtstart"].dt.utcoffset() == datetime.timedelta(hours=1)  # CET
    assert first["dtend"].dt == before.ends_at
    # No end known and nothing after it that day: the documented default length, so calendar
    # apps do not show a zero-minute event.
    assert second["dtend"].dt - second["dtstart"].dt == timing.DEFAULT_DURATION
    assert str(first["location"]) == "Saal 1, Berlin"
    assert str(first["url"]) == url_for(before)
    assert "Poster: Subsets" not in str(first.get("description", ""))  # an event of its own
    parsed = icalendar.Calendar.from_ical(
        calendar.program_calendar(conference, sessions, url_for=url_for)
    )
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(parsed["x-wr-calname"]) == "Berlin Systems 2025"


def test_uids_are_stable_across_builds(berlin):
    conference, *_ = berlin
    sessions = Session.objects.for_conference(conference).with_program()
    once = [
        str(e["uid"])
        for e in events(calendar.program_calendar(conference, sessions, url_for=url_for))
    ]
    again = [
        str(e["uid"])
        for e in events(calendar.program_calendar(conference, sessions, url_for=url_for))
    ]
    assert once == again
    assert once[0] == f"session-{sessions.get(position=1).uid}@conference-program"


def test_a_poster_takes_its_sessions_time_and_lists_its_authors(berlin):
    _, before, _, _ = berlin
    poster = before.posters.get()
    (event,) = events(calendar.item_calendar(poster, url_for=url_for))
    assert event["dtstart"].dt == before.starts_at
    assert str(event["summary"]) == "Poster: Subsets"
    assert str(event["description"]).startswith("Maximilian Böther, Ana Klimovic")


def test_items_without_a_known_time_are_left_out(berlin):
    _, _, _, untimed = berlin
    assert not calendar.has_known_time(untimed)
    assert events(calendar.item_calendar(untimed, url_for=url_for)) == []
    assert events(calendar.item_calendar(untimed.talks.get(), url_for=url_for)) == []


def test_the_calendar_costs_no_query_per_session(berlin, django_assert_num_queries):
    conference, *_ = berlin
    sessions = list(Session.objects.for_conference(conference).for_calendar())
    with django_assert_num_queries(0):
        calendar.program_calendar(conference, sessions, url_for=url_for)


def test_an_end_not_known_is_the_next_session_in_the_room_that_day(berlin):
    conference, before, _, _ = berlin
    later = Session.objects.create(
        conference=conference,
        title="Later",
        day=before.day,
        room=before.room,
        position=9,
        starts_at=before.ends_at + datetime.timedelta(hours=1),
    )
    before.ends_at = None
    before.save()
    sessions = Session.objects.for_conference(conference).in_program_order().with_program()
    found = {
        str(e["summary"]): e
        for e in events(calendar.program_calendar(conference, sessions, url_for=url_for))
    }
    assert found[before.heading]["dtend"].dt == later.starts_at
    # Its poster's own calendar file says the same (one query finds the day's sessions).
    poster = before.posters.get()
    (event,) = events(calendar.item_calendar(poster, url_for=url_for))
    assert event["dtend"].dt == later.starts_at


def test_the_same_program_gives_the_same_calendar_file_and_a_304(client, seed):
    # DTSTAMP is the program's last change, not the time of the request.
    first = client.get("/mlsys2025/schedule.ics")
    with time_machine.travel(datetime.timedelta(minutes=5)):
        later = client.get("/mlsys2025/schedule.ics")
    assert later.content == first.content
    assert b"DTSTAMP:" in first.content
    revisit = client.get("/mlsys2025/schedule.ics", headers={"if-none-match": first["ETag"]})
    assert revisit.status_code == 304


def test_control_characters_never_reach_a_calendar_file(client, berlin):
    """icalendar writes them as they are (and fails on a lone surrogate): they are left out."""
    _, before, _, _ = berlin
    poster = before.posters.get()
    poster.contribution.title = "Sub\x02sets"
    poster.contribution.abstract = "We\x02 select\x0b subsets.\nSecond line."
    poster.contribution.save()
    for path in (f"/berlin/posters/{poster.pk}.ics", "/berlin/schedule.ics"):
        body = client.get(path).content
        assert b"\x02" not in body and b"\x0b" not in body
        found = {str(e["summary"]): e for e in events(body)}
        assert "Poster: Subsets" in found
    (event,) = events(client.get(f"/berlin/posters/{poster.pk}.ics").content)
    assert str(event["description"]).endswith("We select subsets.\nSecond line.")


@pytest.mark.parametrize("which", ["program", "session", "poster"])
def test_last_modified_and_if_modified_since(which, client, berlin, django_assert_num_queries):
    """Every calendar file says when the program last changed: a client asking with
    If-Modified-Since gets a 304 (also from the front cache) until it changes again."""
    conference, before, _, _ = berlin
    path = {
        "program": "/berlin/schedule.ics",
        "session": f"/berlin/sessions/{before.pk}.ics",
        "poster": f"/berlin/posters/{before.posters.get().pk}.ics",
    }[which]
    first = client.get(path)
    modified = first["Last-Modified"]
    conference.refresh_from_db()  # the fixture's sessions moved it after the conference was made
    assert parse_http_date(modified) == int(conference.program_changed_at.timestamp())
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):  # the front cache's site version: the kept copy answers
        kept = client.get(path, headers={"if-modified-since": modified})
    assert kept.status_code == 304 and kept["Last-Modified"] == modified
    with django_assert_num_queries(1):
        again = client.get(path)  # the kept copy, whole, says it too
    assert again.content == first.content and again["Last-Modified"] == modified
    with time_machine.travel(datetime.timedelta(seconds=2)):
        before.title = "Renamed"
        before.save()
    changed = client.get(path, headers={"if-modified-since": modified})
    assert changed.status_code == 200
    assert parse_http_date(changed["Last-Modified"]) > parse_http_date(modified)
    assert client.get(path, headers={"if-none-match": changed["ETag"]}).status_code == 304


def test_the_time_zone_covers_the_conference_and_vobject_reads_it(berlin):
    """One DTSTART per change of offset in the conference's days, no RDATE lists: vobject (so
    Radicale) read the 1970-2038 form's lists as their first date and put events an hour off."""
    conference, before, after, _ = berlin
    sessions = Session.objects.for_conference(conference).in_program_order().for_calendar()
    data = calendar.program_calendar(conference, sessions, url_for=url_for)
    (zone,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert [str(part.name) for part in zone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    assert b"RDATE" not in data
    read = vobject.readOne(data.decode())
    starts = [event.dtstart.value for event in read.contents["vevent"]]
    assert starts == [before.starts_at, before.starts_at, after.starts_at]
    assert [start.utcoffset() for start in starts] == [
        datetime.timedelta(hours=h) for h in (2, 2, 1)
    ]
