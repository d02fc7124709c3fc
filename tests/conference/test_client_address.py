"""One notion of the client's address (TRUSTED_PROXY_COUNT) for throttles and lock-outs, and
lock-outs aimed at the attacker rather than at everyone behind one address."""

import pytest
from rest_framework.throttling import AnonRateThrottle

from tests.factories import PASSWORD, UserFactory

API = "/api/v1"


def fail_login(client, username, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": "wrong"}, **extra
    ).status_code


# Throttles


def test_a_made_up_x_forwarded_for_gets_no_fresh_budget_by_default(client, db):
    # The documented limit, exactly: 300 anonymous requests a minute, then 429.
    statuses = [client.get(f"{API}/conferences/").status_code for _ in range(300)]
    assert statuses == [200] * 300
    assert client.get(f"{API}/conferences/").status_code == 429
    for fake in ("1.2.3.4", "5.6.7.8, 9.9.9.9", "nonsense"):
        response = client.get(f"{API}/conferences/", headers={"x-forwarded-for": fake})
        assert response.status_code == 429, fake
        assert int(response["Retry-After"]) >= 1


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})


def test_behind_one_proxy_the_address_it_adds_is_the_client(client, db, settings, three_a_minute):
    settings.TRUSTED_PROXY_COUNT = 1

    def get(forwarded):
        return client.get(f"{API}/conferences/", headers={"x-forwarded-for": forwarded})

    # What the client wrote to the left of the proxy's entry changes nothing.
    assert [get(f"{n}.0.0.1, 203.0.113.7").status_code for n in range(4)] == [200] * 3 + [429]
    # Another client behind the same proxy has its own budget.
    assert get("198.51.100.9").status_code == 200


def test_without_a_proxy_count_the_header_is_ignored(client, db, three_a_minute):
    statuses = [
        client.get(f"{API}/conferences/", headers={"x-forwarded-for": f"10.0.0.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


# Lock-outs


def test_a_made_up_x_forwarded_for_does_not_dodge_a_lock_out(client, attendee):
    for number in range(5):
        fail_login(client, "ada", headers={"x-forwarded-for": f"192.0.2.{number}"})
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": PASSWORD},
        headers={"x-forwarded-for": "192.0.2.200"},
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_is_429_with_retry_after(client, attendee):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "Too many failed log-ins" in response.content.decode()


def test_five_failures_for_different_usernames_from_one_address_lock_nobody_else(client, db):
    # A venue's NAT address: five attendees mistype, a sixth logs in.
    for number in range(5):
        assert fail_login(client, f"attendee{number}") == 200
    UserFactory(username="victim")
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 302


def test_password_spraying_from_one_address_is_locked_at_the_address_limit(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    assert [fail_login(client, f"guess{number}") for number in range(12)] == [200] * 11 + [429]
    UserFactory(username="victim")
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    # Another address is not locked.
    other = client.post(
        "/accounts/login/",
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert other.status_code == 302


def test_one_username_guessed_from_many_addresses_is_locked_at_the_username_limit(client, attendee):
    statuses = [fail_login(client, "ada", REMOTE_ADDR=f"198.51.100.{n}") for n in range(10)]
    assert statuses == [200] * 9 + [429]
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    assert response.status_code == 429


def test_one_username_from_one_address_is_locked_after_five(client, attendee):
    assert [fail_login(client, "ada") for _ in range(5)] == [200] * 4 + [429]
    # The same username from elsewhere may still log in (4 + 0 < 10).
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    assert response.status_code == 302


def test_the_token_endpoint_answers_429_with_retry_after_while_locked(client, attendee):
    def token(password):
        return client.post(f"{API}/auth/token/", {"username": "ada", "password": password})

    assert [token("wrong").status_code for _ in range(4)] == [400] * 4
    fifth = token("wrong")
    assert fifth.status_code == 429
    assert int(fifth["Retry-After"]) == 15 * 60
    # Even the right password waits, and says why.
    locked = token(PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Too many failed log-ins" in locked.json()["detail"]
    # The HTML log-in is locked too: one count for both.
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 429


# What the lock-out page says: only the lock-out that holds.

ACCOUNT_FROM_ANYWHERE = "Log-ins to this account are paused, from anywhere"
ACCOUNT_FROM_ADDRESS = "Log-ins to this account from your address are paused"
ADDRESS = "Log-ins from your address are paused, whatever the account"


def lock_out_page(response) -> str:
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please try again in 15 minutes." in page
    return page


def test_the_lock_out_page_of_one_username_from_one_address_names_both(client, attendee):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    page = lock_out_page(response)
    assert ACCOUNT_FROM_ADDRESS in page
    assert ACCOUNT_FROM_ANYWHERE not in page and ADDRESS not in page


def test_the_lock_out_page_of_one_username_from_anywhere_does_not_blame_the_address(
    client, attendee
):
    for number in range(10):
        fail_login(client, "ada", REMOTE_ADDR=f"198.51.100.{number}")
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    page = lock_out_page(response)
    assert ACCOUNT_FROM_ANYWHERE in page
    assert ACCOUNT_FROM_ADDRESS not in page and ADDRESS not in page


def test_the_lock_out_page_of_a_sprayed_address_does_not_blame_the_account(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for number in range(12):
        fail_login(client, f"guess{number}")
    UserFactory(username="victim")
    response = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    page = lock_out_page(response)
    assert ADDRESS in page
    assert ACCOUNT_FROM_ANYWHERE not in page and ACCOUNT_FROM_ADDRESS not in page
