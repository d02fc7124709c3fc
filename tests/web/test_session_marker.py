"""The session marker the service worker keeps a signed-in visitor's pages under
(web/session_marker.py): a header on their pages and a cookie of the session cookie's lifetime;
nothing for anonymous visitors, whose pages stay the same for everyone. The worker's use of it
in a browser: tests/browser/test_offline_in_browser.py"""

import pytest
from django.conf import settings

from tests.factories import PASSWORD, UserFactory
from web.session_marker import COOKIE, HEADER

DAY = "/mlsys2025/2025-05-15/"


def log_in(client, username="ada"):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_log_in_sets_the_marker_cookie_with_the_session_cookies_lifetime(client, seed):
    UserFactory(username="ada")
    response = log_in(client)
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    marker_cookie = response.cookies[COOKIE]
    assert marker_cookie["max-age"] == session_cookie["max-age"]
    assert marker_cookie["path"] == session_cookie["path"]
    assert marker_cookie["samesite"] == session_cookie["samesite"]
    assert not marker_cookie["httponly"] and session_cookie["httponly"]
    # A marker, not the session key.
    assert marker_cookie.value and marker_cookie.value != session_cookie.value
    assert session_cookie.value not in marker_cookie.value

    page = client.get(DAY)
    assert page[HEADER] == marker_cookie.value
    assert client.get("/agenda/")[HEADER] == marker_cookie.value
    # Set once: the session cookie is not sent again either.
    assert COOKIE not in page.cookies and settings.SESSION_COOKIE_NAME not in page.cookies


@pytest.mark.django_db
def test_each_session_has_its_own_marker(seed):
    from django.test import Client

    UserFactory(username="ada")
    first, second = Client(), Client()
    assert log_in(first).cookies[COOKIE].value != log_in(second).cookies[COOKIE].value


@pytest.mark.django_db
def test_a_session_without_the_marker_cookie_is_sent_both_again(attendee_client, seed):
    """Sessions from before the marker (here a log-in without the form): the first page sets
    the marker cookie, and the session cookie again with it, so that they expire together."""
    del attendee_client.cookies[COOKIE]  # tests/conftest.py sets it as a log-in would
    response = attendee_client.get(DAY)
    assert response[HEADER] == response.cookies[COOKIE].value
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["max-age"] == response.cookies[COOKIE]["max-age"]


@pytest.mark.django_db
def test_log_out_deletes_the_marker_cookie(client, seed):
    UserFactory(username="ada")
    log_in(client)
    response = client.post("/accounts/logout/")
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    assert HEADER not in client.get(DAY)


@pytest.mark.django_db
def test_anonymous_pages_carry_no_marker_and_are_still_stored(client, seed):
    first = client.get(DAY)
    assert HEADER not in first and COOKIE not in first.cookies
    again = client.get(DAY)
    assert HEADER not in again
    assert first.content == again.content


@pytest.mark.django_db
def test_a_304_to_a_signed_in_visitor_says_their_marker(client, seed):
    UserFactory(username="ada")
    marker = log_in(client).cookies[COOKIE].value
    etag = client.get(DAY)["ETag"]
    not_modified = client.get(DAY, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified[HEADER] == marker
