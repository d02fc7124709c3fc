"""Measure search on one conference: the searches the search page runs, and the page itself.

A benchmark, not a test: run it on a generated program (``generate_program --posters 4500
--people 20000``), e.g. ``manage.py benchmark_search big2026 --repeat 5``. For each query it
prints how many posters, talks, sessions, people and unscheduled papers match, the median time of
running the page's searches (counts and first result pages, ranked, with their prefetches: "SQL"
is the database's share of it) and of the whole page, and the p50 and p90 over all queries.
"""

import contextlib
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from program.models import Conference, Contribution, Person, Poster, Session, Talk
from program.search.fulltext import in_rank_order
from program.views.paging import OneQueryPaginator
from program.views.search import RESULTS_PER_PAGE

#: Words of the generated programs (devtools/devdata) and of the seed, short and long, common and
#: rare, names and topics, and input with operators in it.
QUERIES = [
    "ling liu",
    "learning",
    "graph",
    "caching",
    "federated learning",
    "serving large language models",
    "kv-cache compression",
    "i",
    "a",
    "bo",
    "xin",
    "bother",
    "kowalski",
    "speculative decoding on edge devices",
    "throughput",
    "vllm",
    "flash",
    "tail latency",
    "mixture-of-experts",
    '"a" OR b*',
]


class Command(BaseCommand):
    help = "Time the search page's searches and the page per query (medians) on a conference."

    def add_arguments(self, parser):
        parser.add_argument("conference", help="the conference's slug")
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--query", action="append", help="a query (repeat); default: a mix")

    def handle(self, *args, conference, repeat, query, **options):
        try:
            conference = Conference.objects.get(slug=conference)
        except Conference.DoesNotExist as error:
            raise CommandError(f'No conference "{conference}".') from error
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        queries = query or QUERIES
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        self.stdout.write(
            f"{connection.vendor}: {Poster.objects.for_conference(conference).count()} posters,"
            f" {Person.objects.in_conference(conference).count()} people"
        )
        self.stdout.write(
            f"{'query':40} {'posters':>7} {'talks':>5} {'sess.':>5} {'people':>6} {'papers':>6}"
            f" {'SQL ms':>7} {'search ms':>9} {'page ms':>8} {'queries':>7}"
        )
        search_times, sql_times, page_times = [], [], []
        for text in queries:
            counts, timings, sql_timings = None, [], []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as searches:
                    start = time.perf_counter()
                    counts = self.search(conference, text)
                    timings.append((time.perf_counter() - start) * 1000)
                sql_timings.append(sum(float(query["time"]) for query in searches) * 1000)
            search_ms, sql_ms = statistics.median(timings), statistics.median(sql_timings)
            timings = []
            for _ in range(repeat):
                with nothing_kept(), CaptureQueriesContext(connection) as queries_run:
                    start = time.perf_counter()
                    response = client.get(f"/{conference.slug}/search/", {"q": text})
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{text!r}: status {response.status_code}")
            page_ms = statistics.median(timings)
            search_times.append(search_ms)
            sql_times.append(sql_ms)
            page_times.append(page_ms)
            self.stdout.write(
                f"{text[:40]:40} {counts[0]:>7} {counts[1]:>5} {counts[2]:>5} {counts[3]:>6}"
                f" {counts[4]:>6} {sql_ms:>7.1f} {search_ms:>9.1f} {page_ms:>8.1f}"
                f" {len(queries_run):>7}"
            )
        for label, times in (("SQL", sql_times), ("search", search_times), ("page", page_times)):
            p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
            self.stdout.write(
                f"{label}: p50 {statistics.median(times):.1f} ms, p90 {p90:.1f} ms"
                f" over {len(times)} queries"
            )

    @staticmethod
    def search(conference, text: str) -> tuple[int, ...]:
        """What the search page asks the database, without rendering: each list's first page
        in ranked order with its count, and their people (the page's own querysets, paginator
        and ``attach_names``)."""
        posters = in_rank_order(
            Poster.objects.for_conference(conference).in_program_order().search(text)
        ).as_results()
        talks = in_rank_order(
            Talk.objects.for_conference(conference).in_program_order().search(text)
        ).as_results()
        sessions = in_rank_order(
            Session.objects.for_conference(conference).in_program_order().search(text)
        )
        people = in_rank_order(Person.objects.in_conference(conference).search(text))
        papers = in_rank_order(
            Contribution.objects.for_conference(conference)
            .scheduled(False)
            .order_by("title", "pk")
            .search(text)
        ).as_results()
        counts, pages = [], {}
        for name, queryset, paginated in (
            ("posters", posters, True),
            ("talks", talks, True),
            ("sessions", sessions, False),
            ("people", people, True),
            ("papers", papers, True),
        ):
            if paginated:  # as the page reads them: the first page with the count
                pages[name] = OneQueryPaginator(queryset, RESULTS_PER_PAGE).get_page(1)
                counts.append(pages[name].paginator.count)
            else:
                counts.append(len(list(queryset)))
        Contribution.attach_names(pages["posters"], pages["talks"], pages["papers"])
        return tuple(counts)


@contextlib.contextmanager
def nothing_kept():
    """The search page rendered, not answered from the cache (search pages are stored like
    other pages, and a made-up parameter to tell them apart is answered with a redirect): the
    cache is a dummy, in this process only, while it is measured."""
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES={**settings.CACHES, **dummy}):
        yield
