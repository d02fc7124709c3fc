"""manage.py check says when the rate limits could not be counted: no Redis and no counters'
table (a warning before the table's migration, an error after it); quiet with Redis, with the
table, without limits, and when the database cannot be reached."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

from web.checks import rate_limit_counters


@pytest.fixture
def no_table(monkeypatch):
    real = connection.introspection.table_names
    monkeypatch.setattr(
        connection.introspection,
        "table_names",
        lambda *args, **kwargs: [
            name for name in real(*args, **kwargs) if name != "web_ratecounter"
        ],
    )


def test_quiet_with_the_table(db):
    assert rate_limit_counters(databases=["default"]) == []


def test_an_error_when_the_migrated_table_is_missing(db, no_table):
    (error,) = rate_limit_counters(databases=["default"])
    assert error.id == "web.E001" and "web_ratecounter" in error.msg
    with pytest.raises(SystemCheckError, match=r"web\.E001"):
        call_command("check")  # registered: manage.py check fails


def test_a_warning_before_the_migration_so_that_migrate_can_run(db, no_table, monkeypatch):
    monkeypatch.setattr(MigrationRecorder, "applied_migrations", lambda self: {})
    (warning,) = rate_limit_counters(databases=["default"])
    assert warning.id == "web.W001" and warning.hint == "Run manage.py migrate."


def test_quiet_with_redis_or_without_limits(db, no_table, settings, django_assert_num_queries):
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {**settings.CACHES, "default": redis}
    with django_assert_num_queries(0):  # nor does it try Redis: /healthz does
        assert rate_limit_counters(databases=["default"]) == []
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    assert rate_limit_counters(databases=["default"]) == []


def test_quiet_when_the_database_cannot_be_reached(db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection.introspection, "table_names", unreachable)
    assert rate_limit_counters(databases=["default"]) == []
