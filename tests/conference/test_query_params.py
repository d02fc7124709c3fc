"""Made-up query parameters cannot fill the caches (conference/query_params.py): a program page
asked for with a parameter it does not read redirects to its address without it, and an export
or an API read is answered all the same but not kept under the made-up address; the parameters
each view reads are kept, as before."""

import json

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import get_resolver

from conference import query_params
from conference.front_cache import STORE
from program.api import views as api_views
from program.models import Poster
from tests.conference.test_compression import decoded

pytestmark = pytest.mark.django_db

DAY = "/mlsys2025/2025-05-15/"
BROTLI = {"HTTP_ACCEPT_ENCODING": "gzip, br"}


def kept_entries() -> int:
    """Entries in the configured cache (the tests' in-process LocMemCache)."""
    return len(cache._cache)


def test_the_parameters_read_keep_their_order_and_spelling_and_the_last_of_a_repeat():
    read = query_params.read_query
    assert read("utm_source=x&q=graph+neural&x=1&day=2025-05-15", ("q", "day")) == (
        "q=graph+neural&day=2025-05-15"
    )
    assert read("page=2&q=a%20b", ("q", "page")) == "page=2&q=a%20b"
    assert read("q=a&day=1&q=b", ("q", "day")) == "day=1&q=b"
    assert read("q=a&&", ("q",)) == "q=a"
    assert read("%71=a&x", ("q",)) == "%71=a"  # names are read as Django reads them
    assert read("", ("q",)) == read("x=1", ()) == ""


# Every page that is kept, and what it reads.
PAGE_PARAMS = {
    "overview": (),
    "day": (),
    "search": ("q", "day", "kind", "room", "track", "page", "talk_page"),
    "session-detail": (),
    "room-detail": ("board",),
    "poster-detail": (),
    "talk-detail": (),
    "person-detail": (),
    "contribution-list": ("q", "unscheduled", "page"),
    "contribution-detail": (),
}


def test_each_kept_page_says_which_parameters_it_reads():
    patterns = get_resolver().url_patterns
    program = next(p for p in patterns if getattr(p, "app_name", None) == "program")
    declared = {
        pattern.name: pattern.callback.params
        for pattern in program.url_patterns
        if hasattr(pattern.callback, "params")
    }
    assert declared == PAGE_PARAMS


@pytest.mark.parametrize(
    ("asked", "location"),
    [
        (f"{DAY}?utm_source=newsletter", DAY),
        (f"{DAY}?utm_source=a&utm_medium=b", DAY),
        # The page shows no search: a ?q= is the search box's, on this page an echo only.
        (f"{DAY}?q=graph", DAY),
        (
            "/mlsys2025/search/?utm_source=a&q=learning&x=1&day=2025-05-15",
            "/mlsys2025/search/?q=learning&day=2025-05-15",
        ),
        ("/mlsys2025/search/?q=one&q=two", "/mlsys2025/search/?q=two"),
        (
            "/mlsys2025/papers/?page=2&fbclid=z&q=x&unscheduled=1",
            "/mlsys2025/papers/?page=2&q=x&unscheduled=1",
        ),
        ("/mlsys2025/search/?q=caf%C3%A9&_=1", "/mlsys2025/search/?q=caf%C3%A9"),
    ],
)
def test_a_page_asked_with_a_parameter_it_does_not_read_redirects_without_it(
    client, seed, asked, location, django_assert_num_queries
):
    before = kept_entries()
    # One query: the front cache's site version (it cannot tell a page's parameters); none
    # for the page, nothing rendered and nothing kept.
    with django_assert_num_queries(1):
        response = client.get(asked)
    assert response.status_code == 301
    assert response["Location"] == location
    # Kept a day at most: a browser keeps a 301 without a limit for good.
    assert response["Cache-Control"] == "public, max-age=86400"
    assert kept_entries() == before and not STORE.entries
    assert client.head(asked)["Location"] == location


def test_a_room_page_keeps_its_board_and_drops_the_rest(client, seed):
    poster = Poster.objects.filter(session__conference=seed, session__room__isnull=False).first()
    room = poster.effective_room.get_absolute_url()
    response = client.get(f"{room}?fbclid=abc&board=101")
    assert response.status_code == 301 and response["Location"] == f"{room}?board=101"


def test_a_redirected_visitor_gets_the_page_kept_for_everyone(client, seed):
    kept = client.get(DAY, **BROTLI)
    followed = client.get(f"{DAY}?utm_source=newsletter", follow=True, **BROTLI)
    assert followed.redirect_chain == [(DAY, 301)]
    assert followed.content == kept.content and "public" in followed["Cache-Control"]


def test_a_page_kept_with_its_own_parameters_as_before(client, seed, django_assert_num_queries):
    path = "/mlsys2025/search/?q=learning&day=2025-05-15"
    first = client.get(path)
    assert first.status_code == 200 and "public" in first["Cache-Control"]
    assert b"learning" in first.content
    with django_assert_num_queries(1):
        assert client.get(path).content == first.content


def test_made_up_parameters_do_not_grow_what_is_kept_for_pages(client, seed):
    client.get(DAY, **BROTLI)
    entries, front, used = kept_entries(), len(STORE.entries), STORE.used
    for number in range(25):
        assert client.get(f"{DAY}?x={number}", **BROTLI).status_code == 301
    assert (kept_entries(), len(STORE.entries), STORE.used) == (entries, front, used)


def test_an_export_with_a_made_up_parameter_is_the_same_file_kept_once(client, seed):
    """An app's ``?_=123`` against caches: the file, not a redirect; its compressed copy is the
    one kept for the file's own address, and nothing is kept for the made-up one."""
    plain = client.get("/mlsys2025/schedule.json", **BROTLI)
    entries, front = kept_entries(), dict(STORE.entries)
    for number in range(25):
        response = client.get(f"/mlsys2025/schedule.json?_={number}", **BROTLI)
        assert response.status_code == 200
        assert response.content == plain.content and response["ETag"] == plain["ETag"]
        assert "public" in response["Cache-Control"]
    assert kept_entries() == entries and STORE.entries == front


def test_an_export_asked_first_with_a_made_up_parameter_keeps_nothing_for_it(client, seed):
    for number in range(10):
        response = client.get(f"/mlsys2025/schedule.ics?_={number}", **BROTLI)
        assert response.status_code == 200 and b"BEGIN:VCALENDAR" in decoded(response)
        if number == 0:
            entries = kept_entries()  # the file, and its compressed copy for its own address
    assert kept_entries() == entries and not STORE.entries
    # The file's own address finds that compressed copy.
    assert client.get("/mlsys2025/schedule.ics", **BROTLI).content == response.content


POSTERS = "/api/v1/posters/?conference=mlsys2025&page_size=5"


def test_an_api_list_with_a_made_up_parameter_is_answered_and_not_kept(
    client, seed, django_assert_num_queries
):
    kept = client.get(POSTERS)
    entries, front = kept_entries(), dict(STORE.entries)
    response = client.get(f"{POSTERS}&_=1")
    assert response.status_code == 200
    body, kept_body = response.json(), kept.json()
    assert body["results"] == kept_body["results"] and body["count"] == kept_body["count"] == 20
    # Its links echo its own address: not the kept answer's bytes.
    assert "_=1" in body["next"] and "_=1" not in kept_body["next"]
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    assert kept_entries() == entries and STORE.entries == front
    # Asked again, it is built again: the site's and the published program's versions, the
    # rate limit's two counts, the conference, the count, the page and its authors.
    with django_assert_num_queries(8):
        again = client.get(f"{POSTERS}&_=1")
    assert again.json() == body
    for number in range(2, 20):
        assert client.get(f"{POSTERS}&_={number}").status_code == 200
    assert kept_entries() == entries and STORE.entries == front


def test_an_api_detail_with_a_made_up_parameter_is_not_kept(client, seed):
    poster = Poster.objects.filter(session__conference=seed).first()
    before = kept_entries()
    response = client.get(f"/api/v1/posters/{poster.pk}/?_=1")
    assert response.status_code == 200 and response.json()["id"] == poster.pk
    # A detail has no pages: ?page= is not one of its parameters either.
    assert client.get(f"/api/v1/posters/{poster.pk}/?page=2").status_code == 200
    assert kept_entries() == before and not STORE.entries


def test_an_api_list_with_its_own_parameters_is_kept(client, seed, django_assert_num_queries):
    path = f"{POSTERS}&ordering=-title&q=learning&format=json"
    first = client.get(path, **BROTLI)
    assert first.status_code == 200
    titles = [poster["title"] for poster in json.loads(decoded(first))["results"]]
    assert titles == sorted(titles, reverse=True) and titles
    assert len(STORE.entries) == 1
    # From the front cache: the version, the rate limit's count.
    with django_assert_num_queries(2):
        assert client.get(path, **BROTLI).content == first.content


@pytest.mark.parametrize(
    ("viewset", "action", "expected"),
    [
        (api_views.ConferenceViewSet, "list", "format ordering page page_size"),
        (api_views.ConferenceViewSet, "retrieve", "format ordering"),
        (api_views.RoomViewSet, "list", "conference format ordering page page_size"),
        (
            api_views.SessionViewSet,
            "list",
            "conference day format kind ordering page page_size q room starts_after"
            " starts_before track",
        ),
        (
            api_views.PosterViewSet,
            "list",
            "conference day format ordering page page_size person q session track",
        ),
        (
            api_views.PosterViewSet,
            "retrieve",
            "conference day format ordering person q session track",
        ),
        (
            api_views.ContributionViewSet,
            "list",
            "conference format ordering page page_size person q scheduled track",
        ),
        (
            api_views.PersonViewSet,
            "list",
            "conference external_id format ordering page page_size q",
        ),
    ],
)
def test_the_api_reads_its_filters_ordering_pagination_and_format(viewset, action, expected):
    view = viewset(action=action, format_kwarg=None)
    assert sorted(view.params_read()) == expected.split()


def test_a_range_filter_reads_its_two_fields():
    import django_filters

    from program.api.caching import filter_params

    class Ranged(django_filters.FilterSet):
        starts = django_filters.DateFromToRangeFilter()
        size = django_filters.RangeFilter()
        q = django_filters.CharFilter()

    assert filter_params(Ranged) == ["starts_after", "starts_before", "size_min", "size_max", "q"]


def test_an_answer_whose_view_said_nothing_is_kept_nowhere():
    request = RequestFactory().get("/anything/?x=1")
    assert query_params.kept_address(request) is None
    assert not query_params.kept_as_asked(request)
    query_params.declare(request, ("x",))
    assert query_params.kept_as_asked(request)
    query_params.declare(request, ())
    assert query_params.kept_address(request) is None
    query_params.declare(request, (), same_bytes=True)
    assert query_params.kept_address(request) == "http://testserver/anything/"
    assert not query_params.kept_as_asked(request)
