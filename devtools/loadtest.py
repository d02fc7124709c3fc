"""Serve the site with gunicorn as production does and put load on it from this process.

For ``manage.py benchmark_server``: ``collected_static()`` runs collectstatic into a temporary
folder, ``served_site()`` runs the real server (gunicorn, DEBUG off) on a loopback port and stops
it, with its workers, however the block ends; ``hammer()`` keeps N connections busy for a fixed
time and reports requests per second, latency percentiles and errors. No load tool (wrk, ab, hey) is
assumed: the client is plain asyncio streams speaking just enough HTTP/1.1, which costs this
process's CPU on the same machine, so its figures are meant to be read as ratios between URLs
measured by the same client in the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

# Plenty for anything a benchmark asks; past it a request counts as an error.
REQUEST_TIMEOUT = 60.0
# The API's throttle would answer 429 after 300 requests a minute from one address: a load test
# is one address. Counting still happens (one statement per API request), only the limit is lifted.
UNLIMITED_RATE = "100000000/min"
# The server runs what production runs, without the development app.
PRODUCTION_SETTINGS = "conference.settings"


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclasses.dataclass
class Load:
    """What ``hammer`` saw: requests finished, their latencies, and what went wrong."""

    connections: int
    seconds: float
    latencies: list[float]
    errors: Counter

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """The latency (seconds) that this share of the successful requests stayed within."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclasses.dataclass
class Site:
    """A running server: where it listens, its process group and its log."""

    host: str
    port: int
    pid: int
    log: Path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def server_environment(static_root: Path, host: str, proxies: int = 0) -> dict[str, str]:
    """This process's environment (DATABASE_URL, REDIS_URL ... pass through), production-like."""
    environment = dict(os.environ)
    environment.update(
        TRUSTED_PROXY_COUNT=str(proxies),
        DEBUG="false",
        ALLOWED_HOSTS=host,
        # This process's own key: a session it logs in (a signed-in visitor) is valid there.
        SECRET_KEY=settings.SECRET_KEY,
        STATIC_ROOT=str(static_root),
        API_ANON_RATE=UNLIMITED_RATE,
        API_USER_RATE=UNLIMITED_RATE,
        # Production's settings, whatever this process runs with (devtools.settings).
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
    )
    return environment


@contextlib.contextmanager
def collected_static() -> Iterator[Path]:
    """``collectstatic`` into a temporary STATIC_ROOT, as a release does; removed afterwards.

    Pass it to ``served_site``, and to ``override_settings(STATIC_ROOT=...)`` to render pages in
    this process with the same hashed file names."""
    with tempfile.TemporaryDirectory(prefix="benchmark-static-") as folder:
        static_root = Path(folder)
        subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic", "--noinput"],
            env=server_environment(static_root, "127.0.0.1"),
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        yield static_root


@contextlib.contextmanager
def served_site(
    static_root: Path,
    *,
    port: int,
    workers: int = 2,
    host: str = "127.0.0.1",
    proxies: int = 0,
    startup_timeout: float = 90.0,
) -> Iterator[Site]:
    """gunicorn as ``make run`` starts it, on ``port`` (see ``free_port``), serving
    ``static_root`` (whitenoise reads the folder once, at start); with ``proxies`` (a proxy on
    this host in front), as ``make run TRUSTED_PROXY_COUNT=1`` does. Stopped, with its workers,
    however the block ends (an error, Ctrl-C)."""
    with tempfile.TemporaryDirectory(prefix="benchmark-server-") as folder:
        log = Path(folder) / "gunicorn.log"
        command = [
            *[str(Path(sys.executable).with_name("gunicorn")), "conference.wsgi:application"],
            *["--bind", f"{host}:{port}", "--preload", "--workers", str(workers)],
            # As make run: with TRUSTED_PROXY_COUNT=0 no proxy's headers are trusted, else
            # those of a proxy on this host.
            f"--forwarded-allow-ips={'127.0.0.1,::1' if proxies else ''}",
        ]
        with log.open("wb") as log_file:
            # Its own process group, so that the master and its workers are stopped together.
            process = subprocess.Popen(
                command,
                env=server_environment(static_root, host, proxies),
                cwd=settings.BASE_DIR,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            site = Site(host=host, port=port, pid=process.pid, log=log)
            wait_until_ready(site, process, startup_timeout)
            yield site
        finally:
            stop(process)


def wait_until_ready(site: Site, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{tail(site.log)}")
        try:
            if fetch(site, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{tail(site.log)}"
    )


def wait_until_idle(site: Site, limit: float = 300.0) -> None:
    """Wait for the server to work off requests whose clients gave up (a sync worker renders a
    request even after its client has gone), so that they do not slow the next measurement:
    until /healthz answers quickly twice in a row."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(OSError, TimeoutError):
            fetch(site, "/healthz")
        quick = quick + 1 if time.perf_counter() - started < 0.25 else 0


def stop(process: subprocess.Popen) -> None:
    """TERM to the server's process group (gunicorn stops its workers), KILL if it lingers."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=15)
            break
        except subprocess.TimeoutExpired:
            continue
    # Workers that outlived their master would still be in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


# The client


def request_bytes(site: Site, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {site.host}:{site.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_reply(reader: asyncio.StreamReader) -> tuple[Reply, bool]:
    """One response; the second value says whether the connection may be used again."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, status = status_line.split(" ", 2)[:2]
    headers = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # no trailers are sent to us
        body = b"".join(parts)
    elif int(status) in (204, 304):
        body = b""
    else:
        body = await reader.read()
        return Reply(int(status), headers, body), False
    reusable = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    return Reply(int(status), headers, body), reusable


class Connection:
    """One keep-alive connection that reopens itself when the server closes it (gunicorn's sync
    workers close after every response)."""

    def __init__(self, site: Site):
        self.site = site
        self.streams = None

    async def get(self, request: bytes) -> Reply:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.site.host, self.site.port)
        reader, writer = self.streams
        try:
            writer.write(request)
            await writer.drain()
            reply, reusable = await read_reply(reader)
        except BaseException:
            self.close()
            raise
        if not reusable:
            self.close()
        return reply

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def fetch(site: Site, path: str, headers: dict[str, str] | None = None) -> Reply:
    """One request on a fresh connection (setup, cold requests)."""

    async def once():
        connection = Connection(site)
        try:
            return await asyncio.wait_for(
                connection.get(request_bytes(site, path, headers or {})), REQUEST_TIMEOUT
            )
        finally:
            connection.close()

    return asyncio.run(once())


def hammer(
    site: Site,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> Load:
    """Keep ``connections`` connections busy for ``seconds``, each asking for the next of
    ``paths`` in turn, and wait for the requests in flight at the end. An error is a status
    other than 2xx or 304, a timeout, or a broken connection."""
    requests = [request_bytes(site, path, headers or {}) for path in paths]
    latencies: list[float] = []
    errors: Counter = Counter()

    async def client(number: int, deadline: float) -> None:
        connection = Connection(site)
        turn = number
        try:
            while time.perf_counter() < deadline:
                request = requests[turn % len(requests)]
                turn += 1
                started = time.perf_counter()
                try:
                    reply = await asyncio.wait_for(connection.get(request), REQUEST_TIMEOUT)
                except TimeoutError:
                    errors["timeout"] += 1
                    continue
                except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                    errors[type(error).__name__] += 1
                    continue
                if 200 <= reply.status < 300 or reply.status == 304:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[f"HTTP {reply.status}"] += 1
        finally:
            connection.close()

    async def run() -> float:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(client(number, deadline) for number in range(connections)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    return Load(connections=connections, seconds=elapsed, latencies=latencies, errors=errors)
