"""Tracks: a conference's threads, on sessions and papers, for visitors to filter by."""

import pytest
from django.core.exceptions import ValidationError

from program.models import Track
from tests.factories import ConferenceFactory, SessionFactory, make_poster

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def tracked():
    """Two tracks; a session in the first with a poster of its own and one of the second."""
    conference = ConferenceFactory(slug="tracked")
    systems = Track.objects.create(conference=conference, name="ML Systems", colour="#1F77B4")
    security = Track.objects.create(conference=conference, name="Security")
    session = SessionFactory(conference=conference, title="Compilers", track=systems)
    other = SessionFactory(conference=conference, title="Untracked", track=None)
    return {
        "conference": conference,
        "systems": systems,
        "security": security,
        "session": session,
        "other": other,
        "inherits": make_poster(session, authors=["A"], title="Inherits its session's track"),
        "own": make_poster(session, authors=["B"], title="Has its own track", track=security),
        "loose": make_poster(other, authors=["C"], title="No track at all"),
    }


def test_a_track_of_another_conference_is_refused(tracked):
    foreign = Track.objects.create(conference=ConferenceFactory(), name="Elsewhere")
    session = tracked["session"]
    session.track = foreign
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "belongs to" in error.value.message_dict["track"][0]
    paper = tracked["inherits"].contribution  # a poster's own track is its contribution's
    paper.track = foreign
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    assert "track" in error.value.message_dict


def test_a_track_colour_is_written_as_hex(tracked):
    track = tracked["security"]
    track.colour = "blue"
    with pytest.raises(ValidationError) as error:
        track.full_clean()
    assert "#RRGGBB" in error.value.message_dict["colour"][0]


def test_pages_name_the_track_where_it_is_news(client, tracked):
    day = client.get(f"/tracked/{tracked['session'].day}/").content.decode()
    # The session says its track once; only the poster of another track repeats one.
    assert day.count("Track: <a") == 2
    assert ">ML Systems</a>" in day and ">Security</a>" in day
    page = client.get(tracked["inherits"].get_absolute_url()).content.decode()
    assert ">ML Systems</a>" in page  # borrowed from its session on its own page


def test_search_filters_by_track_counting_a_papers_own_or_its_sessions(client, tracked):
    systems, security = tracked["systems"], tracked["security"]
    found = client.get("/tracked/search/", {"track": systems.pk}).context
    assert [s.title for s in found["sessions"]] == ["Compilers"]
    assert [p.title for p in found["poster_page"]] == ["Inherits its session's track"]
    found = client.get("/tracked/search/", {"track": security.pk}).context
    assert [p.title for p in found["poster_page"]] == ["Has its own track"]
    wrong = client.get("/tracked/search/", {"track": 999999})
    assert wrong.status_code == 400 and "Track" in wrong.content.decode()


def test_search_shows_no_track_field_in_a_conference_without_tracks(client):
    ConferenceFactory(slug="plain")
    page = client.get("/plain/search/").content.decode()
    assert 'name="track"' not in page
    assert 'name="room"' in page


def test_the_api_lists_tracks_nests_them_and_filters_by_them(client, tracked):
    systems, security = tracked["systems"], tracked["security"]
    listed = client.get(f"{API}/tracks/", {"conference": "tracked"}).json()["results"]
    assert [(t["name"], t["colour"]) for t in listed] == [
        ("ML Systems", "#1F77B4"),
        ("Security", ""),
    ]
    session = client.get(f"{API}/sessions/{tracked['session'].pk}/").json()
    assert session["track"] == {"id": systems.pk, "name": "ML Systems", "colour": "#1F77B4"}
    inherits = client.get(f"{API}/posters/{tracked['inherits'].pk}/").json()
    assert inherits["track"]["id"] == systems.pk
    titles = [
        p["title"] for p in client.get(f"{API}/posters/", {"track": security.pk}).json()["results"]
    ]
    assert titles == ["Has its own track"]
    sessions = client.get(f"{API}/sessions/", {"track": systems.pk}).json()["results"]
    assert [s["title"] for s in sessions] == ["Compilers"]


def test_organizers_set_a_track_through_the_api_and_another_conferences_is_refused(
    organizer_client, tracked
):
    other = tracked["other"]
    moved = organizer_client.patch(
        f"{API}/sessions/{other.pk}/",
        {"track_id": tracked["security"].pk},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["track"]["name"] == "Security"
    foreign = Track.objects.create(conference=ConferenceFactory(), name="Elsewhere")
    refused = organizer_client.patch(
        f"{API}/sessions/{other.pk}/", {"track_id": foreign.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and "track" in refused.json()
    made = organizer_client.post(
        f"{API}/tracks/",
        {"conference": "tracked", "name": "Theory", "colour": "#2CA02C"},
        content_type="application/json",
    )
    assert made.status_code == 201
    twice = organizer_client.post(
        f"{API}/tracks/",
        {"conference": "tracked", "name": "Theory"},
        content_type="application/json",
    )
    assert twice.status_code == 400


def test_generated_programs_have_tracks_on_parallel_sessions_and_some_papers():
    from devtools.devdata.generation import generate_program
    from program.models import Poster, Session, SessionKind

    generate_program(slug="gen", posters=40, sessions=10, days=2, people=80, rooms=3, talks=6)
    assert Track.objects.filter(conference__slug="gen").count() == 6
    parallel = Session.objects.filter(
        kind__in=[SessionKind.POSTER_SESSION, SessionKind.ORAL_SESSION]
    )
    assert all(session.track_id for session in parallel)
    assert Poster.objects.exclude(contribution__track=None).exists()
