"""The rate limits count exactly in each of their stores, Redis (REDIS_TEST_URL) and the table
(SQLite and PostgreSQL): many threads counting at once are allowed exactly the limit. When the
counters cannot be kept (Redis at a closed port, the table missing) requests are allowed and a
warning is logged."""

import datetime
import os
import socket
import threading
import uuid

import pytest
import redis
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from web import throttling
from web.models import RateCounter

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
THREADS = 24
LIMIT = 10
API = "/api/v1/conferences/"


def count_in_threads(key: str) -> list[bool]:
    barrier = threading.Barrier(THREADS)
    allowed = []

    def count():
        try:
            barrier.wait()
            allowed.append(throttling.count(key, LIMIT, 60)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return allowed


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    cache = throttling.redis_cache()
    try:
        cache.client.get_client().ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL} under CI")
        pytest.skip(f"no Redis server at {REDIS_URL}; CI runs this test against a real one")
    return cache


@pytest.fixture
def unreachable_redis(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        },
    }


# Redis


def test_redis_counts_atomically_and_the_counter_expires(redis_cache):
    assert sorted(count_in_threads("atomic")) == [False] * (THREADS - LIMIT) + [True] * LIMIT
    window = int(throttling.time.time() // 60)
    key = redis_cache.make_key(f"atomic:{window}")
    client = redis_cache.client.get_client()
    assert int(client.get(key)) == THREADS  # refused requests are counted too
    assert 0 < client.ttl(key) <= 61


def test_the_api_limit_is_exact_with_redis(client, db, redis_cache, three_a_minute):
    statuses = [client.get(API).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert not RateCounter.objects.exists()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert (health.json()["cache"], health.json()["rate_limits"]) == ("ok", "ok")


def test_with_redis_unreachable_requests_are_allowed_with_a_warning(
    client, db, unreachable_redis, three_a_minute, caplog
):
    statuses = [client.get(API).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert "Rate limits cannot be counted (ConnectionError" in caplog.text
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["cache"] == "unreachable"
    assert health.json()["rate_limits"] == "unavailable"


# The table


def test_the_table_counts_in_order_and_each_window_apart(db):
    now = 6000.5  # 100 minutes and half a second
    assert [throttling.count("in-order", 3, 60, now)[0] for _ in range(5)] == [True] * 3 + [
        False
    ] * 2
    assert throttling.count("in-order", 3, 60, now) == (False, 59.5)
    assert throttling.count("another", 3, 60, now) == (True, 59.5)
    rows = RateCounter.objects.order_by("key").values_list("key", "window", "count", "expires")
    end = datetime.datetime(1970, 1, 1, 1, 41, tzinfo=datetime.UTC)
    # Refused requests are not counted.
    assert list(rows) == [("another", 100, 1, end), ("in-order", 100, 3, end)]
    # The next minute starts again, in the same row.
    assert throttling.count("in-order", 3, 60, now + 60) == (True, 59.5)
    assert RateCounter.objects.get(key="in-order").count == 1
    # A request stamped a little earlier (another instance's clock behind) counts in the row's
    # window: the count goes on, it is not started again.
    assert throttling.count("in-order", 3, 60, now + 59) == (True, 0.5)
    row = RateCounter.objects.get(key="in-order")
    assert (row.window, row.count, row.expires) == (101, 2, end + datetime.timedelta(minutes=1))


def test_a_request_is_one_statement_once_the_client_has_its_row(db, django_assert_num_queries):
    throttling.count("statements", 3, 60, 6000)
    with django_assert_num_queries(1):
        assert throttling.count("statements", 3, 60, 6001)[0]
    with django_assert_num_queries(1):  # the next window too
        assert throttling.count("statements", 3, 60, 6060)[0]


@pytest.mark.django_db(transaction=True)
def test_the_table_counts_atomically():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's shared in-memory test database does not let writers wait for each other;"
            " run with DATABASE_URL=postgres://... (the two-worker make run test covers SQLite)"
        )
    assert sorted(count_in_threads("atomic")) == [False] * (THREADS - LIMIT) + [True] * LIMIT
    assert RateCounter.objects.get().count == LIMIT


def test_counters_of_windows_that_are_over_are_deleted_now_and_then(
    db, monkeypatch, django_assert_num_queries
):
    over = timezone.now() - datetime.timedelta(seconds=1)
    RateCounter.objects.create(key="over", window=1, count=5, expires=over)
    throttling.count("current", 3, 60)
    assert RateCounter.objects.filter(key="over").exists()  # the sweep is off in tests
    monkeypatch.setattr(throttling, "_last_sweep", float("-inf"))
    # A client's first request: count (no row), make the row, sweep (one DELETE), count.
    with django_assert_num_queries(4):
        throttling.count("new", 3, 60)
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["current", "new"]


def test_the_api_limit_is_exact_with_the_table(client, db, three_a_minute):
    statuses = [client.get(API).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert 0 < float(client.get(API)["Retry-After"]) <= 60


@pytest.mark.django_db(transaction=True)
def test_without_the_table_requests_are_allowed_with_a_warning(
    client, monkeypatch, three_a_minute, caplog
):
    monkeypatch.setattr(RateCounter._meta, "db_table", "web_ratecounter_missing")
    statuses = [client.get(API).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert "Rate limits cannot be counted" in caplog.text
    assert "web_ratecounter_missing" in caplog.text
    health = client.get("/healthz")
    assert health.status_code == 503
    assert {key: health.json()[key] for key in ("status", "database", "rate_limits")} == {
        "status": "error",
        "database": "ok",
        "rate_limits": "unavailable",
    }


# Without DRF


def test_allow_anonymous_counts_on_the_anonymous_throttles_counter(client, db, three_a_minute):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert throttling.anonymous_key(request) == "throttle_anon_127.0.0.1"
    assert [throttling.allow_anonymous(request) for _ in range(2)] == [True, True]
    # The test client's address: the API has one request left.
    assert [client.get(API).status_code for _ in range(2)] == [200, 429]
    assert throttling.allow_anonymous(request) is False
    other = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    assert throttling.allow_anonymous(other) is True
