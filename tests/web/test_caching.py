"""The one cache (web/caching.py): public responses stored as sent and answered for one query,
never to a visitor they are not for, gone after an edit; signed-in visitors get the stored page
with their own marks (accounts/marks.py), exactly as a full render would draw it."""

import gzip
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from accounts.services import save_to_agenda
from program.models import Poster, Session
from tests.factories import ConferenceFactory
from web import caching

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def poster(seed):
    return Poster.objects.filter(session__conference=seed).order_by("pk").first()


@pytest.fixture
def day(poster):
    return f"/mlsys2025/{poster.session.day}/"


def same_headers(first, second) -> bool:
    def headers(response):
        return {name: value for name, value in response.items() if name != "Date"}

    return headers(first) == headers(second)


@pytest.mark.parametrize(
    "path",
    [
        "day",
        "/mlsys2025/schedule.json",
        "/mlsys2025/schedule.xml",
        "/mlsys2025/schedule.ics",
        "/api/v1/posters/?conference=mlsys2025",
        "/manifest.webmanifest",
    ],
)
def test_a_stored_response_is_the_same_for_one_query(client, day, path, django_assert_num_queries):
    path = day if path == "day" else path
    first = client.get(path, **GZIP)
    assert first.status_code == 200 and "public" in first["Cache-Control"]
    # The program's version; an API response also counts against the rate limit.
    with django_assert_num_queries(2 if path.startswith("/api/") else 1):
        second = client.get(path, **GZIP)
    assert second.content == first.content and same_headers(first, second)


def test_gzip_and_identity_are_stored_apart_and_decode_alike(client, day):
    compressed = client.get(day, **GZIP)
    plain = client.get(day)
    assert compressed["Content-Encoding"] == "gzip" and not plain.has_header("Content-Encoding")
    assert gzip.decompress(compressed.content) == plain.content
    assert "Accept-Encoding" in compressed["Vary"] and "Cookie" in compressed["Vary"]
    # Weak after compression, and still a 304.
    etag = compressed["ETag"]
    assert etag.startswith("W/")
    assert client.get(day, HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


def test_a_current_copy_gets_304_for_one_query(client, day, django_assert_num_queries):
    etag = client.get(day, **GZIP)["ETag"]
    with django_assert_num_queries(1):
        assert client.get(day, HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


def test_an_edit_shows_on_the_next_request(client, poster, day):
    client.get(day)
    poster.contribution.title = "A title changed a moment ago"
    poster.contribution.save()
    assert b"A title changed a moment ago" in client.get(day).content


def test_publishing_another_conference_moves_the_version(client, seed):
    draft = ConferenceFactory(slug="later", is_published=False)
    before = client.get("/api/v1/conferences/").content
    draft.is_published = True
    draft.save()
    assert before != client.get("/api/v1/conferences/").content


def test_nothing_is_stored_for_an_error_or_a_url_with_parameters_not_read(client, seed, day):
    cache.clear()
    client.get("/mlsys2025/posters/999999/")
    client.get("/mlsys2025/schedule.json?_=123")
    client.get("/api/v1/posters/?conference=mlsys2025&x=1")
    assert not [key for key in cache._cache if ":response:" in key]  # LocMemCache's keys
    # A page with a parameter it does not read redirects to its URL without it.
    redirect = client.get(f"{day}?utm_source=mail&x=2")
    assert redirect.status_code == 301 and redirect["Location"] == day


def test_an_api_token_caller_is_never_answered_from_the_store(client, seed, organizer):
    from rest_framework.authtoken.models import Token

    ConferenceFactory(slug="draft", is_published=False)
    assert b'"draft"' not in client.get("/api/v1/conferences/").content
    token = Token.objects.create(user=organizer)
    response = client.get("/api/v1/conferences/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert b'"draft"' in response.content and "private" in response["Cache-Control"]


def test_stored_api_responses_count_against_the_rate_limit(client, seed, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [client.get("/api/v1/posters/?page_size=5").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_with_the_database_unreachable_the_stack_answers(client, seed, monkeypatch):
    def unreachable():
        raise DatabaseError("down")

    monkeypatch.setattr("program.changes.version", unreachable)
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    # The cache stepped aside: the health check itself answered.
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_a_page_that_tells_the_time_is_stored_until_it_changes(client, seed):
    with time_machine.travel("2025-05-15 10:00 -07:00", tick=False):
        first = client.get("/mlsys2025/")
        assert first.has_header("Expires")
    with time_machine.travel("2025-05-16 10:00 -07:00", tick=False):
        later = client.get("/mlsys2025/")
    assert later.content != first.content


def test_a_visitor_with_a_chosen_zone_gets_times_in_it(client, day):
    stored = client.get(day).content
    client.post(reverse("program:set-timezone"), {"timezone": "Asia/Tokyo"})
    response = client.get(day)
    assert response.content != stored and b"Tokyo" in response.content


# --- Signed in: the stored page with their marks ------------------------------------------------


@pytest.fixture
def signed_in(attendee, poster):
    save_to_agenda(user=attendee, item=poster)
    save_to_agenda(user=attendee, item=poster.session)
    browser = Client()
    browser.force_login(attendee)
    return browser


PAGES = ["day", "session", "poster", "/mlsys2025/", "/mlsys2025/papers/"]


def page_path(name, day, poster):
    return {
        "day": day,
        "session": f"/mlsys2025/sessions/{poster.session_id}/",
        "poster": f"/mlsys2025/posters/{poster.pk}/",
    }.get(name, name)


@pytest.mark.parametrize("name", PAGES)
def test_the_marked_page_is_what_a_full_render_draws(
    signed_in, attendee, poster, day, name, monkeypatch
):
    """The marks on the stored page (accounts/marks.py) against the page rendered for them."""
    from program.views import common

    path = page_path(name, day, poster)
    Client().get(path)  # stored for everyone
    marked = signed_in.get(path)
    assert marked.status_code == 200 and "private" in marked["Cache-Control"]
    html = marked.content.decode()
    assert f"Account ({attendee.username})" in html and 'method="post"' in html
    # The same page rendered for them from scratch.
    monkeypatch.setattr(
        common, "personal_page", lambda request, page, *a, **k: page(request, *a, **k)
    )
    full = signed_in.get(path).content.decode()
    token = 'name="csrfmiddlewaretoken" value="'

    def without_token(text):
        return "".join(part.split('"', 1)[-1] for part in text.split(token))

    assert without_token(html) == without_token(full)


@pytest.mark.parametrize("name", PAGES)
def test_the_marked_page_comes_gzipped_as_the_same_bytes(signed_in, poster, day, name):
    path = page_path(name, day, poster)
    plain = signed_in.get(path)
    zipped = signed_in.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert zipped["ETag"] != plain["ETag"]
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", gzip.decompress(zipped.content)) == token.sub(b"", plain.content)


def test_the_marked_grid_day_is_what_a_full_render_draws(attendee, monkeypatch):
    """A day of parallel rooms (program/views/grid.py) draws its stars with the same include, so
    the marks swap on it too: the saved talk's star pressed, as a full render draws it."""
    from devtools.devdata.parallel import generate_parallel_program
    from program.models import Talk
    from program.views import common

    conference = generate_parallel_program(slug="parallel", rooms=3, days=1, tracks=2)
    talk = Talk.objects.filter(session__conference=conference).order_by("pk")[3]
    save_to_agenda(user=attendee, item=talk)
    browser = Client()
    browser.force_login(attendee)
    path = "/parallel/2026-02-07/"
    Client().get(path)  # stored for everyone
    html = browser.get(path).content.decode()
    assert f'name="remove" value="talk:{talk.pk}"' in html and html.count("is-saved") == 1
    monkeypatch.setattr(
        common, "personal_page", lambda request, page, *a, **k: page(request, *a, **k)
    )
    full = browser.get(path).content.decode()
    token = 'name="csrfmiddlewaretoken" value="'

    def without_token(text):
        return "".join(part.split('"', 1)[-1] for part in text.split(token))

    assert without_token(html) == without_token(full)


def test_the_visitors_own_stars_are_pressed(signed_in, poster, day):
    html = signed_in.get(day).content.decode()
    assert f'name="remove" value="poster:{poster.pk}"' in html
    assert f'name="remove" value="session:{poster.session_id}"' in html
    assert html.count('class="save is-saved"') == 2


def test_a_signed_in_copy_gets_304_and_moves_with_the_agenda(signed_in, attendee, poster, day):
    first = signed_in.get(day)
    again = signed_in.get(day, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    other = Session.objects.exclude(pk=poster.session_id).first()
    save_to_agenda(user=attendee, item=other)
    attendee.refresh_from_db()
    assert signed_in.get(day, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_signed_in_page_is_never_stored_for_anyone_else(signed_in, attendee, day):
    signed_in.get(day)
    anonymous = Client().get(day).content.decode()
    assert f"Account ({attendee.username})" not in anonymous and "is-saved" not in anonymous


def test_the_marked_day_page_reads_no_program(signed_in, day, django_assert_max_num_queries):
    signed_in.get(day)
    with django_assert_max_num_queries(3):  # session, user, version
        signed_in.get(day)


def test_the_key_names_the_version_url_and_parts(rf, seed):
    request = rf.get("/mlsys2025/", HTTP_ACCEPT="text/html")
    one = caching.key(request, "gzip")
    assert one == caching.key(rf.get("/mlsys2025/", HTTP_ACCEPT="text/html"), "gzip")
    assert one != caching.key(request, "")
    assert one != caching.key(rf.get("/mlsys2025/?q=1", HTTP_ACCEPT="text/html"), "gzip")


def test_the_parameters_read_keep_their_order_and_spelling_and_the_last_of_a_repeat():
    assert caching.read_query("b=2&x=1&a=1&b=3", ["a", "b"]) == "a=1&b=3"
    assert caching.read_query("q=caf%C3%A9+au+lait&utm=1", ["q"]) == "q=caf%C3%A9+au+lait"
    assert caching.read_query("", ["q"]) == ""
    # A parameter read as a list keeps every one given.
    room = caching.Repeated("room")
    assert caching.read_query("room=1&x=2&room=3", [room]) == "room=1&room=3"


def test_my_agenda_is_cached_until_it_changes(
    signed_in, attendee, poster, django_assert_max_num_queries
):
    first = signed_in.get("/agenda/")
    with django_assert_max_num_queries(3):  # the session, the user, the version
        second = signed_in.get("/agenda/")
    assert second.content == first.content and "private" in second["Cache-Control"]
    assert signed_in.get("/agenda/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    other = Session.objects.exclude(pk=poster.session_id).first()
    save_to_agenda(user=attendee, item=other)
    assert signed_in.get("/agenda/").content != first.content


def test_the_private_feed_is_cached_until_it_changes(
    client, attendee, poster, django_assert_num_queries
):
    save_to_agenda(user=attendee, item=poster)
    path = reverse("accounts:agenda-feed", kwargs={"token": attendee.feed_token})
    first = client.get(path)
    with django_assert_num_queries(2):  # the owner, the version
        second = client.get(path)
    assert second.content == first.content
    poster.contribution.title = "A title changed a moment ago"
    poster.contribution.save()
    assert b"A title changed a moment ago" in client.get(path).content
