"""The embed inside a page of another origin (a second server on loopback), and a door screen
following the clock, an edit and a network drop, in Chromium; both axe-clean."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from program.models import Conference, SessionKind
from tests.browser.conftest import axe_violations
from tests.factories import ConferenceFactory, RoomFactory, SessionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def other_site():
    """A site on another origin serving one page, ``other_site.html``; yields its origin."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get("html", "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield origin, pages
    server.shutdown()
    server.server_close()


def host_page(live_server, conference: Conference) -> str:
    snippet = render_to_string(
        "program/embed_snippet.txt", {"conference": conference, "base": live_server.url}
    )
    return (
        "<!doctype html><html lang='en'><head><title>Our conference</title></head>"
        f"<body><h1>Our conference</h1>{snippet}<p id='after'>Below the program</p></body></html>"
    )


def embed_frame(page):
    return next(frame for frame in page.frames if "/embed/" in frame.url)


def test_the_embed_shows_in_a_listed_site_sized_to_its_content(
    live_server, browser, seed, other_site, axe_source
):
    origin, pages = other_site
    pages["html"] = host_page(live_server, seed)
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Not listed yet: the browser refuses to show it in the frame.
    page.goto(origin + "/")
    page.wait_for_timeout(500)
    blocked = [frame for frame in page.frames if "Session 9" in safe_text(frame)]
    assert blocked == []

    seed.embed_origins = origin
    seed.save()
    # A new visitor (browsers keep the refused copy for its max-age, a minute).
    context.close()
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(origin + "/")
    frame = page.frame_locator("iframe[data-conference-embed]")
    frame.get_by_role(
        "link", name="Poster: Session 9: Parallel and Distributed Systems", exact=True
    ).wait_for()
    # The resize script set the frame's height to the program's, not the 600 px given.
    page.wait_for_function("() => document.querySelector('iframe').style.height !== '600px'")
    inner = embed_frame(page).evaluate(
        "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"
    )
    outer = page.evaluate("() => parseInt(document.querySelector('iframe').style.height)")
    assert abs(inner - outer) <= 2
    assert embed_frame(page).evaluate(axe_violations_source(axe_source)) == []

    # Saving opens the program in a new tab, where the visitor is signed in; no cookie needed.
    with context.expect_page() as opened:
        frame.get_by_role("link", name="Save Poster: Session 9").click()
    assert "/mlsys2025/sessions/" in opened.value.url
    assert context.cookies(live_server.url) == []
    context.close()


def safe_text(frame) -> str:
    try:
        return frame.inner_text("body", timeout=500)
    except Exception:  # a refused frame has no document to read
        return ""


def axe_violations_source(axe_source: str) -> str:
    """axe run inside the frame: its violations' ids."""
    return (
        "async () => {"
        + axe_source
        + ";const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a',"
        " 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});"
        " return r.violations.map(v => v.id); }"
    )


@pytest.fixture
def live_room(transactional_db):
    """A running conference with, in one room, a session ending a minute from now and one
    after it, real times (the live server's clock is not frozen)."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = now.date()
    conference = ConferenceFactory(
        slug="live",
        name="Live Conf",
        timezone="UTC",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=2),
    )
    room = RoomFactory(conference=conference, name="Hall A", area="Ground floor")

    def session(title, starts, ends):
        return SessionFactory(
            conference=conference,
            kind=SessionKind.OTHER,
            room=room,
            title=title,
            day=starts.date(),
            starts_at=starts,
            ends_at=ends,
        )

    first = session(
        "Ending Soon", now - datetime.timedelta(minutes=20), now + datetime.timedelta(minutes=2)
    )
    second = session(
        "Comes Next", now + datetime.timedelta(minutes=2), now + datetime.timedelta(minutes=40)
    )
    session(
        "Later Still", now + datetime.timedelta(minutes=40), now + datetime.timedelta(minutes=80)
    )
    return room, first, second


def test_a_room_screen_follows_the_clock_an_edit_and_a_network_drop(
    live_server, browser, live_room, axe_source
):
    room, first, _ = live_room
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.clock.install(time=timezone.now())
    page.goto(f"{live_server.url}/live/rooms/{room.pk}/screen/")
    now_entry = page.locator(".entry.is-now .entry-title")
    assert now_entry.inner_text() == "Ending Soon"
    assert page.locator(".entry.is-now .qr-code").is_visible()
    assert "min left" in page.locator(".entry.is-now .time-left").inner_text()
    assert axe_violations(page, axe_source) == []

    # An edit reaches the screen at its next poll (every 30 s).
    first.title = "Ending Soon, Renamed"
    first.save()
    page.clock.run_for(31_000)
    page.wait_for_function(
        "() => document.querySelector('.entry.is-now .entry-title').textContent.includes('Renamed')"
    )

    # The network drops: the screen keeps its copy and moves on by itself at the end.
    context.set_offline(True)
    page.clock.run_for(3 * 60_000)
    page.wait_for_function(
        "() => document.querySelector('.entry.is-now .entry-title').textContent === 'Comes Next'"
    )
    assert "Offline: showing the program as of" in page.locator(".screen-status").inner_text()
    assert page.locator(".entry:not([hidden]) .entry-title").all_inner_texts() == [
        "Comes Next",
        "Later Still",
    ]
    context.set_offline(False)
    context.close()


def test_an_area_screen_passes_axe(live_server, page, live_room, axe_source):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/live/screen/?area=Ground+floor")
    assert page.locator(".board-room").all_inner_texts() == ["Hall A"]
    assert axe_violations(page, axe_source) == []
