"""The schedule pages (program/views/schedule.py): home, the conference list, the overview
with what is on now, each day, and the session and room pages."""

import datetime
import re
import zoneinfo

import pytest
import time_machine

from tests.factories import (
    PACIFIC,
    ConferenceFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    make_poster,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


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
    next_part = page[page.index("Up next") : page.index("Thursday 15 May", page.index("Up next"))]
    assert "Poster: Session 9: Parallel and Distributed Systems" in now_part
    assert "Registration" not in now_part  # it ended when Session 9 began
    assert "Poster: Session 10: LLM and Diffusion Model Serving" in next_part
    assert "Invited Talk" not in now_part + next_part  # its time is not known


def test_before_the_conference_the_overview_shows_no_live_section(client, seed):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 10, 0, tzinfo=PACIFIC), tick=False):
        page = text_of(client.get("/mlsys2025/"))
    assert "Happening now" not in page


def test_day_page_lists_items_in_order_with_kind_title_time_and_room(client, program):
    response = client.get("/mlsys2025/2025-05-15/")
    assert response.status_code == 200
    page = text_of(response)
    order = [
        "Poster: Session 9: Parallel and Distributed Systems",
        "Thu 15 May 8:30 a.m.",
        "Mission City Ballroom",
        "Poster: On Distributed Larger-Than-Memory Subset Selection",
        "Maximilian Böther · Ana Klimovic",
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
    # Room and time once per session, not on every poster.
    assert page.count("Mission City Ballroom") == 1


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


def test_a_day_with_hundreds_of_posters_leaves_abstracts_to_the_detail_pages(client):
    from devtools.devdata.generation import generate_program

    summary = generate_program(slug="busy", posters=400, sessions=6, days=1, people=500, talks=2)
    page = text_of(client.get(f"/busy/{summary.conference.start_date}/"))
    assert "abstracts are on each poster’s and session’s page" in page
    assert "Abstract" not in page.replace("abstracts are on", "")


def test_titles_names_and_abstracts_are_escaped(client):
    conference = ConferenceFactory(slug="evil")
    session = SessionFactory(conference=conference, title="<script>alert('s')</script>")
    person = PersonFactory(
        conference=conference, name="<img src=x onerror=alert(1)>", slug="evil-person"
    )
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


def test_session_and_room_pages_show_the_session(client, program):
    session, room = program["posters"], program["room"]
    pages = {
        f"/mlsys2025/sessions/{session.pk}/": "Session 9: Parallel and Distributed Systems",
        f"/mlsys2025/rooms/{room.pk}/": "Session 9: Parallel and Distributed Systems",
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert expected in text_of(response), path


def test_day_tabs_list_only_days_with_program(client, seed):
    page = client.get("/mlsys2025/2025-05-15/").content.decode()
    start = page.index('aria-label="Days"')
    tabs = re.sub(r"<[^>]+>", "", page[start : page.index("</nav>", start)])
    assert "Thu 15 May" in tabs
    assert "Mon 12 May" not in tabs and "Wed 14 May" not in tabs
    assert "No sessions listed" not in text_of(client.get("/mlsys2025/"))


def test_a_conference_day_without_program_says_so_and_links_the_days_with_program(client, seed):
    response = client.get("/mlsys2025/2025-05-12/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Nothing is scheduled on Monday 12 May" in page
    assert 'href="/mlsys2025/2025-05-15/"' in response.content.decode()


def test_parallel_sessions_stand_in_their_rooms_columns(client):
    from tests.factories import RoomFactory, pacific

    conference = ConferenceFactory(slug="grid")
    hall, annex = RoomFactory(conference=conference), RoomFactory(conference=conference)
    SessionFactory(conference=conference, title="Welcome", starts_at=pacific(8), room=hall)
    SessionFactory(conference=conference, title="Systems", starts_at=pacific(9), room=hall)
    SessionFactory(conference=conference, title="Security", starts_at=pacific(9), room=annex)
    html = client.get("/grid/2025-05-15/").content.decode()
    assert 'class="timeline rooms-2"' in html
    assert html.count('class="slot"') == 2  # 8:00, then 9:00 with both rooms
    assert "col-1" in html and "col-2" in html
    assert html.index("Welcome") < html.index("Systems") < html.index("Security")


def overview_at(client, moment: datetime.datetime, **headers):
    with time_machine.travel(moment, tick=False):
        return client.get("/mlsys2025/", **headers)


def live_part(response) -> str:
    page = text_of(response)
    return page[page.index("Happening now") : page.index("Thursday 15 May", page.index("Up next"))]


def test_the_kept_overview_follows_the_clock(client, seed):
    """The overview is kept for anonymous visitors (in the cache and in each worker's memory)
    and revalidated with an ETag, but what is on now moves with the clock: every visit gets the
    state of its own minute, though the program did not change."""
    before = overview_at(client, datetime.datetime(2025, 5, 1, 10, 0, tzinfo=PACIFIC))
    assert "Happening now" not in text_of(before)

    at_ten = overview_at(client, datetime.datetime(2025, 5, 15, 10, 0, tzinfo=PACIFIC))
    assert "Session 9: Parallel" in live_part(at_ten).split("Up next")[0]
    same_minute = datetime.datetime(2025, 5, 15, 10, 0, 40, tzinfo=PACIFIC)
    assert overview_at(client, same_minute, HTTP_IF_NONE_MATCH=at_ten["ETag"]).status_code == 304

    later = overview_at(
        client,
        datetime.datetime(2025, 5, 15, 13, 30, tzinfo=PACIFIC),
        HTTP_IF_NONE_MATCH=at_ten["ETag"],
    )
    assert later.status_code == 200
    now_part, next_part = live_part(later).split("Up next")
    assert "Session 10: LLM" in now_part and "Session 9" not in now_part
    assert "Session 11: Federated" in next_part

    after = overview_at(client, datetime.datetime(2025, 6, 1, 10, 0, tzinfo=PACIFIC))
    assert "Happening now" not in text_of(after)


def test_a_kept_overview_says_how_long_a_shared_cache_may_keep_it(client, seed):
    """While the conference runs a proxy keeps the overview to the end of its minute at most, and
    does not serve it stale; before and after, as any page."""
    running = overview_at(client, datetime.datetime(2025, 5, 15, 10, 0, 45, tzinfo=PACIFIC))
    assert "max-age=15" in running["Cache-Control"]
    assert "stale-while-revalidate" not in running["Cache-Control"]
    done = overview_at(client, datetime.datetime(2025, 6, 1, 10, 0, tzinfo=PACIFIC))
    assert (
        "max-age=60" in done["Cache-Control"]
        and "stale-while-revalidate=600" in done["Cache-Control"]
    )
