"""Parallel DELETEs of one agenda item: exactly one 204, the others 404 (real threads, each with
its own database connection, in a transactional test)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import AgendaItem
from accounts.services import save_to_agenda

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_parallel_deletes_of_one_item_answer_one_204(agenda_program, attendee):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's shared in-memory test database does not let writers wait for each other;"
            " this test runs with DATABASE_URL=postgres://... (CI runs both)"
        )
    item, _ = save_to_agenda(user=attendee, item=agenda_program["poster"])
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=attendee).key}"}
    barrier = threading.Barrier(THREADS)
    statuses = []

    def delete():
        try:
            client = Client()
            barrier.wait()
            statuses.append(client.delete(f"/api/v1/agenda/{item.pk}/", **auth).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=delete) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204] + [404] * (THREADS - 1)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_deleting_an_agenda_item_that_is_not_a_number_or_too_large_is_404(attendee_client):
    for pk in ("abc", "99999999999999999999999", "1.5"):
        assert attendee_client.delete(f"/api/v1/agenda/{pk}/").status_code == 404
