"""The private calendar feed of an agenda (accounts/feed.py): what it holds, when it changes,
and who can read it."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import save_to_agenda
from tests.factories import UserFactory, make_poster, pacific

pytestmark = pytest.mark.django_db


def test_the_feed_holds_the_agenda_and_nothing_else(client, agenda_program):
    owner = UserFactory(username="owner")
    save_to_agenda(user=owner, item=agenda_program["morning"])
    save_to_agenda(user=owner, item=agenda_program["talk"])  # no time: left out
    other = UserFactory(username="other")
    save_to_agenda(user=other, item=agenda_program["overlapping"])
    response = client.get(f"/agenda/{owner.feed_token}.ics")
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Poster: Session 9"]
    assert events[0]["dtstart"].dt == pacific(8, 30)
    assert client.get("/agenda/not-a-token.ics").status_code == 404


def test_the_feed_answers_304_until_the_program_moves_and_then_updates(
    attendee_client, attendee, agenda_program
):
    save_to_agenda(user=attendee, item=agenda_program["morning"])
    url = f"/agenda/{attendee.feed_token}.ics"
    first = attendee_client.get(url)
    assert attendee_client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    sequence = icalendar.Calendar.from_ical(first.content).walk("VEVENT")[0]["sequence"]
    morning = agenda_program["morning"]
    morning.starts_at = pacific(9, 0)
    morning.save()
    # As if the organizers' edit came a while after the first download.
    conference = agenda_program["conference"]
    type(conference).objects.filter(pk=conference.pk).update(
        program_changed_at=conference.program_changed_at + datetime.timedelta(minutes=5)
    )
    moved = attendee_client.get(url, headers={"if-none-match": first["ETag"]})
    assert moved.status_code == 200
    event = icalendar.Calendar.from_ical(moved.content).walk("VEVENT")[0]
    assert event["dtstart"].dt == pacific(9, 0)
    assert event["sequence"] > sequence


def test_a_new_feed_token_retires_the_old_address_at_once(
    attendee_client, attendee, agenda_program
):
    old = attendee.feed_token
    attendee_client.post("/accounts/feed-token/")
    attendee.refresh_from_db()
    assert attendee.feed_token != old
    assert attendee_client.get(f"/agenda/{old}.ics").status_code == 404
    assert attendee_client.get(f"/agenda/{attendee.feed_token}.ics").status_code == 200


def test_the_feed_runs_the_same_queries_for_one_item_and_forty(
    attendee_client, attendee, agenda_program, django_assert_num_queries
):
    save_to_agenda(user=attendee, item=agenda_program["morning"])
    save_to_agenda(user=attendee, item=agenda_program["poster"])
    url = f"/agenda/{attendee.feed_token}.ics"
    with CaptureQueriesContext(connection) as one:
        attendee_client.get(url)
    for number in range(40):
        save_to_agenda(
            user=attendee, item=make_poster(agenda_program["morning"], authors=[f"P{number}"])
        )
    with django_assert_num_queries(len(one)):
        attendee_client.get(url)
