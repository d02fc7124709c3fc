"""Two app instances (gunicorn, 2 workers each) on one PostgreSQL and one Redis, as production
runs them: a session and CSRF token from one work on the other, log-out ends both, the API limit
is exact across them (300 then 429, made-up X-Forwarded-For or not), a lock-out is shared, and an
organizer's edit on one is served by the other at once.

The instances use this test's own PostgreSQL database (a transactional test, so what it writes is
committed) and REDIS_TEST_URL with a key prefix of their own. Without PostgreSQL or Redis the test
says so and skips, except under CI, where it fails.
"""

import concurrent.futures
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from program.models import Room
from tests.factories import ConferenceFactory, RoomFactory

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "Two-Instances-Passphrase-2026"


def unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def instances(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        # Not a missing service: this run is the SQLite one (CI runs the suite on PostgreSQL too).
        pytest.skip("two instances need PostgreSQL: run with DATABASE_URL=postgres://...")
    if not redis_answers():
        unavailable(f"two instances need Redis at {REDIS_URL} (REDIS_TEST_URL)")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXY_COUNT"}
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"two-{uuid.uuid4().hex}",
        SECRET_KEY="two-instances-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        DATA_DIR=str(tmp_path),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
        CONN_MAX_AGE="0",
    )
    processes, bases = [], []
    log = (tmp_path / "gunicorn.log").open("w")
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "gunicorn"),
                        "conference.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "2",
                        "--forwarded-allow-ips",
                        "",
                    ],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                        assert json.load(response)["cache"] == "ok"
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail((tmp_path / "gunicorn.log").read_text()[-3000:])
                    time.sleep(0.3)
        yield bases
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def status_of(request, opener=None) -> int:
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A cookie jar shared by both instances (cookies ignore ports), redirects not followed."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect), jar


def csrf_from(jar) -> str:
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def post(base, path, fields, opener, jar):
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf_from(jar)}).encode()
    request = urllib.request.Request(f"{base}{path}", data=body, headers={"Referer": base + "/"})
    return status_of(request, opener)


def test_two_instances_share_sessions_limits_lock_outs_and_edits(instances, settings):
    first, second = instances
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.create_user("ada", password=PASSWORD)
    User.objects.create_superuser("chair", password=PASSWORD)
    room = RoomFactory(conference=ConferenceFactory(slug="two"), name="Hall A")

    # First (no other anonymous API call this minute): the anonymous limit is exact across both
    # instances, whatever X-Forwarded-For says.
    if time.time() % 60 > 45:
        time.sleep(60 - time.time() % 60 + 0.5)
    minute = int(time.time() // 60)
    requests = [
        urllib.request.Request(
            f"{(first, second)[n % 2]}/api/v1/conferences/",
            headers={"X-Forwarded-For": f"10.1.{n // 250}.{n % 250}"},
        )
        for n in range(340)
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(status_of, requests))
    assert int(time.time() // 60) == minute, "the burst crossed into the next minute; run again"
    assert (statuses.count(200), statuses.count(429)) == (300, 40)

    # A session and CSRF token from the first instance log in on the second; log-out ends both.
    opener, jar = browser()
    opener.open(f"{first}/accounts/login/").read()
    assert (
        post(second, "/accounts/login/", {"username": "ada", "password": PASSWORD}, opener, jar)
        == 302
    )
    assert status_of(f"{first}/accounts/", opener) == 200
    assert status_of(f"{second}/accounts/", opener) == 200
    assert post(first, "/accounts/logout/", {}, opener, jar) == 302
    assert status_of(f"{second}/accounts/", opener) == 302

    # An organizer's edit on the first is served by the second at once.
    token_request = urllib.request.Request(
        f"{first}/api/v1/auth/token/",
        data=urllib.parse.urlencode({"username": "chair", "password": PASSWORD}).encode(),
    )
    with urllib.request.urlopen(token_request) as response:
        token = json.load(response)["token"]
    edit = urllib.request.Request(
        f"{first}/api/v1/rooms/{room.pk}/",
        data=json.dumps({"name": "Hall B"}).encode(),
        method="PATCH",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    assert status_of(edit) == 200
    # (Read as the organizer: this minute's anonymous budget was spent above.)
    read = urllib.request.Request(
        f"{second}/api/v1/rooms/{room.pk}/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(read) as response:
        assert json.load(response)["name"] == "Hall B"
    assert Room.objects.get(pk=room.pk).name == "Hall B"

    # A lock-out counts failures on both and holds on both.
    def token_for(base, password):
        body = urllib.parse.urlencode({"username": "ada", "password": password}).encode()
        return urllib.request.Request(f"{base}/api/v1/auth/token/", data=body)

    statuses = [status_of(token_for(base, "wrong")) for base in (first, second) * 2]
    assert statuses == [400] * 4
    assert status_of(token_for(second, "wrong")) == 429
    assert status_of(token_for(first, PASSWORD)) == 429
