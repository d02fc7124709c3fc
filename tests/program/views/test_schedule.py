"""The public pages, through the test client: what a visitor sees, and what they cannot."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from program.models import SessionKind
from tests.factories import (
    PACIFIC,
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_home_goes_to_the_current_conference(client, program):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/mlsys2025/"


def test_home_without_a_published_conference_says_so(client):
    ConferenceFactory(slug="draft", is_published=False)
    response = client.get("/")
    assert response.status_code == 404
    assert "No program yet" in response.content.decode()


def test_conference_list_shows_published_conferences_only(client, program):
    ConferenceFactory(slug="secret", name="Secret Draft", is_published=False)
    page = text_of(client.get("/conferences/"))
    assert "MLSys 2025" in page
    assert "Secret Draft" not in page


def test_day_page_lists_items_in_order_with_kind_title_time_and_room(client, program):
    response = client.get("/mlsys2025/2025-05-15/")
    assert response.status_code == 200
    page = text_of(response)
    order = [
        "Poster: Session 9: Parallel and Distributed Systems",
        "Thu 15 May 08:30 a.m.",
        "Poster: On Distributed Larger-Than-Memory Subset Selection",
        "Maximilian Böther · Ana Klimovic",
        "[ Mission City Ballroom ]",
        "Poster: XGrammar: Structured Generation",
        "Invited Talk: Ling Liu",
        "time to be announced",
        "Responsible Finetuning of LLMs",
        "Ling Liu is a Professor.",
    ]
    positions = [page.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert "America/Los_Angeles" in page and "PDT" in page
    assert "scale to a dataset …" in page


def test_day_page_renders_math_and_emphasis_in_abstracts(client, program):
    html = client.get("/mlsys2025/2025-05-15/").content.decode()
    assert "<math" in html
    assert "<em>care</em>" in html


def test_day_page_has_one_h1_landmarks_and_a_skip_link(client, program):
    html = client.get("/mlsys2025/2025-05-15/").content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<nav" in html and "<header" in html and "<footer" in html


@pytest.mark.parametrize(
    "path", ["/mlsys2025/2025-02-30/", "/mlsys2025/2025-06-01/", "/mlsys2025/15-05-2025/"]
)
def test_a_day_that_does_not_exist_is_a_404(client, program, path):
    assert client.get(path).status_code == 404


def test_detail_pages_show_their_item(client, program):
    session, poster, talk = program["posters"], program["first"], program["talk"]
    pages = {
        f"/mlsys2025/sessions/{session.pk}/": "Session 9: Parallel and Distributed Systems",
        f"/mlsys2025/posters/{poster.pk}/": "On Distributed Larger-Than-Memory Subset Selection",
        f"/mlsys2025/talks/{talk.pk}/": "Responsible Finetuning of LLMs",
        "/mlsys2025/people/ana-klimovic/": "XGrammar: Structured Generation",
        f"/mlsys2025/rooms/{program['room'].pk}/": "Session 9: Parallel and Distributed Systems",
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert expected in text_of(response), path


def test_poster_page_links_authors_and_the_next_poster(client, program):
    html = client.get(f"/mlsys2025/posters/{program['first'].pk}/").content.decode()
    assert 'href="/mlsys2025/people/ana-klimovic/"' in html
    assert f'href="/mlsys2025/posters/{program["second"].pk}/"' in html
    assert "Breadcrumb" in html


def test_person_page_lists_all_their_posters(client, program):
    page = text_of(client.get("/mlsys2025/people/ana-klimovic/"))
    assert "On Distributed Larger-Than-Memory Subset Selection" in page
    assert "XGrammar: Structured Generation" in page


def test_items_of_another_conference_are_not_found_under_this_one(client, program):
    other = ConferenceFactory(slug="other")
    foreign = make_poster(SessionFactory(conference=other), authors=["Someone Else"])
    assert client.get(f"/mlsys2025/posters/{foreign.pk}/").status_code == 404
    assert client.get(f"/mlsys2025/sessions/{foreign.session.pk}/").status_code == 404
    assert client.get("/mlsys2025/people/someone-else/").status_code == 404
    assert client.get("/mlsys2025/people/nobody-at-all/").status_code == 404


def test_draft_conferences_are_hidden_from_visitors_and_shown_to_organizers(client, program):
    conference = program["conference"]
    conference.is_published = False
    conference.save()
    for path in (
        "/mlsys2025/",
        "/mlsys2025/2025-05-15/",
        f"/mlsys2025/posters/{program['first'].pk}/",
    ):
        assert client.get(path).status_code == 404
    client.force_login(UserFactory(username="chair", is_staff=True))
    response = client.get("/mlsys2025/2025-05-15/")
    assert response.status_code == 200
    assert "Draft:" in text_of(response)


def test_titles_names_and_abstracts_are_escaped(client):
    conference = ConferenceFactory(slug="evil")
    session = SessionFactory(conference=conference, title="<script>alert('s')</script>")
    person = PersonFactory(name="<img src=x onerror=alert(1)>", slug="evil-person")
    make_poster(
        session,
        authors=[person],
        title="<script>alert('t')</script>",
        abstract='<script>alert("a")</script> [x](javascript:alert(1)) javascript:alert(2)',
    )
    html = client.get("/evil/2025-05-15/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_switching_the_time_zone_changes_the_times_shown_and_is_remembered(client, program):
    response = client.post(
        "/timezone/", {"timezone": "Europe/Berlin", "next": "/mlsys2025/2025-05-15/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mlsys2025/2025-05-15/"
    page = text_of(client.get("/mlsys2025/2025-05-15/"))
    assert "Thu 15 May 05:30 p.m." in page  # 08:30 PDT
    assert "Europe/Berlin" in page and "CEST" in page
    client.post("/timezone/", {"timezone": "", "next": "/mlsys2025/"})
    assert "Thu 15 May 08:30 a.m." in text_of(client.get("/mlsys2025/2025-05-15/"))


def test_an_unknown_time_zone_is_refused_with_a_message(client, program):
    response = client.post(
        "/timezone/", {"timezone": "Mars/Base", "next": "/mlsys2025/2025-05-15/"}, follow=True
    )
    assert "is not a time zone we know" in text_of(response)
    assert "Thu 15 May 08:30 a.m." in text_of(response)


def test_the_time_zone_form_never_redirects_off_site(client, program):
    response = client.post("/timezone/", {"timezone": "UTC", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.get("/timezone/").status_code == 405


def test_a_repeat_visit_gets_304_until_the_program_changes(client, program):
    url = "/mlsys2025/2025-05-15/"
    first = client.get(url)
    second = client.get(url)  # now with the CSRF cookie the first visit set
    etag = second["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    poster = program["first"]
    poster.title = "A corrected title"
    poster.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "A corrected title" in text_of(changed)
    assert first.status_code == 200


def build_program(conference, sessions: int, posters: int, authors: int):
    room = RoomFactory(conference=conference)
    shared = PersonFactory(name="Ana Klimovic")
    for s in range(sessions):
        session = SessionFactory(conference=conference, room=room, position=s)
        for p in range(posters):
            make_poster(session, authors=[shared, *[f"A{s}-{p}-{a}" for a in range(authors)]])
    talk_session = SessionFactory(
        conference=conference, kind=SessionKind.KEYNOTE, position=sessions, starts_at=None
    )
    make_talk(talk_session, speakers=["Ling Liu"])
    return shared


def paths_for(conference, shared):
    session = conference.sessions.order_by("position").first()
    poster = session.posters.order_by("position").first()
    talk = conference.sessions.get(kind=SessionKind.KEYNOTE).talks.get()
    slug = conference.slug
    return [
        f"/{slug}/",
        f"/{slug}/2025-05-15/",
        f"/{slug}/sessions/{session.pk}/",
        f"/{slug}/posters/{poster.pk}/",
        f"/{slug}/talks/{talk.pk}/",
        f"/{slug}/people/{shared.slug}/",
        f"/{slug}/rooms/{session.room.pk}/",
        f"/{slug}/search/?q=ana",
        f"/{slug}/search/?q=a0&kind=poster_session&day=2025-05-15",
        f"/{slug}/schedule.ics",
        f"/{slug}/sessions/{session.pk}.ics",
    ]


def test_every_page_runs_the_same_number_of_queries_for_a_small_and_a_larger_program(
    client, django_assert_num_queries
):
    small = ConferenceFactory(slug="small")
    large = ConferenceFactory(slug="large")
    small_person = build_program(small, sessions=1, posters=1, authors=1)
    large_person = build_program(large, sessions=4, posters=15, authors=4)
    for small_path, large_path in zip(
        paths_for(small, small_person), paths_for(large, large_person), strict=True
    ):
        with CaptureQueriesContext(connection) as small_queries:
            assert client.get(small_path).status_code == 200, small_path
        with django_assert_num_queries(len(small_queries), info=large_path):
            assert client.get(large_path).status_code == 200, large_path


def generated_paths(slug: str) -> list[str]:
    from program.models import Person, Poster, Talk

    conference = ConferenceFactory._meta.model.objects.get(slug=slug)
    poster = Poster.objects.filter(session__conference=conference).order_by("pk").first()
    talk = Talk.objects.filter(session__conference=conference).order_by("pk").first()
    person = Person.objects.filter(authorships__poster=poster).first()
    return [
        f"/{slug}/",
        f"/{slug}/{conference.start_date}/",
        f"/{slug}/sessions/{poster.session.pk}/",
        f"/{slug}/posters/{poster.pk}/",
        f"/{slug}/talks/{talk.pk}/",
        f"/{slug}/people/{person.slug}/",
        f"/{slug}/search/?q=caching",
        f"/{slug}/schedule.ics",
    ]


# The most queries each page may run, whatever the program's size. Prefetches that find nothing
# to prefetch are skipped, so a smaller program can run fewer; never more. The same bounds were
# measured on the 4,500-poster program (manage.py benchmark_pages).
QUERY_BOUNDS = [2, 6, 5, 4, 4, 5, 15, 6]


def test_generated_programs_of_two_sizes_stay_within_the_same_query_bounds(
    client, django_assert_max_num_queries
):
    from program.devdata.generation import generate_program

    generate_program(slug="gsmall", posters=12, sessions=10, days=2, people=40, rooms=2, talks=4)
    generate_program(slug="glarge", posters=400, sessions=24, days=3, people=900, rooms=5)
    for slug in ("gsmall", "glarge"):
        for path, bound in zip(generated_paths(slug), QUERY_BOUNDS, strict=True):
            with django_assert_max_num_queries(bound, info=path):
                assert client.get(path).status_code == 200, path


def test_a_day_with_hundreds_of_posters_leaves_abstracts_to_the_detail_pages(client):
    from program.devdata.generation import generate_program

    summary = generate_program(slug="busy", posters=400, sessions=6, days=1, people=500, talks=2)
    page = text_of(client.get(f"/busy/{summary.conference.start_date}/"))
    assert "abstracts are on each poster’s and session’s page" in page
    assert "Abstract" not in page.replace("abstracts are on", "")


def test_search_ignores_case_and_accents_and_counts_results(client, program):
    page = text_of(client.get("/mlsys2025/search/", {"q": "bother"}))
    assert "0 sessions, 1 poster, 0 talks, 1 person." in page
    assert "On Distributed Larger-Than-Memory Subset Selection" in page
    page = text_of(client.get("/mlsys2025/search/", {"q": "xgrammar"}))
    assert "XGrammar: Structured Generation" in page
    page = text_of(client.get("/mlsys2025/search/", {"q": "KLIMOVIC subset"}))
    assert "1 poster" in page and "XGrammar" not in page


def test_search_filters_by_day_kind_and_room(client, program):
    room = program["room"].pk
    page = text_of(client.get("/mlsys2025/search/", {"day": "2025-05-15", "kind": "invited_talk"}))
    assert "1 session, 0 posters, 1 talk" in page
    page = text_of(client.get("/mlsys2025/search/", {"room": room}))
    assert "1 session, 2 posters, 0 talks" in page


def test_search_with_nothing_found_says_what_to_try(client, program):
    page = text_of(client.get("/mlsys2025/search/", {"q": "quantum teleportation"}))
    assert "Nothing matches." in page


@pytest.mark.parametrize(
    "params, field",
    [
        ({"day": "2025-13-45"}, "Day"),
        ({"day": "2024-05-15"}, "Day"),
        ({"kind": "banquet"}, "Kind"),
        ({"room": "abc"}, "Room"),
        ({"room": "999999"}, "Room"),
        ({"q": "x" * 300}, "Search"),
    ],
)
def test_invalid_filters_get_a_clear_message_not_an_error_page(client, program, params, field):
    response = client.get("/mlsys2025/search/", params)
    assert response.status_code == 400
    page = text_of(response)
    assert "Please check the search:" in page
    assert f"{field}:" in page


def test_overview_shows_what_is_happening_now_and_up_next(client):
    from django.utils import timezone

    moment = timezone.now()
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    today = moment.astimezone(zone).date()
    conference = ConferenceFactory(
        slug="live",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
    )
    SessionFactory(
        conference=conference,
        title="Running Session",
        day=today,
        starts_at=moment - datetime.timedelta(minutes=10),
        ends_at=moment + datetime.timedelta(minutes=30),
        position=1,
    )
    SessionFactory(
        conference=conference,
        title="Later Session",
        day=(moment + datetime.timedelta(hours=1)).astimezone(zone).date(),
        starts_at=moment + datetime.timedelta(hours=1),
        position=2,
    )
    page = text_of(client.get("/live/"))
    now_part = page[page.index("Happening now") : page.index("Up next")]
    assert "Running Session" in now_part and "Later Session" not in now_part
    assert "Later Session" in page[page.index("Up next") :]


def test_on_the_seed_day_the_overview_says_what_is_on_and_what_comes_next(client, seed):
    # Thursday 15 May 2025, 10:00 in Santa Clara.
    with time_machine.travel(datetime.datetime(2025, 5, 15, 10, 0, tzinfo=PACIFIC), tick=False):
        page = text_of(client.get("/mlsys2025/"))
    now_part = page[page.index("Happening now") : page.index("Up next")]
    next_part = page[page.index("Up next") : page.index("Monday 12 May")]
    assert "Poster: Session 9: Parallel and Distributed Systems" in now_part
    assert "Registration" not in now_part  # it ended when Session 9 began
    assert "Poster: Session 10: LLM and Diffusion Model Serving" in next_part
    assert "Invited Talk" not in now_part + next_part  # its time is not known


def test_before_the_conference_the_overview_shows_no_live_section(client, seed):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 10, 0, tzinfo=PACIFIC), tick=False):
        page = text_of(client.get("/mlsys2025/"))
    assert "Happening now" not in page
