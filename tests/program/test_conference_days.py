"""Conference days that start after midnight, and sessions that run across it."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from accounts.agenda import build_agenda
from accounts.models import AgendaItem
from accounts.services import save_to_agenda
from program import timing
from tests.factories import ConferenceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


def berlin(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, 12, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def congress():
    """Four days in Berlin whose days start at 05:00, as a congress prints its nights."""
    return ConferenceFactory(
        slug="congress",
        timezone="Europe/Berlin",
        start_date=datetime.date(2025, 12, 27),
        end_date=datetime.date(2025, 12, 30),
        day_starts_at=datetime.time(5, 0),
    )


def test_a_moment_before_the_day_start_belongs_to_the_day_before(congress):
    assert congress.day_of(berlin(28, 0, 30)) == datetime.date(2025, 12, 27)
    assert congress.day_of(berlin(28, 4, 59)) == datetime.date(2025, 12, 27)
    assert congress.day_of(berlin(28, 5, 0)) == datetime.date(2025, 12, 28)
    # The same moment seen from elsewhere is still judged in the conference's zone.
    assert congress.day_of(berlin(28, 0, 30).astimezone(UTC)) == datetime.date(2025, 12, 27)


def test_a_talk_at_half_past_midnight_is_valid_on_the_previous_conference_day(congress):
    late = SessionFactory.build(
        conference=congress, day=datetime.date(2025, 12, 27), starts_at=berlin(28, 0, 30)
    )
    late.full_clean()
    late.day = datetime.date(2025, 12, 28)
    with pytest.raises(ValidationError) as error:
        late.full_clean()
    (message,) = error.value.message_dict["starts_at"]
    assert "2025-12-27" in message and "05:00" in message


def test_with_days_from_midnight_half_past_midnight_is_the_next_day():
    conference = ConferenceFactory(timezone="Europe/Berlin")  # 12-15 May 2025, days at 00:00
    session = SessionFactory.build(
        conference=conference,
        day=datetime.date(2025, 5, 12),
        starts_at=datetime.datetime(2025, 5, 13, 0, 30, tzinfo=BERLIN),
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "2025-05-13" in error.value.message_dict["starts_at"][0]


def test_a_virtual_session_runs_from_23_00_to_01_00_utc():
    conference = ConferenceFactory(
        timezone="UTC", start_date=datetime.date(2025, 7, 28), end_date=datetime.date(2025, 7, 30)
    )
    session = SessionFactory(
        conference=conference,
        day=datetime.date(2025, 7, 28),
        starts_at=datetime.datetime(2025, 7, 28, 23, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2025, 7, 29, 1, 0, tzinfo=UTC),
    )
    session.full_clean()
    # Under way after midnight, on its own day.
    at_half_past = datetime.datetime(2025, 7, 29, 0, 30, tzinfo=UTC)
    assert timing.happening_now([session], at_half_past) == [session]


def test_a_workshop_may_span_two_days_but_not_run_past_the_last_one(congress):
    workshop = SessionFactory.build(
        conference=congress,
        day=datetime.date(2025, 12, 29),
        starts_at=berlin(29, 10),
        ends_at=berlin(30, 18),
    )
    workshop.full_clean()
    workshop.ends_at = berlin(31, 5)  # the last day's very end: its day start the morning after
    workshop.full_clean()
    workshop.ends_at = berlin(31, 12)
    with pytest.raises(ValidationError) as error:
        workshop.full_clean()
    assert "2025-12-30" in error.value.message_dict["ends_at"][0]


def test_the_running_day_and_the_agenda_follow_the_conference_day_start(congress):
    late = SessionFactory(
        conference=congress,
        day=datetime.date(2025, 12, 27),
        starts_at=berlin(28, 0, 30),
        ends_at=berlin(28, 1, 30),
    )
    assert timing.local_today(congress, berlin(28, 1)) == datetime.date(2025, 12, 27)
    attendee = UserFactory()
    save_to_agenda(user=attendee, item=late)
    items = list(AgendaItem.objects.visible_to(attendee).with_items())
    (day,), zone = build_agenda(attendee, items)
    assert zone.key == "Europe/Berlin"
    assert day.day == datetime.date(2025, 12, 27)
    # An attendee who reads the agenda in UTC sees the calendar date there.
    attendee.timezone = "UTC"
    (day,), _ = build_agenda(attendee, items)
    assert day.day == datetime.date(2025, 12, 27)  # 23:30 UTC
    attendee.timezone = "Asia/Tokyo"
    (day,), _ = build_agenda(attendee, items)
    assert day.day == datetime.date(2025, 12, 28)


def test_the_day_page_lists_a_late_session_under_its_conference_day(client, congress):
    late = SessionFactory(
        conference=congress,
        title="Night talk",
        day=datetime.date(2025, 12, 27),
        starts_at=berlin(28, 0, 30),
    )
    assert late.title in client.get("/congress/2025-12-27/").content.decode()
    assert late.title not in client.get("/congress/2025-12-28/").content.decode()


def test_the_api_shows_and_sets_the_day_start_on_the_conference_clock(
    client, congress, organizer_client
):
    shown = client.get("/api/v1/conferences/congress/").json()
    assert shown["day_starts_at"] == "05:00"
    changed = organizer_client.patch(
        "/api/v1/conferences/congress/", {"day_starts_at": "06:30"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["day_starts_at"] == "06:30"
    congress.refresh_from_db()
    assert congress.day_starts_at == datetime.time(6, 30)
    wrong = organizer_client.patch(
        "/api/v1/conferences/congress/", {"day_starts_at": "25:00"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "day_starts_at" in wrong.json()
