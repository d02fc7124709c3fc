"""API rate limits (DRF throttles), exact across workers and instances.

A fixed window per client: each request atomically adds one to the client's counter for the
current window, and is refused (429 with Retry-After) once the window is full. Counters live on
Redis when the cache is Redis (REDIS_URL), else in the ``RateCounter`` table. When they cannot
be counted the request is allowed, a warning is logged and ``/healthz`` returns 503. Clients are
told apart by ``web.client_ip`` (TRUSTED_PROXY_COUNT), never by a header.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.core.cache import caches
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone
from django_redis.cache import RedisCache
from redis import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from web.client_ip import client_ip
from web.models import RateCounter

log = logging.getLogger("web.throttling")

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# How often (seconds) a process deletes the table's counters of windows that are over.
SWEEP_EVERY = 60


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """``"300/min"`` -> (300, 60), as DRF reads a rate; (None, None) for no limit."""
    if rate is None:
        return None, None
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


def redis_cache() -> RedisCache | None:
    """The default cache when it is Redis: the counters are kept there too."""
    cache = caches["default"]
    return cache if isinstance(cache, RedisCache) else None


def count(key: str, limit: int, duration: int, now: float | None = None) -> tuple[bool, float]:
    """Count one request under ``key`` against ``limit`` requests per ``duration`` seconds.

    Returns whether it is within the limit and the seconds left in its window. A request that
    cannot be counted is allowed, and a warning says so.
    """
    now = time.time() if now is None else now
    window = int(now // duration)
    ends = (window + 1) * duration
    cache = redis_cache()
    try:
        if cache is not None:
            allowed = _count_on_redis(cache, f"{key}:{window}", limit, duration)
        else:
            allowed = _count_in_table(key, limit, window, ends)
    except (RedisError, DatabaseError) as error:
        log.warning(
            "Rate limits cannot be counted (%s: %s); the request is allowed.",
            type(error).__name__,
            error,
        )
        allowed = True
    return allowed, ends - now


def _count_on_redis(cache: RedisCache, name: str, limit: int, duration: int) -> bool:
    key = cache.make_key(name)
    # MULTI/EXEC: the counter never exists without its expiry.
    with cache.client.get_client(write=True).pipeline() as pipe:
        counted, _ = pipe.incr(key).expire(key, duration + 1).execute()
    return counted <= limit


def _count_in_table(key: str, limit: int, window: int, ends: int) -> bool:
    """One UPDATE per request (``_add_one``). A client's first request makes its row first (an
    INSERT that yields to another request making it at the same moment), and so does a refused
    one (the UPDATE matched no row): three statements."""
    expires = datetime.datetime.fromtimestamp(ends, datetime.UTC)
    if _add_one(key, limit, window, expires):
        return True
    # No row for this client (its first request, or its first since its row was deleted), or
    # the limit is reached: make the row unless it is there (another request may be making it
    # now), and try once more.
    row = RateCounter(key=key, window=window, count=0, expires=expires)
    RateCounter.objects.bulk_create([row], ignore_conflicts=True)
    _forget_expired()
    return _add_one(key, limit, window, expires)


def _add_one(key: str, limit: int, window: int, expires: datetime.datetime) -> bool:
    """One UPDATE, atomic on its own (PostgreSQL checks the condition again on the row it waited
    for, SQLite has one writer at a time): 1 in a new window, or one more in the row's window
    while it is below the limit; a refused request is not counted. A row already in a later
    window (another instance's clock a little ahead) is counted in that window, never reset.

    Written out once per database: built with the ORM it took 0.6 of its 0.7 ms (measured on
    SQLite), on every API request."""
    connection = connections[router.db_for_write(RateCounter)]
    ends = connection.ops.adapt_datetimefield_value(expires)
    with connection.cursor() as cursor:
        cursor.execute(
            update_sql(connection), [window, window, window, ends, ends, key, window, limit]
        )
        return cursor.rowcount > 0


def update_sql(connection) -> str:
    found = _UPDATE_SQL.get(connection.alias)
    if found is None:
        meta, quote = RateCounter._meta, connection.ops.quote_name
        table, key, window, count, expires = (
            quote(name) for name in (meta.db_table, *(meta.get_field(f).column for f in UPDATED))
        )
        found = _UPDATE_SQL[connection.alias] = (
            f"UPDATE {table} SET"
            f" {count} = CASE WHEN {window} < %s THEN 1 ELSE {count} + 1 END,"
            f" {window} = CASE WHEN {window} < %s THEN %s ELSE {window} END,"
            f" {expires} = CASE WHEN {expires} < %s THEN %s ELSE {expires} END"
            f" WHERE {key} = %s AND ({window} < %s OR {count} < %s)"
        )
    return found


UPDATED = ("key", "window", "count", "expires")
_UPDATE_SQL: dict[str, str] = {}


_last_sweep = time.monotonic()


def _forget_expired() -> None:
    """Once a minute per process, delete the counters of windows that are over."""
    global _last_sweep
    if time.monotonic() - _last_sweep < SWEEP_EVERY:
        return
    _last_sweep = time.monotonic()
    RateCounter.objects.filter(expires__lt=timezone.now()).delete()


def counters_state() -> str:
    """For /healthz: "ok" when requests can be counted now; "unavailable" when not (Redis
    not answering, the table missing or unreadable). ``manage.py check`` also says when the
    table is missing (web/checks.py)."""
    cache = redis_cache()
    try:
        if cache is not None:
            cache.client.get_client(write=True).ping()
        else:
            # In a savepoint of its own, so that a failure leaves any outer transaction usable.
            with transaction.atomic(using=router.db_for_write(RateCounter)):
                RateCounter.objects.filter(key="").exists()
    except (RedisError, DatabaseError):
        return "unavailable"
    return "ok"


def anonymous_key(request) -> str:
    """The counter of an anonymous client: its address, as DRF's AnonRateThrottle names it."""
    return AnonRateThrottle.cache_format % {"scope": "anon", "ident": client_ip(request)}


def _count_anonymous(request) -> tuple[bool, float]:
    limit, duration = parse_rate(AnonThrottle.THROTTLE_RATES.get("anon"))
    if limit is None:
        return True, 0.0
    return count(anonymous_key(request), limit, duration)


def allow_anonymous(request) -> bool:
    """Count ``request`` as an anonymous one against the anonymous rate (``API_ANON_RATE``):
    the same counter as AnonThrottle's for its address. True when it is within the rate; for
    answers made without DRF's throttles (a cache in front of the views)."""
    return _count_anonymous(request)[0]


class FixedWindowThrottle:
    """Mixed into DRF's rate throttles: their scopes, rates and keys, counted by ``count``."""

    wait_seconds = None

    def parse_rate(self, rate):
        return parse_rate(rate)

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        # The response was counted: web.caching counts its stored copies too.
        getattr(request, "_request", request).counted_by_throttle = True
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        allowed, self.wait_seconds = count(key, self.num_requests, self.duration, self.timer())
        return allowed

    def wait(self):
        return self.wait_seconds


class AnonThrottle(FixedWindowThrottle, AnonRateThrottle):
    def allow_request(self, request, view):
        getattr(request, "_request", request).counted_by_throttle = True
        if request.user and request.user.is_authenticated:
            return True
        allowed, self.wait_seconds = _count_anonymous(request)
        return allowed


class UserThrottle(FixedWindowThrottle, UserRateThrottle):
    pass
