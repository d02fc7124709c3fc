"""``manage.py check`` (and every command that runs the checks) says when the API's rate limits
could not be counted: limits are configured, the cache is not Redis, and the counters' table is
not in the database.

While the table's migration is not applied yet this is a warning (web.W001), since ``migrate``
runs the checks before it makes the table; once the migration is recorded, a missing table is an
error (web.E001). A database that cannot be reached is left to everything else that needs it.
"""

from django.core import checks
from django.db import DatabaseError, connections, router
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.settings import api_settings

from web.models import RateCounter
from web.throttling import redis_cache

MIGRATION = ("web", "0001_rate_counter")


def limits_configured() -> bool:
    return bool(api_settings.DEFAULT_THROTTLE_CLASSES) and any(
        api_settings.DEFAULT_THROTTLE_RATES.values()
    )


def rate_limit_counters(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not limits_configured() or redis_cache() is not None:
        return []
    alias = router.db_for_write(RateCounter)
    if databases is not None and alias not in databases:
        return []
    connection = connections[alias]
    table = RateCounter._meta.db_table
    try:
        if table in connection.introspection.table_names():
            return []
        migrated = MIGRATION in MigrationRecorder(connection).applied_migrations()
    except DatabaseError:
        return []
    if not migrated:
        return [
            checks.Warning(
                f"The API's rate limits cannot be counted: the table {table} is not made yet"
                " and there is no Redis (REDIS_URL). Requests would be allowed uncounted.",
                hint="Run manage.py migrate.",
                id="web.W001",
            )
        ]
    return [
        checks.Error(
            f"The API's rate limits cannot be counted: the table {table} is missing, though its"
            f" migration {'.'.join(MIGRATION)} is recorded as applied, and there is no Redis"
            " (REDIS_URL). Requests would be allowed uncounted.",
            hint="Make the table again (past this check, which stops migrate too): manage.py"
            " migrate web zero --fake --skip-checks, then manage.py migrate web --skip-checks.",
            id="web.E001",
        )
    ]
