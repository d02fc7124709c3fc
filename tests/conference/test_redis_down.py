"""Redis pointed at a closed port: pages, API lists, the schema, the docs, log-in and the agenda
all answer, the rate limits fail open with a log line, and /healthz answers 503 saying that the
cache is unreachable and the limits unavailable. Runs in a fresh process (settings are read
once), on SQLite in a temporary folder."""

import json
import os
import socket

from tests.conference.test_settings import clean_environment, run_python

CHECK = """
import json, os
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_program", str(settings.PROGRAM_FIXTURE), verbosity=0)
from django.test import Client
from accounts.models import User
from rest_framework.authtoken.models import Token
User.objects.create_user("ada", password="Redis-Down-Passphrase-1")
client = Client()
statuses = {}
for path in [
    "/", "/conferences/", "/mlsys2025/", "/mlsys2025/2025-05-15/", "/mlsys2025/search/?q=data",
    "/mlsys2025/schedule.ics",
    "/api/v1/conferences/", "/api/v1/rooms/", "/api/v1/tracks/", "/api/v1/sessions/",
    "/api/v1/posters/", "/api/v1/talks/", "/api/v1/people/", "/api/v1/schema/",
    "/api/v1/docs/", "/accounts/login/",
]:
    statuses[path] = client.get(path).status_code
token = client.post(
    "/api/v1/auth/token/", {"username": "ada", "password": "Redis-Down-Passphrase-1"}
)
statuses["token"] = token.status_code
auth = {"HTTP_AUTHORIZATION": "Token " + token.json()["token"]}
statuses["agenda"] = client.get("/api/v1/agenda/", **auth).status_code
statuses["login"] = client.post(
    "/accounts/login/", {"username": "ada", "password": "Redis-Down-Passphrase-1"}
).status_code
statuses["agenda page"] = client.get("/agenda/").status_code
health = client.get("/healthz")
print(json.dumps({
    "statuses": statuses,
    "health": [health.status_code, health.json()],
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends


def test_with_redis_unreachable_everything_answers_and_healthz_says_so(tmp_path):
    env = clean_environment(
        tmp_path,
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
        ALLOWED_HOSTS="testserver",
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    result = run_python(CHECK, env)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["cache"] == "django_redis.cache.RedisCache"
    expected = {path: 200 for path in found["statuses"]}
    expected["/"] = expected["login"] = 302  # to the current conference; to the agenda
    assert found["statuses"] == expected
    status, health = found["health"]
    assert status == 503
    assert {key: health[key] for key in ("status", "database", "cache", "rate_limits")} == {
        "status": "error",
        "database": "ok",
        "cache": "unreachable",
        "rate_limits": "unavailable",
    }
    assert "Rate limits cannot be counted" in result.stderr
    assert "the request is allowed" in result.stderr


def test_with_redis_up_healthz_says_ok(tmp_path):
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    code = """
import django, json
django.setup()
from web.health import cache_state
from web.throttling import counters_state
print(json.dumps([cache_state(), counters_state()]))
"""
    result = run_python(code, clean_environment(tmp_path, REDIS_URL=url))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["ok", "ok"]
