"""Django's gzip (web/compression.py), never for a response that holds a secret (BREACH)."""

import gzip

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DAY = "/mlsys2025/2025-05-15/"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, br"}


def test_the_seed_day_is_gzipped_and_under_25_kb(client, seed):
    response = client.get(DAY, **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == client.get(DAY).content
    assert len(response.content) < 25_000


# A signed-in visitor's program pages are compressed in pieces, their own bytes alone
# (web/splicing.py; tests/web/test_caching.py).
@pytest.mark.parametrize("path", ["/accounts/", "/agenda/", "/api/v1/posters/"])
def test_nothing_is_compressed_for_a_visitor_signed_in_with_the_session_cookie(
    client, seed, attendee, path
):
    client.force_login(attendee)
    Token.objects.create(user=attendee)
    response = client.get(path, **GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response


def test_an_api_client_with_a_token_header_gets_compressed_responses(client, seed, attendee):
    # No cookie: a page of an attacker's cannot make the browser send the token.
    token = Token.objects.create(user=attendee)
    response = client.get("/api/v1/posters/", HTTP_AUTHORIZATION=f"Token {token.key}", **GZIP)
    assert response["Content-Encoding"] == "gzip"


def test_the_token_endpoint_and_the_log_in_page_are_never_compressed(client, attendee):
    response = client.post(
        "/api/v1/auth/token/", {"username": attendee.username, "password": PASSWORD}, **GZIP
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Content-Encoding" not in response
    assert "Content-Encoding" not in client.get("/accounts/login/?next=/agenda/", **GZIP)
