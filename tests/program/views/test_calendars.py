"""The calendar files a visitor downloads (program/views/calendars.py); what goes into them is
tested in tests/program/test_calendar.py."""

import icalendar
import pytest

pytestmark = pytest.mark.django_db


def events_in(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_calendar_files_are_served_and_untimed_items_are_404(client, berlin):
    _, before, _, untimed = berlin
    response = client.get(f"/berlin/sessions/{before.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events_in(response)) == 1
    assert client.get(f"/berlin/sessions/{untimed.pk}.ics").status_code == 404
    assert client.get(f"/berlin/talks/{untimed.talks.get().pk}.ics").status_code == 404
    whole = client.get("/berlin/schedule.ics")
    assert len(events_in(whole)) == 2
    assert str(events_in(whole)[0]["url"]).startswith("http://testserver/berlin/sessions/")
