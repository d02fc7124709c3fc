"""Which conference is current, and what is on now, computed in each conference's own zone."""

import datetime

import pytest

from program import timing
from program.models import SessionKind
from tests.factories import PACIFIC, ConferenceFactory, SessionFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=PACIFIC)


def conference(slug, start, end, timezone="America/Los_Angeles"):
    return ConferenceFactory.build(
        slug=slug, start_date=start, end_date=end, timezone=timezone, is_published=True
    )


def test_the_running_conference_is_current_then_the_next_then_the_latest():
    past = conference("past", datetime.date(2024, 5, 1), datetime.date(2024, 5, 3))
    running = conference("running", datetime.date(2025, 5, 12), datetime.date(2025, 5, 15))
    future = conference("future", datetime.date(2026, 5, 1), datetime.date(2026, 5, 3))
    every = [past, running, future]
    assert timing.current_conference(every, at(14, 9)) == running
    assert timing.current_conference(every, at(20, 9)) == future
    assert timing.current_conference([past, running], at(20, 9)) == running
    assert timing.current_conference([], at(20, 9)) is None


def test_running_is_decided_in_the_conferences_own_zone():
    # 16 May 02:00 in Berlin is still 15 May in Santa Clara: the Pacific conference still runs.
    santa_clara = conference("sc", datetime.date(2025, 5, 12), datetime.date(2025, 5, 15))
    moment = datetime.datetime(
        2025, 5, 16, 2, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert timing.is_running(santa_clara, moment)
    tokyo = conference(
        "tokyo", datetime.date(2025, 5, 12), datetime.date(2025, 5, 15), timezone="Asia/Tokyo"
    )
    assert not timing.is_running(tokyo, moment)


def sessions_of_the_seed_day():
    host = ConferenceFactory()
    make = lambda position, start, end=None, kind=SessionKind.POSTER_SESSION: SessionFactory(  # noqa: E731
        conference=host, position=position, starts_at=start, ends_at=end, kind=kind
    )
    return [
        make(1, at(15, 8, 0), kind=SessionKind.REGISTRATION),
        make(2, at(15, 8, 30)),
        make(3, None, kind=SessionKind.INVITED_TALK),
        make(4, at(15, 13, 15), at(15, 14, 40)),
        make(5, at(15, 14, 40)),
        make(6, at(15, 16, 30)),
        make(7, at(15, 18, 0), kind=SessionKind.CLOSING_REMARKS),
    ]


def test_a_session_with_a_known_end_is_happening_between_its_start_and_end():
    sessions = sessions_of_the_seed_day()
    assert timing.happening_now(sessions, at(15, 13, 30)) == [sessions[3]]
    assert sessions[3] not in timing.happening_now(sessions, at(15, 14, 45))


def test_a_session_without_an_end_runs_until_the_next_one_starts():
    sessions = sessions_of_the_seed_day()
    assert timing.happening_now(sessions, at(15, 8, 10)) == [sessions[0]]
    assert timing.happening_now(sessions, at(15, 12, 0)) == [sessions[1]]
    assert timing.happening_now(sessions, at(15, 19, 0)) == [sessions[6]]
    assert timing.happening_now(sessions, at(15, 7, 0)) == []
    assert timing.happening_now(sessions, at(16, 9, 0)) == []


def test_up_next_is_the_earliest_future_start_and_skips_unknown_times():
    sessions = sessions_of_the_seed_day()
    assert timing.up_next(sessions, at(15, 8, 10)) == [sessions[1]]
    assert timing.up_next(sessions, at(15, 9, 0)) == [sessions[3]]
    assert timing.up_next(sessions, at(15, 18, 30)) == []


def test_the_overview_clock_changes_when_the_first_day_begins_each_minute_and_at_the_end():
    """Days starting at 05:00: 04:59 on the first day is still before the conference; from
    05:00 each minute is a state of its own; after the last day (it ends at 05:00 next morning)
    one state for good."""
    live = conference("clock", datetime.date(2025, 5, 12), datetime.date(2025, 5, 15))
    live.day_starts_at = datetime.time(5, 0)
    before = timing.live_clock(live, at(12, 4, 59))
    assert before == timing.Clock("before", at(12, 5, 0))
    first = timing.live_clock(live, at(12, 5, 0) + datetime.timedelta(seconds=30))
    assert first.until == at(12, 5, 1) and first.label != before.label
    assert timing.live_clock(live, at(12, 5, 0)).label == first.label
    assert timing.live_clock(live, at(12, 5, 1)).label != first.label
    assert timing.live_clock(live, at(16, 4, 59)).until == at(16, 5, 0)
    assert timing.live_clock(live, at(16, 5, 0)) == timing.Clock("after", None)
