"""Settings come from the environment with safe defaults; each case runs in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "PG_RANDOM_PAGE_COST",
    "REDIS_URL",
    "CACHE_URL",
    "TRUSTED_PROXY_COUNT",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    # Set by the browser tests for their own process; a deployment never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)

READ_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST", ""),
    "DB_OPTIONS": {key: str(value) for key, value in db.get("OPTIONS", {}).items()},
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION", ""),
    "MAILER": settings.MAILERS["default"],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
    "NUM_PROXIES": settings.REST_FRAMEWORK["NUM_PROXIES"],
}))
"""


def clean_environment(data_dir: Path, **variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="conference.settings", DATA_DIR=str(data_dir), **variables)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def read_settings(data_dir: Path, **variables: str) -> dict:
    result = run_python(READ_SETTINGS, clean_environment(data_dir, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_safe_sqlite_in_data_folder_debug_off_console_email(tmp_path):
    values = read_settings(tmp_path)
    assert values["DEBUG"] is False
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(tmp_path / "db.sqlite3")
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["MAILER"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_development_secret_is_generated_once_kept_private_and_reused(tmp_path):
    first = read_settings(tmp_path)["SECRET_KEY"]
    second = read_settings(tmp_path)["SECRET_KEY"]
    assert first == second
    assert len(first) >= 50
    secret_file = tmp_path / "secret_key"
    assert secret_file.read_text() == first
    assert secret_file.stat().st_mode & 0o077 == 0
    assert read_settings(tmp_path / "other")["SECRET_KEY"] != first


def test_secret_key_debug_and_hosts_come_from_the_environment(tmp_path):
    values = read_settings(
        tmp_path, SECRET_KEY="s3cret-from-env", DEBUG="true", ALLOWED_HOSTS="a.example, b.example"
    )
    assert values["SECRET_KEY"] == "s3cret-from-env"
    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert not (tmp_path / "secret_key").exists()


def test_a_debug_value_that_is_not_yes_or_no_is_refused(tmp_path):
    result = run_python(READ_SETTINGS, clean_environment(tmp_path, DEBUG="maybe"))
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_database_url_selects_postgresql(tmp_path):
    values = read_settings(tmp_path, DATABASE_URL="postgres://someone@db.internal:5433/program")
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "program"
    assert values["HOST"] == "db.internal"


def test_postgresql_plans_for_a_program_in_memory_unless_told_otherwise(tmp_path):
    url = "postgres://someone@db.internal:5433/program"
    values = read_settings(tmp_path, DATABASE_URL=url)
    assert values["DB_OPTIONS"] == {"options": "-c random_page_cost=1.1"}
    values = read_settings(tmp_path, DATABASE_URL=url, PG_RANDOM_PAGE_COST="")
    assert values["DB_OPTIONS"] == {}
    # Options given in the address are kept beside it.
    values = read_settings(
        tmp_path,
        DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000",
        PG_RANDOM_PAGE_COST="2",
    )
    assert values["DB_OPTIONS"]["options"] == "-c statement_timeout=5000 -c random_page_cost=2.0"
    result = run_python(
        "import django; django.setup()",
        clean_environment(tmp_path, DATABASE_URL=url, PG_RANDOM_PAGE_COST="cheap"),
    )
    assert result.returncode != 0 and "PG_RANDOM_PAGE_COST" in result.stderr


@pytest.mark.django_db
def test_the_test_database_connection_really_uses_the_setting():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://...")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_redis_url_selects_the_shared_redis_cache(tmp_path):
    values = read_settings(tmp_path, REDIS_URL="redis://cache.internal:6379/2")
    assert values["CACHE"] == "django_redis.cache.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://cache.internal:6379/2"


def test_an_unknown_cache_url_is_refused_with_a_message(tmp_path):
    result = run_python(READ_SETTINGS, clean_environment(tmp_path, CACHE_URL="memcache://x"))
    assert result.returncode != 0
    assert "CACHE_URL must start with redis://" in result.stderr


def test_email_url_selects_smtp(tmp_path):
    values = read_settings(tmp_path, EMAIL_URL="smtp://user:pw@mail.example.org:587/?tls=True")
    assert values["MAILER"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    options = values["MAILER"]["OPTIONS"]
    assert options["host"] == "mail.example.org"
    assert options["port"] == 587
    assert options["username"] == "user"
    assert options["use_tls"] is True


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7-Qk2v9LmZr4TbWc8NpHsYd3FgJa6UeRiOo1XnVt5KlMqBz0CwEyPuIhGfDjSaAb",
    "ALLOWED_HOSTS": "program.example.org",
    # The rate counters on Redis (the check does not connect; without it, it looks for their
    # table in the database, which this fresh data folder has not made).
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "EMAIL_URL": "smtp://program:pw@mail.example.org:587/?tls=True",
}


def test_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean_environment(tmp_path, **PRODUCTION),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_debug_is_left_on(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean_environment(tmp_path, **{**PRODUCTION, "DEBUG": "true"}),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_the_shared_cache_really_stores_in_redis(tmp_path):
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    code = """
import django, os
django.setup()
from django.core.cache import cache
cache.client.get_client().ping()  # django-redis would hide a ConnectionError below
cache.set("settings-test", {"ok": "Böther"}, 30)
print(cache.get("settings-test")["ok"])
"""
    result = run_python(code, clean_environment(tmp_path, REDIS_URL=url))
    if result.returncode != 0 and "ConnectionError" in result.stderr:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url} under CI: {result.stderr[-300:]}")
        pytest.skip(f"no Redis server at {url}; CI runs this test against a real one")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Böther"


def test_trusted_proxy_count_defaults_to_0_and_sets_drf_too(tmp_path):
    values = read_settings(tmp_path)
    assert values["TRUSTED_PROXY_COUNT"] == values["NUM_PROXIES"] == 0
    values = read_settings(tmp_path, TRUSTED_PROXY_COUNT="2")
    assert values["TRUSTED_PROXY_COUNT"] == values["NUM_PROXIES"] == 2


@pytest.mark.parametrize("value", ["-1", "two", "²"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_is_refused(tmp_path, value):
    result = run_python(READ_SETTINGS, clean_environment(tmp_path, TRUSTED_PROXY_COUNT=value))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
