"""Anonymous visitors get a program page rendered once per program change (page_cache.py): the
same page, each with a CSRF token of their own that works, a fixed cost in queries, an edit
shown at once, and signed-in visitors never given the anonymous page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from program.models import Poster
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = "/mlsys2025/2025-05-15/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def test_each_visitor_gets_the_kept_page_with_a_token_of_their_own(seed):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get(DAY).content.decode()
    with CaptureQueriesContext(connection) as queries:
        kept = second.get(DAY).content.decode()
    # Kept: not one poster, session or person read for the second visitor.
    assert not any(
        table in query["sql"]
        for query in queries
        for table in ("program_poster", "program_session", "program_person")
    ), [q["sql"] for q in queries]
    assert TOKEN.sub("", kept) == TOKEN.sub("", page)
    tokens = set(TOKEN.findall(kept))
    assert len(tokens) == 1 and tokens != set(TOKEN.findall(page))
    # The second visitor's token is good for their own save (anonymous: on to log in).
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    response = second.post(
        "/agenda/save/",
        {
            "item_type": "poster",
            "item_id": poster.pk,
            "next": DAY,
            "csrfmiddlewaretoken": tokens.pop(),
        },
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


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
