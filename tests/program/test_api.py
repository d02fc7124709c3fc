"""The JSON API: the program's shapes, filters, errors, auth, organizer writes, and costs."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from program.models import Poster, Session
from tests.factories import PASSWORD, ConferenceFactory, SessionFactory, UserFactory, make_poster

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_a_client_reads_the_whole_seed_day_with_times_in_pacific_time(client, seed):
    body = client.get(f"{API}/sessions/", {"conference": "mlsys2025", "day": "2025-05-15"}).json()
    assert body["count"] == 7
    sessions = body["results"]
    assert [s["kind"] for s in sessions][:3] == ["registration", "poster_session", "invited_talk"]
    assert sessions[1]["starts_at"] == "2025-05-15T08:30:00-07:00"
    assert sessions[2]["starts_at"] is None and sessions[2]["ics_url"] is None
    assert sessions[3]["ends_at"] == "2025-05-15T14:40:00-07:00"
    assert sessions[1]["room"]["name"] == "Mission City Ballroom"
    assert len(sessions[1]["posters"]) == 5
    assert sessions[1]["url"] == f"http://testserver/mlsys2025/sessions/{sessions[1]['id']}/"


def test_posters_have_ordered_authors_and_names_as_printed(client, seed):
    body = client.get(f"{API}/posters/", {"q": "bother"}).json()
    (poster,) = body["results"]
    assert [a["name"] for a in poster["authors"]] == [
        "Maximilian Böther",
        "Abe Sebastian",
        "Pranjal Awasthi",
        "Ana Klimovic",
        "Srikumar Ramalingam",
    ]
    assert [a["position"] for a in poster["authors"]] == [1, 2, 3, 4, 5]
    assert poster["session"]["starts_at"] == "2025-05-15T08:30:00-07:00"
    assert poster["abstract"].endswith("scale to a dataset …")
    response = client.get(f"{API}/posters/{poster['id']}/")
    assert "Maximilian Böther".encode() in response.content  # UTF-8, not \\u escapes


def test_talks_carry_speakers_with_their_bio(client, seed):
    (talk,) = client.get(f"{API}/talks/").json()["results"]
    assert talk["speakers"][0]["name"] == "Ling Liu"
    assert talk["speakers"][0]["bio"].startswith("Ling Liu is a Professor")


def test_people_list_their_posters_and_filter_by_conference_and_search(client, seed):
    body = client.get(f"{API}/people/", {"conference": "mlsys2025", "q": "klimovic"}).json()
    (ana,) = body["results"]
    assert len(ana["posters"]) == 2
    assert ana["url"] == "http://testserver/mlsys2025/people/ana-klimovic/"
    assert client.get(f"{API}/people/", {"conference": "mlsys2025"}).json()["count"] == 132


def test_posters_filter_by_person_session_and_day(client, seed):
    ana = client.get(f"{API}/people/", {"q": "ana klimovic"}).json()["results"][0]
    assert client.get(f"{API}/posters/", {"person": ana["id"]}).json()["count"] == 2
    session = Session.objects.get(title__startswith="Session 11")
    assert client.get(f"{API}/posters/", {"session": session.pk}).json()["count"] == 5
    assert client.get(f"{API}/posters/", {"day": "2025-05-14"}).json()["count"] == 0


def test_sessions_filter_by_kind_room_and_time_and_order(client, seed):
    assert client.get(f"{API}/sessions/", {"kind": "poster_session"}).json()["count"] == 4
    afternoon = client.get(
        f"{API}/sessions/", {"starts_after": "2025-05-15T13:00:00-07:00", "ordering": "-starts_at"}
    ).json()["results"]
    assert [s["title"] for s in afternoon] == [
        "Closing Remarks",
        "Session 12: Edge and Cloud Systems",
        "Session 11: Federated Learning",
        "Session 10: LLM and Diffusion Model Serving",
    ]


@pytest.mark.parametrize(
    "path, params, parameter",
    [
        ("sessions", {"kind": "Not A Code!"}, "kind"),
        ("sessions", {"day": "15/05/2025"}, "day"),
        ("sessions", {"room": "abc"}, "room"),
        ("sessions", {"starts_after": "yesterday"}, "starts_after"),
        ("sessions", {"conference": "no-such"}, "conference"),
        ("posters", {"session": "x"}, "session"),
        ("posters", {"person": "-1"}, "person"),
        ("posters", {"page_size": "100000"}, "page_size"),
        ("posters", {"page_size": "0"}, "page_size"),
        ("posters", {"page": "-2"}, "page"),
        ("people", {"q": "x" * 500}, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, seed, path, params, parameter):
    response = client.get(f"{API}/{path}/", params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_sql_looking_and_odd_strings_are_just_text(client, seed):
    for text in ("' OR 1=1 --", "%", "_", "\\", "Robert'); DROP TABLE program_poster;--"):
        response = client.get(f"{API}/posters/", {"q": text})
        assert response.status_code == 200
    assert Poster.objects.count() == 20


def test_pagination_has_count_next_previous_and_results(client, seed):
    body = client.get(f"{API}/posters/", {"page_size": 7, "page": 2}).json()
    assert body["count"] == 20 and len(body["results"]) == 7
    assert "page=3" in body["next"] and body["previous"].endswith("page_size=7")
    assert client.get(f"{API}/posters/", {"page": 99}).status_code == 404


def test_drafts_are_invisible_to_everyone_but_staff(client, seed):
    draft = ConferenceFactory(slug="draft", is_published=False)
    poster = make_poster(SessionFactory(conference=draft), authors=["Secret Person"])
    assert client.get(f"{API}/conferences/draft/").status_code == 404
    assert client.get(f"{API}/posters/{poster.pk}/").status_code == 404
    # A person seen only in a draft is not listed at all, not even by name.
    assert client.get(f"{API}/people/", {"q": "secret"}).json()["results"] == []
    person = poster.contribution.people.get()
    assert client.get(f"{API}/people/{person.pk}/").status_code == 404
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.get(f"{API}/posters/{poster.pk}/").status_code == 200
    (listed,) = client.get(f"{API}/people/", {"q": "secret"}).json()["results"]
    assert [item["id"] for item in listed["posters"]] == [poster.pk]


def test_anonymous_writes_get_401_with_www_authenticate(client, seed):
    response = client.post(f"{API}/rooms/", {"name": "Hall", "conference": "mlsys2025"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_signed_in_attendee_without_permission_gets_403(attendee_client, seed):
    response = attendee_client.post(
        f"{API}/rooms/",
        {"name": "Hall", "conference": "mlsys2025"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_session_auth_writes_need_the_csrf_token(organizer, seed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(organizer)
    response = strict.post(
        f"{API}/rooms/",
        {"name": "Hall", "conference": "mlsys2025"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_token_auth_gives_a_token_for_username_and_password(client, attendee, seed):
    response = client.post(f"{API}/auth/token/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=attendee).key == token
    bad = client.post(f"{API}/auth/token/", {"username": "ada", "password": "wrong"})
    assert bad.status_code == 400


def test_organizers_create_a_poster_with_authors_by_name(organizer_client, seed):
    session = Session.objects.get(title__startswith="Session 12")
    response = organizer_client.post(
        f"{API}/posters/",
        {
            "title": "A late poster",
            "session_id": session.pk,
            "position": 6,
            "author_names": ["Ana Klimovic", "Brand New Person"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [a["name"] for a in body["authors"]] == ["Ana Klimovic", "Brand New Person"]
    assert body["authors"][0]["slug"] == "ana-klimovic"  # the existing person, not a copy
    page = organizer_client.get("/mlsys2025/2025-05-15/").content.decode()
    assert "A late poster" in page


def test_organizer_writes_are_validated_like_the_admin(organizer_client, seed):
    session = Session.objects.get(title__startswith="Session 10")
    response = organizer_client.patch(
        f"{API}/sessions/{session.pk}/",
        {"ends_at": "2025-05-15T12:00:00-07:00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["ends_at"] == ["The end time must be after the start time."]
    other_room = ConferenceFactory(slug="other").rooms.create(name="Elsewhere")
    response = organizer_client.patch(
        f"{API}/sessions/{session.pk}/", {"room_id": other_room.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "room" in response.json()
    response = organizer_client.post(
        f"{API}/conferences/",
        {
            "slug": "x",
            "name": "X",
            "timezone": "Mars/Base",
            "start_date": "2026-01-02",
            "end_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"timezone"}


def test_organizers_move_a_session_and_the_pages_show_it(organizer_client, seed):
    session = Session.objects.get(title__startswith="Session 11")
    response = organizer_client.patch(
        f"{API}/sessions/{session.pk}/",
        {"starts_at": "2025-05-15T15:00:00-07:00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["starts_at"] == "2025-05-15T15:00:00-07:00"
    assert (
        "3:00 p.m." in organizer_client.get(f"/mlsys2025/sessions/{session.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ('{"title": 5, "session_id": "x", "unknown": true}', "application/json"),
        ('["a", "list"]', "application/json"),
        (b"\xff\xfe\x00bad", "application/json"),
    ],
)
def test_malformed_payloads_are_400_not_500(organizer_client, seed, body, content_type):
    response = organizer_client.post(f"{API}/posters/", body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_repeat_get_with_if_none_match_gets_304(client, seed):
    first = client.get(f"{API}/sessions/")
    assert first.has_header("ETag")
    again = client.get(f"{API}/sessions/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_any_origin_may_read_without_credentials(client, seed):
    response = client.get(f"{API}/sessions/", headers={"origin": "https://app.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_throttling_answers_429_with_retry_after(client, seed, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [client.get(f"{API}/conferences/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert int(client.get(f"{API}/conferences/")["Retry-After"]) > 0


def test_schema_and_docs_are_served_from_our_own_static_files(client):
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/posters/" in schema.content.decode()
    docs = client.get(f"{API}/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "//unpkg" not in docs


@pytest.mark.parametrize("endpoint", ["sessions", "posters", "talks", "people"])
def test_lists_run_the_same_queries_for_a_page_of_5_and_of_500(
    client, django_assert_num_queries, endpoint
):
    from devtools.devdata.generation import generate_program

    generate_program(slug="api", posters=500, sessions=12, days=2, people=800, rooms=3, talks=30)
    client.get(f"{API}/conferences/")  # the client's first request makes its rate counters
    with CaptureQueriesContext(connection) as page_of_5:
        response = client.get(f"{API}/{endpoint}/", {"page_size": 5})
    assert response.status_code == 200
    with django_assert_num_queries(len(page_of_5)):
        response = client.get(f"{API}/{endpoint}/", {"page_size": 500})
    assert response.status_code == 200


def test_detail_endpoints_return_404_for_unknown_ids(client, seed):
    for endpoint in ("sessions", "posters", "talks", "people", "rooms"):
        assert client.get(f"{API}/{endpoint}/999999/").status_code == 404
    assert client.get(f"{API}/sessions/abc/").status_code == 404


def test_time_is_iso_with_the_offset_of_the_conferences_own_zone(client):
    berlin = ConferenceFactory(slug="berlin", timezone="Europe/Berlin")
    SessionFactory(
        conference=berlin,
        starts_at=datetime.datetime(2025, 5, 15, 7, 0, tzinfo=datetime.UTC),
    )
    (session,) = client.get(f"{API}/sessions/", {"conference": "berlin"}).json()["results"]
    assert session["starts_at"] == "2025-05-15T09:00:00+02:00"


@pytest.mark.parametrize(
    "value", ["0273-02-15T18:02:34+18:03", "2025-05-15T08:00:00-23:00", "0001-01-01T00:00:00+01:00"]
)
def test_times_with_impossible_offsets_are_400_not_500(client, seed, value):
    response = client.get(f"{API}/sessions/", {"starts_before": value})
    assert response.status_code == 400
    assert "starts_before" in response.json()


def test_times_with_real_offsets_filter_in_utc(client, seed):
    body = client.get(
        f"{API}/sessions/", {"starts_after": "2025-05-16T07:30:00+14:00"}
    ).json()  # 17:30 UTC on the 15th = 10:30 PDT
    assert (
        next(s["title"] for s in body["results"]) == "Session 10: LLM and Diffusion Model Serving"
    )


@pytest.mark.parametrize("resource", ["rooms", "sessions"])
def test_a_nul_byte_in_a_conference_slug_is_a_400_not_a_server_error(
    organizer_client, seed, resource
):
    payload = {"conference": "mlsys\u00002025", "name": "Hall", "title": "T", "day": "2025-05-15"}
    response = organizer_client.post(f"{API}/{resource}/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "conference" in response.json()


@pytest.mark.parametrize("ordering", ["starts_at", "-starts_at"])
def test_untimed_items_sort_last_whichever_the_direction(client, seed, ordering):
    results = client.get(
        f"{API}/sessions/", {"conference": "mlsys2025", "ordering": ordering}
    ).json()["results"]
    starts = [session["starts_at"] for session in results]
    assert starts[-1] is None and None not in starts[:-1]
    timed = starts[:-1]
    assert timed == sorted(timed, reverse=ordering.startswith("-"))


def test_anonymous_reads_are_built_once_per_program_change(client, seed, organizer):
    """The second anonymous read of a list comes from the cache in a fixed number of queries
    (the published program's version), whatever the list's size; an edit through the API shows
    at once; a signed-in organizer is answered privately, not from the shared copy."""
    url = f"{API}/posters/?page_size=20"
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url)
    assert second.content == first.content and second["ETag"] == first["ETag"]
    # The throttle's counter, the program's version, the stored copy: no poster is read.
    assert not any("program_poster" in q["sql"] for q in second_queries)
    assert len(second_queries) <= 3, [q["sql"] for q in second_queries]
    with CaptureQueriesContext(connection) as revalidation:
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not any("program_poster" in q["sql"] for q in revalidation)
    staff = Client()
    staff.force_login(organizer)
    poster = Poster.objects.filter(session__conference=seed).order_by("session", "position")[0]
    response = staff.patch(
        f"{API}/posters/{poster.pk}/", {"board": "B-42"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and b"B-42" in again.content
    private = staff.get(url)
    assert "public" not in private.get("Cache-Control", "") and private.status_code == 200


def test_a_search_lists_the_best_matches_first_unless_an_ordering_is_asked(client, seed):
    body = client.get(f"{API}/talks/", {"q": "ling liu"}).json()
    assert body["results"][0]["title"] == "Responsible Finetuning of Large Language Models"
    posters = client.get(f"{API}/posters/", {"q": "serving"}).json()["results"]
    in_title = [p for p in posters if "serving" in p["title"].casefold()]
    assert posters[: len(in_title)] == in_title
    by_title = client.get(f"{API}/posters/", {"q": "serving", "ordering": "title"}).json()
    titles = [poster["title"] for poster in by_title["results"]]
    assert titles == sorted(titles)
