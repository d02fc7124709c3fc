"""The agenda through the API: a client with a token manages its own agenda and no one else's."""

import pytest

from accounts.models import AgendaItem
from program.models import Poster, Session, Talk
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token_for(client, user) -> dict:
    token = client.post(
        f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}
    ).json()["token"]
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_a_token_client_saves_lists_and_deletes_agenda_items(client, attendee, seed):
    auth = token_for(client, attendee)
    poster = Poster.objects.get(contribution__title__startswith="Marconi")
    first = client.post(f"{API}/agenda/", {"item_type": "poster", "item_id": poster.pk}, **auth)
    assert first.status_code == 201
    again = client.post(f"{API}/agenda/", {"item_type": "poster", "item_id": poster.pk}, **auth)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["item_type"] == "poster" and body["item_id"] == poster.pk
    assert body["starts_at"] == "2025-05-15T13:15:00-07:00"
    assert body["room"]["name"] == "Mission City Ballroom"
    assert body["changed_since_saved"] is False

    session = Session.objects.get(title__startswith="Session 10")
    client.post(f"{API}/agenda/", {"item_type": "session", "item_id": session.pk}, **auth)
    talk = Talk.objects.get()
    client.post(f"{API}/agenda/", {"item_type": "talk", "item_id": talk.pk}, **auth)
    listed = client.get(f"{API}/agenda/", **auth).json()
    assert listed["count"] == 3
    assert all(item["clashes_with"] == [] for item in listed["results"])  # poster inside session

    assert client.delete(f"{API}/agenda/{body['id']}/", **auth).status_code == 204
    assert client.get(f"{API}/agenda/", **auth).json()["count"] == 2


def test_clashing_items_name_each_other(client, attendee, seed):
    auth = token_for(client, attendee)
    ten = Session.objects.get(title__startswith="Session 10")
    eleven = Session.objects.get(title__startswith="Session 11")
    eleven.starts_at = ten.starts_at
    eleven.room = seed.rooms.create(name="Great America J")  # two places at once
    eleven.save()
    a = client.post(f"{API}/agenda/", {"item_type": "session", "item_id": ten.pk}, **auth).json()
    b = client.post(f"{API}/agenda/", {"item_type": "session", "item_id": eleven.pk}, **auth).json()
    items = {i["id"]: i for i in client.get(f"{API}/agenda/", **auth).json()["results"]}
    assert items[a["id"]]["clashes_with"] == [b["id"]]
    assert items[b["id"]]["clashes_with"] == [a["id"]]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"item_type": "banquet", "item_id": 1}, "item_type"),
        ({"item_type": "poster", "item_id": 999999}, "item_id"),
        ({"item_type": "poster", "item_id": "abc"}, "item_id"),
        ({"item_type": "poster"}, "item_id"),
    ],
)
def test_unknown_items_are_400_and_nothing_is_saved(client, attendee, seed, payload, field):
    auth = token_for(client, attendee)
    response = client.post(f"{API}/agenda/", payload, content_type="application/json", **auth)
    assert response.status_code == 400
    assert field in response.json()
    assert not AgendaItem.objects.exists()


def test_another_users_agenda_is_invisible_and_their_ids_are_404(client, attendee, seed):
    ada = token_for(client, attendee)
    eve = token_for(client, UserFactory(username="eve"))
    poster = Poster.objects.first()
    saved = client.post(f"{API}/agenda/", {"item_type": "poster", "item_id": poster.pk}, **ada)
    item_id = saved.json()["id"]
    assert client.get(f"{API}/agenda/", **eve).json()["count"] == 0
    assert client.get(f"{API}/agenda/{item_id}/", **eve).status_code == 404
    assert client.delete(f"{API}/agenda/{item_id}/", **eve).status_code == 404
    assert AgendaItem.objects.filter(pk=item_id).exists()


def test_the_agenda_needs_credentials(client, seed):
    response = client.get(f"{API}/agenda/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    bad = client.get(f"{API}/agenda/", HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.status_code == 401
