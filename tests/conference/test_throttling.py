"""The throttle's counter is atomic in each of its stores: Redis (REDIS_TEST_URL) and the database
cache (SQLite and PostgreSQL); many threads counting at once get every number exactly once."""

import os
import threading
import uuid

import pytest
import redis
from django.db import connection
from rest_framework.throttling import AnonRateThrottle

from conference import throttling

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
THREADS = 24


def count_in_threads(key: str) -> list[int]:
    barrier = threading.Barrier(THREADS)
    values = []

    def count():
        try:
            barrier.wait()
            values.append(throttling.count(key, 60))
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return values


@pytest.fixture
def redis_throttle(settings):
    throttle = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {**settings.CACHES, "throttle": throttle}
    from django.core.cache import caches

    try:
        caches["throttle"].client.get_client().ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL} under CI")
        pytest.skip(f"no Redis server at {REDIS_URL}; CI runs this test against a real one")


def test_redis_counts_atomically_and_the_counter_expires(redis_throttle):
    from django.core.cache import caches

    assert sorted(count_in_threads("atomic")) == list(range(1, THREADS + 1))
    cache = caches["throttle"]
    name = cache.make_and_validate_key("atomic")
    assert 0 < cache.client.get_client().ttl(name) <= 60


def test_the_api_limit_is_exact_with_redis(client, db, redis_throttle, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    statuses = [client.get("/api/v1/conferences/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counts_atomically():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's shared in-memory test database does not let writers wait for each other;"
            " run with DATABASE_URL=postgres://... (the two-worker make run test covers SQLite)"
        )
    assert sorted(count_in_threads("atomic")) == list(range(1, THREADS + 1))


def test_the_database_cache_counts_in_order(db):
    assert [throttling.count("sequential", 60) for _ in range(3)] == [1, 2, 3]
    assert throttling.count("another", 60) == 1
