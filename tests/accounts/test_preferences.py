"""What attendees choose to hear: mail about changes (at sign-up, in the account page, through
``/api/v1/me/``) and the calendar feed's reminder."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_can_ask_for_change_mail(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "change_mail": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="grace").change_mail


def test_sign_up_leaves_change_mail_off_unless_asked(client):
    page = client.get("/accounts/signup/").content.decode()
    assert "Mail me when items I save move or are cancelled" in page
    client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "g@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert not User.objects.get(username="grace").change_mail


def test_the_account_page_sets_mail_and_reminder(attendee_client, attendee):
    response = attendee_client.post(
        "/accounts/",
        {"email": attendee.email, "timezone": "", "change_mail": "on", "reminder_minutes": "15"},
    )
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.change_mail and attendee.reminder_minutes == 15


def test_the_account_page_refuses_a_reminder_not_offered(attendee_client, attendee):
    response = attendee_client.post(
        "/accounts/", {"email": attendee.email, "timezone": "", "reminder_minutes": "7"}
    )
    assert response.status_code == 400
    attendee.refresh_from_db()
    assert attendee.reminder_minutes == 0


def test_the_account_page_wants_an_address_for_mail(attendee_client, attendee):
    response = attendee_client.post(
        "/accounts/", {"email": "", "timezone": "", "change_mail": "on", "reminder_minutes": "0"}
    )
    assert response.status_code == 400
    assert "Give an email address" in response.content.decode()
    assert not User.objects.get(pk=attendee.pk).change_mail


# The API


@pytest.fixture
def api(client, attendee):
    token = Token.objects.create(user=attendee)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_me_shows_the_callers_preferences(api, attendee):
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json() == {
        "username": "ada",
        "email": attendee.email,
        "timezone": "",
        "change_mail": False,
        "reminder_minutes": 0,
    }


def test_me_patch_changes_mail_and_reminder(api, attendee):
    response = api.patch(
        "/api/v1/me/",
        {"change_mail": True, "reminder_minutes": 10},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["change_mail"] is True and response.json()["reminder_minutes"] == 10
    attendee.refresh_from_db()
    assert attendee.change_mail and attendee.reminder_minutes == 10


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"reminder_minutes": 7}, "reminder_minutes"),
        ({"reminder_minutes": "soon"}, "reminder_minutes"),
        ({"change_mail": "maybe"}, "change_mail"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "new@example.org"}, "email"),
        ({"colour": "red", "change_mail": True}, "colour"),
    ],
)
def test_me_refuses_bad_preferences_and_changes_nothing(api, attendee, payload, field):
    response = api.patch("/api/v1/me/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    attendee.refresh_from_db()
    assert not attendee.change_mail and attendee.reminder_minutes == 0
    assert attendee.email == "ada@example.org"


def test_me_needs_a_caller(client):
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.patch("/api/v1/me/", {}, content_type="application/json").status_code in (
        401,
        403,
    )


def test_me_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = schema["paths"]["/api/v1/me/"]
    assert {"get", "patch"} <= set(operations)
    fields = schema["components"]["schemas"]["Preferences"]["properties"]
    assert {"change_mail", "reminder_minutes"} <= set(fields)
