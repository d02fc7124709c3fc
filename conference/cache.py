"""A Redis cache that degrades instead of failing when Redis is unreachable.

Every operation that cannot reach Redis logs one warning (at most every ``QUIET_SECONDS`` per
process) and behaves as a miss: reads return the default, writes return False, ``incr`` returns
None. After a failure the process leaves Redis alone for ``QUIET_SECONDS``, so a dead Redis
costs one short connection timeout, not one per request. Throttles treat a missing counter as
"allow" (fail open, conference/throttling.py); nothing else in the site needs the cache to be
right. ``/healthz`` calls ``ping()`` to report the cache's state.
"""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

log = logging.getLogger("conference.cache")

QUIET_SECONDS = 5.0

#: The counter's new value; a new counter gets its expiry in the same step.
COUNT_SCRIPT = redis.commands.core.Script(
    None,  # bound to no client: each call names its own (bytes need no client's encoder)
    b"local value = redis.call('INCR', KEYS[1])\n"
    b"if value == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\n"
    b"return value",
)


class PooledClients(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every operation. With redis-py 8 that costs 0.1-0.17
    ms here (its constructor sets up retries, callbacks and driver information; measured against
    0.27-0.32 ms for a whole count), on every API request (the rate-limit count) and every
    cached read. A ``redis.Redis`` holds no connection of its own (it borrows one from its pool
    per command) and is safe to share between threads, so one per pool does the same work.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # pools live as long as this object: their ids are not reused
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, params)
        self._class = PooledClients
        self._down_until = 0.0

    def _guard(self, operation, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except redis.exceptions.RedisError as error:
            self._down_until = time.monotonic() + QUIET_SECONDS
            log.warning(
                "Redis is unreachable (%s: %s); throttling fails open and the cache misses"
                " for the next %.0f s.",
                type(error).__name__,
                error,
                QUIET_SECONDS,
            )
            return fallback

    def ping(self) -> bool:
        """True when Redis answers now (ignores the quiet period; for the health check)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except redis.exceptions.RedisError:
            return False

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set, False, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().add, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._guard(super().incr, None, key, delta, version)

    def count(self, key, timeout: int) -> int | None:
        """Add one to the counter ``key`` (made with ``timeout`` seconds to live) and return its
        new value; None when Redis is down. One command, atomic: a small script (INCR, and
        EXPIRE when the counter is new) runs alone in Redis. It is sent by its SHA1 after the
        first time (EVALSHA): one command where the MULTI/EXEC transaction it replaces sent
        four, about a quarter less time per count here. It is paid on every API request, kept
        answers included."""

        def count():
            name = self.make_and_validate_key(key)
            client = self._cache.get_client(name, write=True)
            return COUNT_SCRIPT(keys=[name], args=[timeout], client=client)

        return self._guard(count, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(super().delete_many, None, keys, version)

    def clear(self):
        return self._guard(super().clear, False)
