"""Accounts: sign-up to deletion, brute-force lockout, password reset by email."""

import re

import pytest
from django.core import mail

from accounts.models import AgendaItem, User
from tests.factories import PASSWORD, UserFactory, make_poster

pytestmark = pytest.mark.django_db


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
    UserFactory(username="taken")
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


def test_log_in_and_log_out_by_post(client, attendee):
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/").status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(client, attendee):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # Even the right password waits now.
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, attendee):
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


def test_password_change(attendee_client, attendee):
    new = "Changed-Passphrase-2026"
    response = attendee_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.check_password(new)


def test_account_page_saves_the_preferred_time_zone_and_refuses_unknown_ones(
    attendee_client, attendee
):
    page = attendee_client.get("/accounts/").content.decode()
    assert f"webcal://testserver/agenda/{attendee.feed_token}.ics" in page
    assert f"http://testserver/agenda/{attendee.feed_token}.ics" in page
    attendee_client.post("/accounts/", {"email": "ada@example.org", "timezone": "Europe/Berlin"})
    attendee.refresh_from_db()
    assert attendee.timezone == "Europe/Berlin"
    response = attendee_client.post(
        "/accounts/", {"email": "ada@example.org", "timezone": "Mars/Base"}
    )
    assert response.status_code == 400
    attendee.refresh_from_db()
    assert attendee.timezone == "Europe/Berlin"


def test_deleting_the_account_needs_the_password_and_removes_the_agenda(attendee_client, attendee):
    AgendaItem.objects.create(user=attendee, poster=make_poster(authors=["A"]))
    response = attendee_client.post("/accounts/delete/", {"password": "wrong"})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=attendee.pk).exists()
    response = attendee_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=attendee.pk).exists()
    assert not AgendaItem.objects.exists()
    assert "_auth_user_id" not in attendee_client.session


def test_attendees_never_see_the_admin(attendee_client):
    assert attendee_client.get("/admin/").status_code == 302
    assert "Organizers" not in attendee_client.get("/accounts/").content.decode()


def test_the_account_page_makes_shows_and_revokes_the_api_token(attendee_client, attendee):
    from rest_framework.authtoken.models import Token

    attendee_client.post("/accounts/api-token/", {"action": "create"})
    token = Token.objects.get(user=attendee).key
    assert token in attendee_client.get("/accounts/").content.decode()
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert attendee_client.get("/api/v1/agenda/", **auth).status_code == 200
    attendee_client.post("/accounts/api-token/", {"action": "revoke"})
    assert not Token.objects.filter(user=attendee).exists()
    attendee_client.logout()
    assert attendee_client.get("/api/v1/agenda/", **auth).status_code == 401


def test_signing_up_after_an_anonymous_save_finishes_the_save(client, agenda_program):
    poster = agenda_program["poster"]
    response = client.post("/agenda/save/", {"item_type": "poster", "item_id": poster.pk})
    login_url = response["Location"]
    assert login_url.startswith("/accounts/login/")
    page = client.get(login_url).content.decode()
    # The log-in page says why the visitor is there, and its Sign up links go back to the save.
    assert f"to save “{poster.title}” to your agenda" in page
    wish = login_url.split("next=", 1)[1]
    assert wish.startswith("/agenda/resume/%3Fwish%3D")
    assert f'href="/accounts/signup/?next={wish}"' in page
    assert "next=/accounts/login/" not in page
    resume = wish.replace("%3F", "?").replace("%3D", "=")
    signed_up = client.post(
        f"/accounts/signup/?next={wish}",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": "A-Long-Passphrase-2026",
            "password2": "A-Long-Passphrase-2026",
            "next": resume,
        },
        follow=True,
    )
    assert signed_up.status_code == 200
    assert signed_up.redirect_chain[-1][0] == f"/agenda/#poster-{poster.pk}"
    assert [item.item for item in AgendaItem.objects.filter(user__username="newcomer")] == [poster]
