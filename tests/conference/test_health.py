import datetime

import pytest
import time_machine
from django.utils.timezone import now

from program.tasks import refresh_similar_papers


@pytest.mark.django_db
def test_healthz_reports_the_process_and_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "in-process",
        "rate_limits": "ok",
        "tasks": "ok",
        "oldest_waiting_seconds": 0,
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_when_tasks_wait_with_no_worker_to_run_them(client):
    """A task waiting past the threshold (no worker ran it) is "stalled"; the check still
    passes: another web instance would not run it either."""
    with time_machine.travel(now() - datetime.timedelta(minutes=11), tick=False):
        refresh_similar_papers.enqueue(1)  # as any program change queues one
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["tasks"] == "stalled"
    assert 660 <= health.json()["oldest_waiting_seconds"] < 700


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
