"""Answers the same for every anonymous visitor are kept whole and served before the middleware
stack (conference/front_cache.py): one query (the site's version) per kept answer, the same bytes
and headers as the stack gave, never to a visitor the answer is not for, and gone after an edit.
"""

import datetime

import pytest
import time_machine
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from conference.expiry import cut_to
from conference.front_cache import STORE, Kept, Store, keepable
from program.models import Poster
from tests.factories import PACIFIC, ConferenceFactory

pytestmark = pytest.mark.django_db

BROTLI = {"HTTP_ACCEPT_ENCODING": "gzip, br"}


@pytest.fixture
def poster(seed):
    return Poster.objects.filter(session__conference=seed).order_by("pk").first()


@pytest.fixture
def day(poster):
    return f"/mlsys2025/{poster.session.day}/"


def test_a_kept_page_is_the_same_answer_for_one_query(client, day, django_assert_num_queries):
    first = client.get(day, **BROTLI)
    assert first["Content-Encoding"] == "br"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):
        second = client.get(day, **BROTLI)
    assert second.status_code == 200
    assert second.content == first.content
    assert {name: value for name, value in second.items() if name != "Date"} == {
        name: value for name, value in first.items() if name != "Date"
    }


def test_each_encoding_is_kept_apart(client, day):
    brotli = client.get(day, **BROTLI)
    gzipped = client.get(day, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(day)
    assert (brotli["Content-Encoding"], gzipped["Content-Encoding"]) == ("br", "gzip")
    assert not plain.has_header("Content-Encoding")
    assert b"<html" in plain.content


def test_a_kept_answer_gives_304_to_a_current_copy(client, day, django_assert_num_queries):
    etag = client.get(day, **BROTLI)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(day, HTTP_IF_NONE_MATCH=etag, **BROTLI)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_an_edit_shows_on_the_next_request(client, poster, day):
    client.get(day)
    session = poster.session
    session.title = "A Title Nobody Had Before"
    session.save()
    assert b"A Title Nobody Had Before" in client.get(day).content


def test_publishing_another_conference_moves_the_version(client, seed):
    # The API's list of conferences is public, so kept: the new one must show all the same.
    assert "public" in client.get("/api/v1/conferences/")["Cache-Control"]
    ConferenceFactory(slug="other", name="Another Conference")
    assert b"Another Conference" in client.get("/api/v1/conferences/").content


def test_a_signed_in_visitor_never_gets_the_kept_page(client, day, attendee):
    client.get(day)
    signed_in = Client()
    signed_in.force_login(attendee)
    response = signed_in.get(day)
    assert "private" in response["Cache-Control"]
    assert b"Log out" in response.content


def test_a_visitor_with_a_session_goes_through_the_stack(client, day):
    kept = client.get(day).content
    # A chosen time zone lives in the session: the page shows times in it.
    client.post(reverse("program:set-timezone"), {"timezone": "Asia/Tokyo"})
    response = client.get(day)
    assert response.content != kept
    assert b"Tokyo" in response.content


def test_an_api_token_caller_is_never_answered_from_the_kept_copy(client, seed, organizer):
    from rest_framework.authtoken.models import Token

    drafts = ConferenceFactory(slug="draft", name="Draft Conference", is_published=False)
    anonymous = client.get("/api/v1/conferences/")
    assert drafts.slug.encode() not in anonymous.content
    token = Token.objects.create(user=organizer)
    response = client.get("/api/v1/conferences/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert b'"draft"' in response.content


def test_kept_api_answers_count_against_the_rate_limit(client, seed, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [client.get("/api/v1/posters/?page_size=5").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_an_answer_that_sets_a_cookie_or_varies_on_more_is_not_kept():
    public = HttpResponse("x", headers={"Cache-Control": "public, max-age=60"})
    assert keepable(public)
    private = HttpResponse("x", headers={"Cache-Control": "private, no-cache"})
    assert not keepable(private)
    with_cookie = HttpResponse("x", headers={"Cache-Control": "public, max-age=60"})
    with_cookie.set_cookie("a", "b")
    assert not keepable(with_cookie)
    by_language = HttpResponse(
        "x", headers={"Cache-Control": "public", "Vary": "Accept-Encoding, Accept-Language"}
    )
    assert not keepable(by_language)


def test_nothing_is_kept_for_an_error(client, seed):
    client.get("/mlsys2025/posters/999999/")
    assert not STORE.entries


def test_a_search_is_kept_and_a_refused_one_is_not(client, seed, django_assert_num_queries):
    path = "/mlsys2025/search/?q=learning"
    first = client.get(path)
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):
        assert client.get(path).content == first.content
    refused = "/mlsys2025/search/?day=2099-01-01"
    assert client.get(refused).status_code == 400
    response = client.get(refused)
    assert response.status_code == 400
    assert b"day" in response.content
    assert not any(kept.body == response.content for kept in front_entries())


def front_entries():
    return list(STORE.entries.values())


def test_with_the_database_unreachable_the_stack_answers(client, seed, monkeypatch):
    from django.db import OperationalError

    from conference import front_cache

    def unreachable():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(front_cache, "site_version", unreachable)
    # Nothing kept is served without its version, and nothing fails for it.
    assert client.get("/healthz").status_code == 200
    assert client.get("/mlsys2025/").status_code == 200
    assert not STORE.entries


def test_the_version_query_stands_for_the_connection_health_check(client, day, monkeypatch):
    """A reused connection is checked by Django before a request's first query (a SELECT 1 on
    PostgreSQL, as long as the version query itself): the version query is that check."""
    client.get(day, **BROTLI)
    checks = []
    wrapper = type(connections["default"])
    is_usable = wrapper.is_usable

    def counted(self):
        checks.append(self)
        return is_usable(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    # What Django does as each request starts, for a reused connection (the test client does
    # not send the signal, and the test's transaction must stay open).
    connection.health_check_done = False
    assert connection.health_check_enabled
    assert client.get(day, **BROTLI).status_code == 200
    assert checks == []
    # A visitor the kept answers are not for: Django checks the connection as before.
    connection.health_check_done = False
    client.cookies["sessionid"] = "whatever"
    assert client.get(day, **BROTLI).status_code == 200
    assert len(checks) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ends a connection")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_without_an_error(client, day):
    first = client.get(day, **BROTLI)
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    connection.close_if_unusable_or_obsolete()  # a new request on the reused connection

    again = client.get(day, **BROTLI)
    assert again.status_code == 200
    assert again.content == first.content
    assert connection.connection.info.backend_pid != pid


def test_the_kept_answers_stay_within_their_bytes_least_recently_used_out():
    store = Store(limit=800)

    def kept(size):
        return Kept(version="1", headers=(), body=b"x" * size, counted=False)

    store.set("too big", kept(101))  # more than an eighth of the limit: never kept
    assert store.get("too big") is None
    for number in range(8):
        store.set(str(number), kept(100))
    assert store.used == 800
    store.get("0")  # used: the last to go
    store.set("8", kept(100))
    assert store.get("1") is None and store.get("0") is not None
    assert store.used == 800 and len(store.entries) == 8


def test_many_addresses_cannot_fill_the_memory(client, seed, monkeypatch):
    # Addresses with parameters their view reads (made-up ones are not kept at all:
    # tests/conference/test_query_params.py).
    monkeypatch.setattr(STORE, "limit", 80_000)
    sizes = []
    for size in range(1, 21):
        response = client.get(f"/api/v1/posters/?page_size={size}", **BROTLI)
        assert response.status_code == 200
        sizes.append(len(response.content))
    assert sum(sizes) > STORE.limit  # more was asked for than may be kept
    assert STORE.used <= STORE.limit
    assert 0 < len(STORE.entries) < 20


def test_junk_query_strings_are_answered_and_not_kept(client, seed):
    for number in range(30):
        response = client.get(f"/mlsys2025/schedule.json?junk={number}", **BROTLI)
        assert response.status_code == 200
    assert not STORE.entries


def test_a_page_that_tells_the_time_is_kept_until_it_expires(
    client, seed, django_assert_num_queries
):
    """The overview while the conference runs ("Happening now"): kept in memory to the end of
    its minute, served with a max-age cut to what is left of it (a proxy in front keeps it no
    longer), then made again."""
    minute = datetime.datetime(2025, 5, 15, 10, 0, tzinfo=PACIFIC)
    with time_machine.travel(minute, tick=False):
        first = client.get("/mlsys2025/", **BROTLI)
    assert first["Expires"] == "Thu, 15 May 2025 17:01:00 GMT"
    assert first["Cache-Control"] == "public, max-age=60"
    with (
        time_machine.travel(minute + datetime.timedelta(seconds=50), tick=False),
        django_assert_num_queries(1),
    ):
        kept = client.get("/mlsys2025/", **BROTLI)
    assert kept.content == first.content
    assert kept["Cache-Control"] == "public, max-age=10"
    with time_machine.travel(minute + datetime.timedelta(seconds=61), tick=False):
        made_again = client.get("/mlsys2025/", **BROTLI)
    assert made_again["Expires"] == "Thu, 15 May 2025 17:02:00 GMT"
    assert made_again["Cache-Control"] == "public, max-age=59"


def test_cache_control_is_cut_to_what_is_left():
    page = "public, max-age=60, stale-while-revalidate=600"
    assert cut_to(page, 3600) == "public, max-age=60, stale-while-revalidate=600"
    assert cut_to(page, 100) == "public, max-age=60, stale-while-revalidate=40"
    assert cut_to(page, 30) == "public, max-age=30"
    assert cut_to("public, max-age=60", 0) == "public, max-age=0"


def test_a_kept_answer_with_no_expiry_is_served_as_it_was_made(client, day):
    made = client.get(day, **BROTLI)
    kept = client.get(day, **BROTLI)
    assert kept["Cache-Control"] == made["Cache-Control"]
    assert not kept.has_header("Expires")
