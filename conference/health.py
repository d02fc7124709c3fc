"""Liveness check for a load balancer: the process answers and the database does too.

The cache's state is reported but never fails the check: when Redis is unreachable the site
keeps answering (throttles fail open, conference/cache.py), so taking the instance out of the
load balancer would only make things worse.
"""

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from conference.cache import ResilientRedisCache


def cache_state() -> str:
    """ "ok", "unreachable" (Redis configured but not answering) or "in-process" (no Redis)."""
    cache = caches["default"]
    if isinstance(cache, ResilientRedisCache):
        return "ok" if cache.ping() else "unreachable"
    return "in-process"


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "unreachable", "cache": cache_state()}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "cache": cache_state()})
