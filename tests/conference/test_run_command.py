"""`make run` really brings the site up: migrations, static files, the program, an organizer.

This starts the README's run command as a newcomer would (on SQLite in a temporary data folder,
on a free loopback port, with make run's 2 workers), logs in to the admin over HTTP, checks that
the API's throttle and the log-in lock-out are exact across the workers with no Redis, and stops
the server afterwards.
"""

import concurrent.futures
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "run-command-Passphrase-2025"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def running_site(tmp_path_factory):
    data = tmp_path_factory.mktemp("run-data")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "REDIS_URL",
            "TRUSTED_PROXY_COUNT",
            "CACHE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DATA_DIR=str(data),
        STATIC_ROOT=str(data / "static"),
        ORGANIZER_PASSWORD=PASSWORD,
        PORT=str(port),
        WORKERS="2",
    )
    log = (data / "run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}", "WORKERS=2"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("make run stopped:\n" + (data / "run.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("make run did not answer in time:\n" + (data / "run.log").read_text())
        yield base, data
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_run_command_serves_health_and_prints_the_organizer_once(running_site):
    base, data = running_site
    with urllib.request.urlopen(f"{base}/healthz") as response:
        health = json.load(response)
    assert {key: health[key] for key in ("status", "database", "cache", "tasks")} == {
        "status": "ok",
        "database": "ok",
        "cache": "in-process",
        "tasks": "ok",
    }
    log = (data / "run.log").read_text()
    assert "Fixture: loaded mlsys2025.json." in log
    assert 'Organizer account "organizer" created.' in log
    assert PASSWORD not in log
    assert (data / "db.sqlite3").exists()


def test_run_command_serves_hashed_static_files_with_long_caching(running_site):
    base, data = running_site
    manifest = json.loads((data / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    with urllib.request.urlopen(f"{base}/static/{hashed}") as response:
        assert response.status == 200
        assert "max-age=315360000" in response.headers["Cache-Control"]


def test_run_command_runs_with_debug_off(running_site):
    base, _ = running_site
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{base}/no-such-page/")
    assert error.value.code == 404
    page = error.value.read().decode()
    assert "Page not found" in page
    assert "Traceback" not in page and "URLconf" not in page


def test_organizer_logs_in_and_finds_the_mlsys_program_in_the_admin(running_site):
    base, _ = running_site
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login_page = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "organizer",
            "password": PASSWORD,
            "next": "/admin/program/poster/",
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/admin/login/?next=/admin/program/poster/",
        data=form,
        headers={"Referer": f"{base}/admin/login/"},
    )
    page = opener.open(request).read().decode()
    assert "20 posters" in page
    assert "Marconi: Prefix Caching for the Era of Hybrid LLMs" in page


def status_of(request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_anonymous_limit_is_exact_across_two_workers_without_redis(running_site):
    base, _ = running_site
    # One fixed one-minute window for the whole burst: wait if less than 15 s of it are left.
    if time.time() % 60 > 45:
        time.sleep(60 - time.time() % 60 + 0.5)
    minute = int(time.time() // 60)
    requests = [
        urllib.request.Request(
            f"{base}/api/v1/conferences/", headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250}"}
        )
        for n in range(340)
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(status_of, requests))
    assert int(time.time() // 60) == minute, "the burst crossed into the next minute; run again"
    assert statuses.count(200) == 300
    assert statuses.count(429) == 40


def test_a_lock_out_is_shared_by_both_workers(running_site):
    base, _ = running_site

    def token(password):
        body = urllib.parse.urlencode({"username": "mallory", "password": password}).encode()
        return urllib.request.Request(f"{base}/api/v1/auth/token/", data=body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(status_of, [token("wrong")] * 8))
    # At most 4 failures are answered as such (two racing failures may both see the fifth).
    assert statuses.count(400) <= 4 and statuses.count(429) >= 4
    assert status_of(token(PASSWORD)) == 429


def worker_pids(data: Path) -> set[int]:
    """The db_worker processes of this run (their environment names its data folder)."""
    found = set()
    for line in subprocess.run(
        ["pgrep", "-f", "manage.py db_worker"], capture_output=True, text=True
    ).stdout.split():
        try:
            environ = Path(f"/proc/{line}/environ").read_bytes()
            argv = Path(f"/proc/{line}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # The Python process itself, not the shells whose command line names it.
        if argv[1:3] == [b"manage.py", b"db_worker"] and f"DATA_DIR={data}".encode() in environ:
            found.add(int(line))
    return found


def test_a_task_runner_that_dies_is_started_again(running_site):
    _, data = running_site
    first = worker_pids(data)
    assert len(first) == 1
    os.kill(first.pop(), signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        again = worker_pids(data)
        if again:
            break
        time.sleep(0.5)
    assert again, (data / "run.log").read_text()[-2000:]
    assert "db_worker stopped (exit 137): starting it again" in (data / "run.log").read_text()
