"""API throttles with exact limits across workers and instances.

A fixed window per client: the first request of a minute starts a counter, each request adds one
atomically, and the request is refused (429 with Retry-After up to the window's end) once the
counter passes the rate. The counter lives in the "throttle" cache: Redis when REDIS_URL is set
(INCR and EXPIRE in one MULTI/EXEC round trip), otherwise Django's database cache, shared by
every worker and every instance on the database (one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING statement, atomic on SQLite and PostgreSQL). When the counter store cannot answer
(Redis down), the request is allowed and a warning is logged: throttling fails open, the API
keeps answering.

Clients are told apart by conference.client_ip (TRUSTED_PROXY_COUNT), never by a header they
could make up.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router
from django.utils import timezone
from django_redis.cache import RedisCache
from redis import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from conference.client_ip import client_ip

log = logging.getLogger("conference.throttling")

THROTTLE_CACHE = "throttle"


def count(key: str, timeout: int) -> int | None:
    """Add one to the counter ``key`` and return its new value; None when it cannot be kept."""
    cache = caches[THROTTLE_CACHE]
    if isinstance(cache, RedisCache):
        return _count_on_redis(cache, key, timeout)
    if isinstance(cache, DatabaseCache):
        return _count_in_database(cache, key, timeout)
    # An in-process cache (one worker only): add and incr run under its own lock.
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _count_on_redis(cache: RedisCache, key: str, timeout: int) -> int | None:
    """INCR, and EXPIRE so that the counter goes with its window, in one MULTI/EXEC."""
    name = cache.make_and_validate_key(key)
    try:
        with cache.client.get_client(write=True).pipeline() as pipe:
            value, _ = pipe.incr(name).expire(name, timeout).execute()
    except RedisError as error:
        log.warning("Throttle counter unavailable (%s); the request is allowed.", error)
        return None
    return value


def _count_in_database(cache: DatabaseCache, key: str, timeout: int) -> int | None:
    """One statement, atomic on SQLite and PostgreSQL: insert the counter at 1 or add one.

    The row sits in the database cache's table, with the value as plain digits (only this
    function reads it; the key carries its window, so it is never reused after it expires).
    """
    alias = router.db_for_write(cache.cache_model_class)
    connection = connections[alias]
    table = connection.ops.quote_name(cache._table)
    expires = connection.ops.adapt_datetimefield_value(
        timezone.now() + datetime.timedelta(seconds=timeout)
    )
    try:
        with connection.cursor() as cursor:  # one statement: atomic on its own
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s)"
                f" ON CONFLICT (cache_key) DO UPDATE"
                f" SET value = CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT)"
                f" RETURNING value",
                [cache.make_and_validate_key(key), expires],
            )
            value = int(cursor.fetchone()[0])
            _forget_expired(cursor, table, connection)
    except DatabaseError as error:
        log.warning("Throttle counter unavailable (%s); the request is allowed.", error)
        return None
    return value


_last_sweep = time.monotonic()


def _forget_expired(cursor, table: str, connection) -> None:
    """Once a minute per process, drop the counters of windows that are over."""
    global _last_sweep
    if time.monotonic() - _last_sweep < 60:
        return
    _last_sweep = time.monotonic()
    cursor.execute(
        f"DELETE FROM {table} WHERE expires < %s",
        [connection.ops.adapt_datetimefield_value(timezone.now())],
    )


class FixedWindowThrottle:
    """Mixed into DRF's rate throttles: same scopes and rates, exact counting."""

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        # The answer was counted: conference.front_cache counts its kept copies too.
        getattr(request, "_request", request).counted_by_throttle = True
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        counted = count(f"{self.key}:{window}", self.duration + 1)
        if counted is None:
            return True
        return counted <= self.num_requests

    def wait(self):
        return self.wait_seconds


class AnonThrottle(FixedWindowThrottle, AnonRateThrottle):
    pass


class UserThrottle(FixedWindowThrottle, UserRateThrottle):
    pass
