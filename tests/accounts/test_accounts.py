"""Accounts: sign-up to deletion, brute-force lockout, password reset by email."""

import re

import pytest
from django.core import mail

from accounts.models import AgendaItem, User
from tests.factories import make_poster

pytestmark = pytest.mark.django_db

PASSWORD = "Agenda-Passphrase-2025"


def make_user(username="ada", password=PASSWORD, **fields) -> User:
    return User.objects.create_user(
        username, email=f"{username}@example.org", password=password, **fields
    )


def test_sign_up_creates_the_account_logs_in_and_goes_on(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/agenda/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/agenda/"
    user = User.objects.get(username="grace")
    assert user.check_password(PASSWORD)
    assert len(user.feed_token) >= 40
    assert client.get("/agenda/").status_code == 200


def test_sign_up_errors_are_shown_in_place_and_keep_what_was_typed_but_passwords(client):
    make_user("taken")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "TAKEN@example.org",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An account with this email already exists." in page
    assert "This password is too short" in page
    assert 'value="newbie"' in page
    assert 'value="123"' not in page
    assert not User.objects.filter(username="newbie").exists()


def test_log_in_and_log_out_by_post(client):
    make_user()
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    make_user()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # Even the right password waits now.
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_lock_that_address_across_usernames(client):
    for number in range(5):
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "wrong"})
    make_user("victim")
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_password_reset_by_email(client):
    make_user()
    client.post("/accounts/password_reset/", {"email": "ada@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "Another-Passphrase-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert User.objects.get(username="ada").check_password(new)


def test_password_change(client):
    user = make_user()
    client.force_login(user)
    new = "Changed-Passphrase-2026"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_account_page_saves_the_preferred_time_zone_and_refuses_unknown_ones(client):
    user = make_user()
    client.force_login(user)
    page = client.get("/accounts/").content.decode()
    assert f"webcal://testserver/agenda/{user.feed_token}.ics" in page
    assert f"http://testserver/agenda/{user.feed_token}.ics" in page
    client.post("/accounts/", {"email": "ada@example.org", "timezone": "Europe/Berlin"})
    user.refresh_from_db()
    assert user.timezone == "Europe/Berlin"
    response = client.post("/accounts/", {"email": "ada@example.org", "timezone": "Mars/Base"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.timezone == "Europe/Berlin"


def test_deleting_the_account_needs_the_password_and_removes_the_agenda(client):
    user = make_user()
    AgendaItem.objects.create(user=user, poster=make_poster(authors=["A"]))
    client.force_login(user)
    response = client.post("/accounts/delete/", {"password": "wrong"})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not AgendaItem.objects.exists()
    assert "_auth_user_id" not in client.session


def test_attendees_never_see_the_admin(client):
    client.force_login(make_user())
    assert client.get("/admin/").status_code == 302
    assert "Organizers" not in client.get("/accounts/").content.decode()


def test_the_account_page_makes_shows_and_revokes_the_api_token(client):
    from rest_framework.authtoken.models import Token

    user = make_user()
    client.force_login(user)
    client.post("/accounts/api-token/", {"action": "create"})
    token = Token.objects.get(user=user).key
    assert token in client.get("/accounts/").content.decode()
    assert client.get("/api/v1/agenda/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    client.post("/accounts/api-token/", {"action": "revoke"})
    assert not Token.objects.filter(user=user).exists()
    client.logout()
    assert client.get("/api/v1/agenda/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
