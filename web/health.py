"""Health check for a load balancer and monitoring: 200 when the process, the database and
the API's rate limits work; 503 naming what is wrong otherwise.

Rate limits that cannot be counted fail the check, since the API then runs unlimited; with Redis,
an unreachable cache fails it too (every instance shares that Redis). Tasks never fail it:
``tasks`` says how long the oldest ready task has waited, and "stalled" past
``TASKS_STALLED_AFTER``.
"""

import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.timezone import now
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_redis.cache import RedisCache
from django_tasks_db.models import DBTaskResult
from redis import RedisError

from web.throttling import counters_state

# A task waiting longer than this means no worker runs them (one takes seconds). Tasks never
# fail the check: a web instance taken out of the balancer would not run them either.
TASKS_STALLED_AFTER = datetime.timedelta(minutes=10)
DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def cache_state() -> str:
    """ "ok", "unreachable" (Redis configured but not answering) or "in-process" (no Redis)."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return "in-process"
    try:
        cache.client.get_client(write=True).ping()
    except RedisError:
        return "unreachable"
    return "ok"


def task_state() -> dict:
    """The tasks waiting in the database: {"tasks": "ok" or "stalled", "oldest_waiting_seconds"}
    (none waiting: 0); nothing when tasks do not wait in the database."""
    if settings.TASKS["default"]["BACKEND"] != DATABASE_TASKS:
        return {}
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    waited = now() - oldest if oldest else datetime.timedelta(0)
    return {
        "tasks": "stalled" if waited > TASKS_STALLED_AFTER else "ok",
        "oldest_waiting_seconds": int(waited.total_seconds()),
    }


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {
                "status": "error",
                "database": "unreachable",
                "cache": cache_state(),
                "rate_limits": counters_state(),
            },
            status=503,
        )
    rate_limits = counters_state()
    return JsonResponse(
        {
            "status": "ok" if rate_limits == "ok" else "error",
            "database": "ok",
            "cache": cache_state(),
            "rate_limits": rate_limits,
            **task_state(),
        },
        status=200 if rate_limits == "ok" else 503,
    )
