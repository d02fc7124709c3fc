"""Session kinds and presentation types: defaults for all, and a conference's own."""

import json

import pytest
from django.core.exceptions import ValidationError

from program.models import Session, SessionKind
from tests.factories import (
    ConferenceFactory,
    SessionFactory,
    make_talk,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def fosdem(db):
    """A community conference with a kind of its own, a relabelled default and its own talk
    types."""
    return ConferenceFactory(
        slug="fosdem",
        name="FOSDEM 2026",
        session_kinds={"hallway": "Hallway Track", "poster_session": "Poster Spotlights"},
        presentation_types={"lightning": "5-minute talk", "keysigning": "Keysigning"},
    )


def test_a_conferences_own_kind_is_valid_there_and_labelled_once(fosdem):
    rust = SessionFactory(conference=fosdem, kind="hallway", title="Rust")
    rust.full_clean()
    assert rust.kind_label == "Hallway Track"
    assert rust.heading == "Hallway Track: Rust"
    already = SessionFactory(conference=fosdem, kind="hallway", title="Hallway Track: Go")
    assert already.heading == "Hallway Track: Go"  # never "Hallway Track: Hallway Track: Go"
    posters = SessionFactory(conference=fosdem, kind=SessionKind.POSTER_SESSION, title="One")
    assert posters.heading == "Poster Spotlights: One"
    elsewhere = SessionFactory(conference=ConferenceFactory(slug="other"), kind="hallway")
    with pytest.raises(ValidationError) as error:
        elsewhere.full_clean()
    assert "'hallway' is not a session kind of" in str(error.value.message_dict["kind"])


def test_a_conference_names_its_kinds_as_codes_and_labels(fosdem):
    for bad in ({"Dev Room": "x"}, {"devroom": ""}, ["devroom"], {"x" * 33: "Long"}):
        fosdem.session_kinds = bad
        with pytest.raises(ValidationError) as error:
            fosdem.full_clean()
        assert "session_kinds" in error.value.message_dict, bad


def test_a_talks_type_labels_its_slot_and_its_frab_event(client, fosdem):
    session = SessionFactory(conference=fosdem, kind="hallway", title="Rust")
    talk = make_talk(session, speakers=["Ferris"], title="Borrowing")
    assert talk.slot_label == "Hallway Track"  # no type: its session's kind
    talk.presentation_type = "lightning"
    talk.do_not_record = True
    talk.full_clean()
    talk.save()
    assert talk.slot_label == "5-minute talk"
    page = client.get(talk.get_absolute_url()).content.decode()
    assert '<p class="item-kind">5-minute talk</p>' in page
    assert "Not recorded or streamed" in page
    (event,) = [
        e
        for day in json.loads(client.get("/fosdem/schedule.json").content)["schedule"][
            "conference"
        ]["days"]
        for events in day["rooms"].values()
        for e in events
    ]
    assert (event["type"], event["do_not_record"]) == ("5-minute talk", True)
    xml = client.get("/fosdem/schedule.xml").content.decode()
    assert "<optout>true</optout>" in xml
    talk.presentation_type = "unknown"
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert "presentation_type" in error.value.message_dict


def test_search_and_api_filter_by_a_conferences_own_kind(client, fosdem):
    SessionFactory(conference=fosdem, kind="hallway", title="Rust")
    SessionFactory(conference=fosdem, kind=SessionKind.KEYNOTE, title="Welcome")
    page = client.get("/fosdem/search/", {"kind": "hallway"})
    assert page.status_code == 200
    assert [s.title for s in page.context["sessions"]] == ["Rust"]
    assert '<option value="hallway" selected>Hallway Track</option>' in page.content.decode()
    assert client.get("/fosdem/search/", {"kind": "banquet"}).status_code == 400
    listed = client.get(f"{API}/sessions/", {"conference": "fosdem", "kind": "hallway"}).json()
    assert [(s["title"], s["kind_display"]) for s in listed["results"]] == [
        ("Rust", "Hallway Track")
    ]
    assert client.get(f"{API}/sessions/", {"kind": "Not A Code!"}).status_code == 400


def test_api_refuses_a_kind_or_type_the_conference_does_not_have(organizer_client, fosdem):
    day = fosdem.start_date.isoformat()
    made = organizer_client.post(
        f"{API}/sessions/",
        {"conference": "fosdem", "kind": "hallway", "title": "Go", "day": day},
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    refused = organizer_client.post(
        f"{API}/sessions/",
        {"conference": "fosdem", "kind": "banquet", "title": "Dinner", "day": day},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "kind" in refused.json()
    assert not Session.objects.filter(title="Dinner").exists()
    talk = organizer_client.post(
        f"{API}/talks/",
        {"session_id": made.json()["id"], "title": "Goroutines", "presentation_type": "juggling"},
        content_type="application/json",
    )
    assert talk.status_code == 400 and "presentation_type" in talk.json()


def test_the_admin_offers_the_conferences_own_kinds(organizer_client, fosdem):
    session = SessionFactory(conference=fosdem, kind="hallway", title="Rust")
    page = organizer_client.get(f"/admin/program/session/{session.pk}/change/").content.decode()
    assert '<option value="hallway" selected>Hallway Track</option>' in page
    talk = make_talk(session, speakers=["Ferris"])
    page = organizer_client.get(f"/admin/program/talk/{talk.pk}/change/").content.decode()
    assert '<option value="keysigning">Keysigning</option>' in page
