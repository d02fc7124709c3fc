"""Anonymous visitors get a program page rendered once per program change (page_cache.py): the
same bytes for everyone, without a form token or cookie, public for a proxy and compressed once;
a star still leads to log in and save; a fixed cost in queries, an edit shown at once, and
signed-in visitors never given the anonymous page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from program.models import Poster
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DAY = "/mlsys2025/2025-05-15/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def test_every_anonymous_visitor_gets_the_same_kept_bytes_without_a_token_or_cookie(seed):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    response = first.get(DAY)
    page = response.content.decode()
    with CaptureQueriesContext(connection) as queries:
        kept = second.get(DAY)
    # Kept: not one poster, session or person read for the second visitor.
    assert not any(
        table in query["sql"]
        for query in queries
        for table in ("program_poster", "program_session", "program_person")
    ), [q["sql"] for q in queries]
    assert kept.content.decode() == page
    assert not TOKEN.search(page) and not response.cookies and not kept.cookies
    assert kept["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    assert "Cookie" in kept["Vary"]
    # A star asks to log in (a GET: nothing saved), then the save is finished after log-in.
    assert '<form id="agenda-save" method="get" action="/agenda/save/"' in page
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    wish = second.get("/agenda/save/", {"save": f"poster:{poster.pk}", "next": DAY})
    assert wish.status_code == 302 and "/accounts/login/" in wish["Location"]
    user = UserFactory()
    form = second.get(wish["Location"]).content.decode()
    logged_in = second.post(
        wish["Location"],
        {
            "username": user.username,
            "password": PASSWORD,
            "next": re.search(r'name="next" value="([^"]+)"', form)[1],
            "csrfmiddlewaretoken": TOKEN.search(form)[1],
        },
    )
    assert logged_in.status_code == 302 and logged_in["Location"].startswith("/agenda/resume/")
    assert user.agenda_items.filter(poster=poster).exists()


def test_a_get_never_saves_for_a_signed_in_visitor(seed):
    """A logged-in visitor on an old anonymous copy of a page: the GET goes back to the page,
    now drawn with their own stars, and saves nothing (a link must not change an agenda)."""
    user = UserFactory()
    member = Client()
    member.force_login(user)
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    response = member.get("/agenda/save/", {"save": f"poster:{poster.pk}", "next": DAY})
    assert response.status_code == 302 and response["Location"] == f"{DAY}#poster-{poster.pk}"
    assert not user.agenda_items.exists()
    page = member.get(DAY)
    assert page["Cache-Control"] == "private, no-cache"
    assert "press the star again" in page.content.decode()
    assert TOKEN.search(page.content.decode())  # their page posts, with a token


def test_an_edit_shows_to_the_next_anonymous_visitor(seed):
    Client().get(DAY)
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    poster.contribution.title = "Corrected after the page was kept"
    poster.contribution.save()
    assert "Corrected after the page was kept" in Client().get(DAY).content.decode()


def test_a_signed_in_visitor_is_never_given_the_anonymous_page(seed):
    Client().get(DAY)  # kept for anonymous visitors
    user = UserFactory()
    member = Client()
    member.force_login(user)
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    member.post("/agenda/save/", {"item_type": "poster", "item_id": poster.pk, "next": DAY})
    page = member.get(DAY).content.decode()
    assert user.get_username() in page or "Log out" in page
    assert "Log in" not in page.split("<main", 1)[0]


def test_searches_are_kept_for_minutes_and_pages_for_a_day(seed, monkeypatch):
    from django.core.cache import caches

    from program.api import caching
    from program.views import page_cache

    kept_for = {}
    backend = caches["default"]  # the cache itself, not Django's proxy to it
    real_set = backend.set

    def noting(key, value, timeout=None, **kwargs):  # the real cache still keeps it
        kept_for[key] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(backend, "set", noting)
    client = Client()
    for path, seconds in (
        ("/mlsys2025/papers/", page_cache.KEPT_FOR),
        ("/mlsys2025/papers/?q=memory", page_cache.SEARCH_KEPT_FOR),
        ("/mlsys2025/search/?q=memory", page_cache.SEARCH_KEPT_FOR),
        (DAY, page_cache.KEPT_FOR),
    ):
        kept_for.clear()
        assert client.get(path).status_code == 200
        page_keys = [key for key in kept_for if key.startswith("page:")]
        assert [kept_for[key] for key in page_keys] == [seconds], path
    assert page_cache.SEARCH_KEPT_FOR < page_cache.KEPT_FOR

    # The API the same way: a search (q) for minutes, a list for a day.
    for path, seconds in (
        ("/api/v1/posters/?conference=mlsys2025", page_cache.KEPT_FOR),
        ("/api/v1/posters/?conference=mlsys2025&q=memory", page_cache.SEARCH_KEPT_FOR),
        ("/api/v1/people/?q=liu", page_cache.SEARCH_KEPT_FOR),
    ):
        kept_for.clear()
        assert client.get(path).status_code == 200
        assert [kept_for[key] for key in kept_for if key.startswith("api:")] == [seconds], path
    assert caching.page_cache.searched_for is page_cache.searched_for  # one rule for both
