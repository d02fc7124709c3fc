"""Measure one conference's pages as served for real, against the ceiling of the same server.

A benchmark, not a test: ``manage.py benchmark_server big`` starts gunicorn as production does
(devtools/loadtest.py) on the configured database and cache, and prints for each page, export
and API list: its cold render (the first request after a program change), warm requests per
second with p50 and p99 latency at each number of connections, the bytes on the wire, the SQL
queries of one request (counted in this process), and the same figures for the **ceiling**: a
static file of exactly the page's bytes served by the same server to the same client. Then how
long the busiest day takes after one of its sessions is edited, and with ``--soak 60`` whether 64
clients asking for every page in turn for 60 s get any error.

Then the same for a signed-in visitor: a user made for the run with a few saved items on the
busiest day, logged in through a real session whose cookie goes with every request (the busiest
day and the first day as they see them, "My agenda"), and their private calendar feed, asked for
as a calendar app does (no cookie). Each of these rows also says how it compares with the
anonymous busiest day measured in the same run. The user and their session are deleted at the
end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
import statistics
import subprocess
import time
from collections.abc import Iterator

from axes.models import AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session as LoginSession
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils.crypto import get_random_string

from accounts.models import User
from accounts.services import save_to_agenda
from devtools import loadtest
from devtools import proxy as proxying
from program.changes import conference_changed
from program.models import Conference, Person, Poster, Session, Talk
from web import session_marker

ACCEPT = {"Accept-Encoding": "gzip, br"}
CEILING_FOLDER = "benchmark-ceiling"
COLD_REPEAT = 3
# Edits are quick to repeat and their median is a target (<= 50 ms): more of them.
EDIT_REPEAT = 9
# What the signed-in visitor has saved: this many posters and talks of the busiest day.
SAVED_ITEMS = 5
BENCHMARK_USER_PREFIX = "benchmark-visitor-"


@dataclasses.dataclass
class Page:
    name: str
    path: str
    queries_cold: int = 0
    queries_warm: int = 0
    body: bytes = b""
    # Sent with every request besides Accept-Encoding (a signed-in visitor's Cookie).
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    # The test client that counts its queries in this process (logged in like the requests).
    client: Client | None = None
    # nginx's X-Cache-Status for it after the warm-up (with --proxy).
    cache_status: str = "-"

    @property
    def request_headers(self) -> dict[str, str]:
        return {**ACCEPT, **self.headers}

    @property
    def ceiling_path(self) -> str:
        return f"/{settings.STATIC_URL.strip('/')}/{CEILING_FOLDER}/{self.file_name}"

    @property
    def file_name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") + ".bin"


@dataclasses.dataclass
class Visitor:
    """A signed-in visitor made for the run: the Cookie header their browser sends, and a test
    client logged in with the same session."""

    user: User
    saved: list
    cookie: str
    client: Client

    @property
    def feed_path(self) -> str:
        return reverse("accounts:agenda-feed", kwargs={"token": self.user.feed_token})


def items_to_save(conference, day, count: int = SAVED_ITEMS) -> list:
    """``count`` posters and talks of the day, one from each session in program order first
    (the day's page renders each session holding a saved item for its visitor), then more."""
    items = [
        *Poster.objects.filter(session__conference=conference, session__day=day),
        *Talk.objects.filter(session__conference=conference, session__day=day),
    ]
    items.sort(key=lambda item: (item.session.position, item.position, item.pk))
    firsts, rest, seen = [], [], set()
    for item in items:
        (rest if item.session_id in seen else firsts).append(item)
        seen.add(item.session_id)
    return (firsts + rest)[:count]


@contextlib.contextmanager
def signed_in_visitor(conference, day, *, host: str, saved: int = SAVED_ITEMS) -> Iterator[Visitor]:
    """A user with ``saved`` items of the conference's ``day`` in their agenda, logged in through
    a real session (``Client.force_login``): its cookie, and a CSRF cookie as a browser holds
    one, are what the load test sends. The user, their agenda, their sessions and the log-in's
    access log are deleted afterwards, however the block ends."""
    username = f"{BENCHMARK_USER_PREFIX}{secrets.token_hex(4)}"
    user = User.objects.create_user(username=username)  # no usable password: no log-in form
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_ENCODING=ACCEPT["Accept-Encoding"])
    try:
        items = items_to_save(conference, day, saved)
        for item in items:
            save_to_agenda(user=user, item=item)
        client.force_login(user)
        client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
        # The session marker a browser got with its log-in (web/session_marker.py): without
        # it, every request would save the session again to set it.
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies[session_marker.COOKIE] = session_marker.marker(session_key)
        cookie = "; ".join(
            f"{name}={client.cookies[name].value}"
            for name in (
                settings.SESSION_COOKIE_NAME,
                settings.CSRF_COOKIE_NAME,
                session_marker.COOKIE,
            )
        )
        yield Visitor(user=user, saved=items, cookie=cookie, client=client)
    finally:
        if session := client.cookies.get(settings.SESSION_COOKIE_NAME):
            LoginSession.objects.filter(session_key=session.value).delete()
        AccessLog.objects.filter(username=username).delete()
        user.delete()


def parse_connections(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise CommandError(
            f"--connections takes numbers separated by commas; got {value!r}."
        ) from error
    if not counts or min(counts) < 1:
        raise CommandError("--connections needs at least one number of 1 or more.")
    return counts


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (DEBUG off, the configured DATABASE_URL and REDIS_URL) and"
        " measure a conference's pages against a static file of the same size."
    )

    def add_arguments(self, parser):
        parser.add_argument("conference", help="the conference's slug, e.g. a generated 'big'")
        parser.add_argument(
            "--duration", type=float, default=5.0, help="seconds of load per measurement"
        )
        parser.add_argument(
            "--connections", default="16,64", help="concurrent connections, e.g. 16,64"
        )
        parser.add_argument(
            "--soak",
            type=float,
            default=0,
            metavar="SECONDS",
            help="then 64 connections ask for every page in turn this long; errors are counted",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--search", default="caching", help="the search page's query")
        parser.add_argument(
            "--proxy",
            action="store_true",
            help="measure through nginx in front of gunicorn, configured from deploy/nginx.conf"
            " (nginx on PATH, or NGINX=/path/to/nginx)",
        )

    def handle(
        self, *args, conference, duration, connections, soak, workers, search, proxy, **options
    ):
        try:
            conference = Conference.objects.get(slug=conference)
        except Conference.DoesNotExist as error:
            raise CommandError(f'No conference "{conference}".') from error
        if duration <= 0:
            raise CommandError("--duration must be more than 0 seconds.")
        counts = parse_connections(connections)
        try:
            nginx = proxying.find_nginx() if proxy else None
        except proxying.NginxMissing as error:
            raise CommandError(str(error)) from error
        pages, busiest_day, busiest_session, first_day = self.choose_pages(conference, search)
        self.stdout.write(
            f"Collecting static files and starting gunicorn ({workers} workers, DEBUG off,"
            f" database {connection.vendor}, cache {settings.CACHES['default']['BACKEND']})..."
        )
        try:
            port = loadtest.free_port()
            host = f"127.0.0.1:{port}"
            with (
                loadtest.collected_static() as static_root,
                signed_in_visitor(conference, busiest_day, host=host) as visitor,
            ):
                signed_in = self.signed_in_pages(conference, visitor, busiest_day, first_day)
                # Rendered here as the server will: the same hashed static names and host.
                with override_settings(STATIC_ROOT=static_root, ALLOWED_HOSTS=["127.0.0.1"]):
                    for page in pages + signed_in:
                        self.measure_in_process(conference, page, host=host)
                folder = static_root / CEILING_FOLDER
                folder.mkdir()
                for page in pages + signed_in:
                    (folder / page.file_name).write_bytes(page.body)
                with (
                    loadtest.served_site(
                        static_root, port=port, workers=workers, proxies=1 if nginx else 0
                    ) as site,
                    (
                        proxying.proxied_site(nginx, site, static_root)
                        if nginx
                        else contextlib.nullcontext((site, ""))
                    ) as (front, note),
                ):
                    self.stdout.write(
                        f"Serving on http://{site.host}:{site.port}/ (gunicorn pid {site.pid});"
                        f" {duration:g} s per measurement; the client is this process (asyncio)."
                    )
                    if nginx:
                        self.stdout.write(
                            f"Measuring through nginx on http://{front.host}:{front.port}/"
                            f" (pid {front.pid}, {nginx}, deploy/nginx.conf{'; ' if note else ''}"
                            f"{note}): loads and ceilings (files nginx serves itself) through"
                            " it; cold requests and the edit's timing to gunicorn directly."
                        )
                    measured = self.measure_pages(
                        site, front, conference, pages, counts, duration, workers
                    )
                    self.stdout.write(
                        "SQL: queries of a cold/warm request (counted in this process). ratio:"
                        " the page's warm req/s over its ceiling's (a static file of the same"
                        f" bytes, same {'proxy' if nginx else 'server'})."
                    )
                    self.stdout.write(
                        f"\nSigned in: {visitor.user.username}, {len(visitor.saved)} saved"
                        f" items on {busiest_day}; the session and CSRF cookies go with every"
                        " request but the feed's."
                    )
                    self.measure_pages(
                        site,
                        front,
                        conference,
                        signed_in,
                        counts,
                        duration,
                        workers,
                        baseline=measured[f"/{conference.slug}/{busiest_day}/"],
                    )
                    self.stdout.write(
                        "vs anon: the row's warm req/s over the anonymous busiest day's, same"
                        " connections, this run."
                    )
                    if nginx:
                        self.stdout.write(
                            "nginx's X-Cache-Status after the warm-up: "
                            + ", ".join(
                                f"{page.name} {page.cache_status}" for page in pages + signed_in
                            )
                            + "."
                        )
                    self.measure_edit(site, front, busiest_day, busiest_session, workers)
                    if soak:
                        self.measure_soak(site, front, pages, soak)
                    if self.server_errors:
                        # The logs go with their temporary folders: show why now.
                        self.stdout.write(
                            f"\nThe server answered 5xx; its log ends:\n{loadtest.tail(site.log)}"
                        )
                        if nginx:
                            self.stdout.write(
                                f"nginx's error log ends:\n{loadtest.tail(front.log)}"
                            )
        except (RuntimeError, ValueError, subprocess.CalledProcessError) as error:
            raise CommandError(str(error)) from error
        stopped = f"nginx (pid {front.pid}) and " if nginx else ""
        self.stdout.write(
            f"Stopped {stopped}gunicorn (pid {site.pid}); removed {visitor.user.username}."
        )

    def choose_pages(self, conference, search):
        """The pages a visitor opens, each at its heaviest: the day with the most posters and
        talks, its biggest session, that session's first poster, the person on most papers."""
        slug = conference.slug
        items = Count("posters", distinct=True) + Count("talks", distinct=True)
        sessions = Session.objects.filter(conference=conference)
        busiest = sessions.values("day").annotate(items=items).order_by("-items", "day").first()
        if busiest is None:
            raise CommandError(f"{conference} has no sessions to measure.")
        day = busiest["day"]
        session = (
            sessions.filter(day=day).annotate(items=items).order_by("-items", "position").first()
        )
        poster = Poster.objects.filter(session__conference=conference).order_by(
            "session__day", "session__position", "position", "pk"
        )
        poster = poster.filter(session=session).first() or poster.first()
        person = (
            Person.objects.filter(conference=conference)
            .annotate(papers=Count("authorships"))
            .order_by("-papers", "pk")
            .first()
        )
        pages = [
            Page("overview", f"/{slug}/"),
            Page(f"busiest day ({busiest['items']} items)", f"/{slug}/{day}/"),
            Page(f"session ({session.items} items)", f"/{slug}/sessions/{session.pk}/"),
            Page("poster", f"/{slug}/posters/{poster.pk}/") if poster else None,
            Page("person (most papers)", f"/{slug}/people/{person.slug}/") if person else None,
            Page(f"search ?q={search}", f"/{slug}/search/?q={search}"),
            Page("papers list", f"/{slug}/papers/"),
            Page("schedule.ics", f"/{slug}/schedule.ics"),
            Page("schedule.json", f"/{slug}/schedule.json"),
            Page("schedule.xml", f"/{slug}/schedule.xml"),
            Page(
                "API posters, 50",
                f"/api/v1/posters/?conference={slug}&page_size=50",
            ),
        ]
        first_day = sessions.order_by("day").values_list("day", flat=True).first()
        return [page for page in pages if page], day, session, first_day

    def signed_in_pages(self, conference, visitor, day, first_day) -> list[Page]:
        """What a signed-in visitor opens, their cookies on every request; their feed as a
        calendar app asks for it, with its secret token and no cookie."""
        slug = conference.slug
        cookie = {"Cookie": visitor.cookie}
        days = [("busiest day", day)] + ([("first day", first_day)] if first_day != day else [])
        return [
            *(
                Page(f"signed-in {name}", f"/{slug}/{date}/", headers=cookie, client=visitor.client)
                for name, date in days
            ),
            Page("My agenda", reverse("accounts:agenda"), headers=cookie, client=visitor.client),
            Page("private feed (no cookie)", visitor.feed_path),
        ]

    def measure_in_process(self, conference, page, host):
        """Queries of a cold and of a warm request, counted with Django's test client in this
        process, and the bytes the ceiling file will hold."""
        client = page.client or Client(
            HTTP_HOST=host, HTTP_ACCEPT_ENCODING=ACCEPT["Accept-Encoding"]
        )
        conference_changed(conference)
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        page.queries_cold = len(queries)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        page.queries_warm = len(queries)
        page.body = b"".join(response) if response.streaming else response.content

    def measure_pages(
        self, site, front, conference, pages, counts, duration, workers, baseline=None
    ):
        """One row per page and one for its ceiling; with ``baseline`` (the anonymous busiest
        day's loads) each page's req/s over it too. Returns each page's loads by path. Cold
        requests go to gunicorn (``site``), the loads to ``front`` (nginx with --proxy, else
        gunicorn too)."""
        compared = " vs anon" if baseline else ""
        per_count = "".join(
            f" | {count:>3} conn: req/s  p50 ms  p99 ms  ratio{compared}" for count in counts
        )
        title = "signed in" if baseline else "page"
        self.stdout.write(
            f"\n{title:28} {'status':>6} {'bytes':>9} {'encoding':>8} {'SQL':>7} {'cold ms':>7}"
            f"{per_count} | errors"
        )
        measured = {}
        for page in pages:
            loadtest.wait_until_idle(site)
            cold = []
            for _ in range(COLD_REPEAT):
                conference_changed(conference)
                started = time.perf_counter()
                reply = loadtest.fetch(site, page.path, page.request_headers)
                cold.append((time.perf_counter() - started) * 1000)
            # Every worker has rendered it since the change before the clock starts (and nginx
            # has kept what it may keep).
            loadtest.hammer(
                front,
                [page.path],
                connections=workers,
                seconds=min(duration, 1),
                headers=page.request_headers,
            )
            reply = loadtest.fetch(front, page.path, page.request_headers)
            page.cache_status = reply.headers.get("x-cache-status", "-")
            ceiling = loadtest.fetch(front, page.ceiling_path, ACCEPT)
            loads, ceilings = [], []
            for count in counts:
                loads.append(
                    self.load(site, front, page.path, count, duration, page.request_headers)
                )
                ceilings.append(self.load(site, front, page.ceiling_path, count, duration, ACCEPT))
            measured[page.path] = loads
            self.stdout.write(
                f"{page.name[:28]:28} {reply.status:>6} {len(reply.body):>9,}"
                f" {reply.headers.get('content-encoding', '-'):>8}"
                f" {f'{page.queries_cold}/{page.queries_warm}':>7}"
                f" {statistics.median(cold):>7.0f}"
                + "".join(
                    f" | {'':>8} {load.per_second:>5.1f} {load.percentile(0.5) * 1000:>7.0f}"
                    f" {load.percentile(0.99) * 1000:>7.0f}"
                    f" {self.ratio(load, ceiling_load):>6}"
                    + (f" {self.ratio(load, base):>7}" if baseline else "")
                    for load, ceiling_load, base in zip(
                        loads, ceilings, baseline or loads, strict=True
                    )
                )
                + f" | {self.errors(loads)}"
            )
            self.stdout.write(
                f"{'  ceiling: static file':28} {ceiling.status:>6} {len(ceiling.body):>9,}"
                f" {ceiling.headers.get('content-encoding', '-'):>8} {'-':>7} {'-':>7}"
                + "".join(
                    f" | {'':>8} {load.per_second:>5.1f} {load.percentile(0.5) * 1000:>7.0f}"
                    f" {load.percentile(0.99) * 1000:>7.0f} {'':>6}"
                    + (f" {'':>7}" if baseline else "")
                    for load in ceilings
                )
                + f" | {self.errors(ceilings)}"
            )
        return measured

    def load(self, site, front, path, count, duration, headers):
        loadtest.wait_until_idle(site)
        return loadtest.hammer(front, [path], connections=count, seconds=duration, headers=headers)

    def ratio(self, load, ceiling) -> str:
        return f"{load.per_second / ceiling.per_second:.1%}" if ceiling.per_second else "-"

    server_errors = False

    def errors(self, loads) -> str:
        total = sum((load.errors for load in loads), start=loadtest.Counter())
        self.server_errors |= any(kind.startswith("HTTP 5") for kind in total)
        return ", ".join(f"{count} {kind}" for kind, count in total.most_common()) or "0"

    def measure_edit(self, site, front, day, session, workers):
        """An organizer renames one session of the busiest day; the next request of that day,
        timed at gunicorn. With a proxy in front, whether its next answer shows the edit too."""
        path = f"/{session.conference.slug}/{day}/"
        original = session.title
        loadtest.wait_until_idle(site)
        # The pages measured last changed the whole program (each cold render follows a touch):
        # every worker renders the day once, as it would have long before an organizer's edit
        # (and the proxy keeps both copies).
        for target in [site] if front is site else [site, front]:
            for headers in (ACCEPT, {}):
                loadtest.hammer(target, [path], connections=workers, seconds=1, headers=headers)
        timings, shown, shown_front = [], [], []
        try:
            for attempt in range(1, EDIT_REPEAT + 1):
                session.title = f"{original} (edit {attempt})"
                session.save()
                started = time.perf_counter()
                loadtest.fetch(site, path, ACCEPT)
                timings.append((time.perf_counter() - started) * 1000)
                # Read again uncompressed, to see the edit on the page.
                text = loadtest.fetch(site, path).body.decode(errors="replace")
                shown.append(f"(edit {attempt})" in text)
                if front is not site:
                    kept = loadtest.fetch(front, path)
                    shown_front.append(f"(edit {attempt})" in kept.body.decode(errors="replace"))
        finally:
            session.title = original
            session.save()
        self.stdout.write(
            f"\nAfter renaming one session, the busiest day ({path}) answers in"
            f" {statistics.median(timings):.0f} ms (median of"
            f" {', '.join(f'{t:.0f}' for t in timings)} ms); the new title shows on the next"
            f" request: {'yes' if all(shown) else 'NO'}."
        )
        if shown_front:
            self.stdout.write(
                "Through nginx the next request shows it: "
                + ("yes" if all(shown_front) else f"{sum(shown_front)} of {len(shown_front)}")
                + f" (the day is {kept.headers.get('cache-control', 'not marked')}; nginx says"
                f" {kept.headers.get('x-cache-status', '-')})."
            )

    def measure_soak(self, site, front, pages, seconds):
        loadtest.wait_until_idle(site)
        load = loadtest.hammer(
            front, [page.path for page in pages], connections=64, seconds=seconds, headers=ACCEPT
        )
        self.stdout.write(
            f"\nSoak: 64 connections, every page in turn, {load.seconds:.0f} s:"
            f" {load.requests:,} requests, {load.per_second:.0f} req/s, p50"
            f" {load.percentile(0.5) * 1000:.0f} ms, p99 {load.percentile(0.99) * 1000:.0f} ms,"
            f" errors: {self.errors([load])}."
        )
