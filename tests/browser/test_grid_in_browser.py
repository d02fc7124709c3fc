"""A grid day (program/views/grid.py) in a real Chromium: parallel items share a top edge on a
desk, nothing scrolls the page sideways on a phone, the filters narrow it, every control is a
44 px touch target on a phone, and axe finds nothing, light and dark."""

import datetime
import zoneinfo
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command

from devtools.devdata.parallel import generate_parallel_program
from program.models import Conference
from tests.browser.conftest import axe_violations, no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")  # the generated program's zone
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples"
ROMHACK = SAMPLES / "pretalx-romhack-camp-2026" / "romhack_camp_2026.xml"
GENERATED = "/parallel/2026-02-07/"
IMPORTED = "/romhack/2026-10-02/"  # two rooms, two talks at 15:00 UTC


@pytest.fixture
def days(db):
    """The generated room-parallel day, and a real pretalx program's day when the samples are
    beside the project."""
    generate_parallel_program(slug="parallel", rooms=8, days=1, tracks=4)
    paths = [GENERATED]
    if ROMHACK.exists():
        call_command("import_program", str(ROMHACK), "--conference", "romhack", verbosity=0)
        Conference.objects.filter(slug="romhack").update(is_published=True)
        paths.append(IMPORTED)
    return paths


def open_page(browser, live_server, path, viewport, color_scheme="light"):
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + path)
    return page


def top_edges(page) -> dict[str, set[int]]:
    """Each start time's cells' top edges, in page pixels."""
    found = page.evaluate(
        """() => [...document.querySelectorAll('.grid .cell')].map(cell => [
            cell.querySelector('time').getAttribute('datetime'),
            Math.round(cell.getBoundingClientRect().top + window.scrollY)])"""
    )
    edges = defaultdict(set)
    for starts, top in found:
        edges[starts].add(top)
    return edges


def check_top_edges(page, path) -> None:
    edges = top_edges(page)
    assert edges and all(len(tops) == 1 for tops in edges.values()), (path, edges)
    parallel = page.evaluate(
        """() => { const c = {}; document.querySelectorAll('.grid .cell time')
            .forEach(t => { const d = t.getAttribute('datetime'); c[d] = (c[d] || 0) + 1; });
            return Math.max(...Object.values(c)); }"""
    )
    assert parallel >= 2, path  # some items do run in parallel, and share their top edge
    ordered = sorted(edges)  # later starts sit lower
    assert [min(edges[s]) for s in ordered] == sorted(min(edges[s]) for s in ordered)


def test_on_a_desk_parallel_items_line_up_and_the_grid_scrolls_inside(
    live_server, browser, days, axe_source
):
    for path in days:
        page = open_page(browser, live_server, path, DESKTOP)
        check_top_edges(page, path)
        page.context.close()
    page = open_page(browser, live_server, GENERATED, DESKTOP)
    assert no_horizontal_overflow(page)
    frame = page.locator(".grid-frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    # The rooms' names stay in view while the grid scrolls down.
    frame.evaluate("f => f.scrollTo(0, 600)")
    head = page.locator(".grid-room").first.bounding_box()
    assert abs(head["y"] - frame.bounding_box()["y"]) < 3
    # The keyboard: each cell's title then its star, cell after cell in (time, room) order.
    page.locator(".grid .cell-title a").first.focus()
    reached = []
    for _ in range(3):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.closest('.cell')?.id"))
    expected = page.evaluate("() => [...document.querySelectorAll('.grid .cell')].map(c => c.id)")
    assert reached == [expected[0], expected[1], expected[1]]
    # While the day runs, a "now" line crosses the rooms at the current row (static/js/grid.js).
    page.context.close()
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.clock.install(time=datetime.datetime(2026, 2, 7, 11, 2, tzinfo=BRUSSELS))
    page.goto(live_server.url + GENERATED)
    line = page.locator(".now-line")
    assert "Now 11:02" in line.inner_text()
    top = line.bounding_box()["y"]
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.grid .cell')].map(cell => [
            Date.parse(cell.querySelector('time').getAttribute('datetime')),
            cell.getBoundingClientRect().top])"""
    )
    now = datetime.datetime(2026, 2, 7, 11, 2, tzinfo=BRUSSELS).timestamp() * 1000
    assert max(y for at, y in tops if at <= now) < top < min(y for at, y in tops if at > now)
    # Hiding a room keeps it in the URL.
    page.locator(".grid-hide").first.click()
    page.wait_for_url("**/?hide=*")
    assert page.locator(".grid-room").count() == 7
    page.context.close()
    for color_scheme in ("light", "dark"):
        page = open_page(browser, live_server, GENERATED, DESKTOP, color_scheme)
        assert axe_violations(page, axe_source) == [], color_scheme
        page.context.close()


def test_on_a_phone_nothing_overflows_every_control_is_a_touch_target_and_filters_narrow(
    live_server, browser, days, axe_source
):
    for path in days:
        for viewport in (PHONE, SMALL_PHONE):
            page = open_page(browser, live_server, path, viewport)
            assert no_horizontal_overflow(page), path
            page.locator(".grid-pick summary").first.click()  # the rooms' quick switch open
            small = page.evaluate(
                """() => [...document.querySelectorAll(
                    'a, button, summary, input, select')].filter(el => {
                    // A checkbox's target is its label.
                    const box = (el.closest('label') || el).getBoundingClientRect();
                    if (!box.width || !box.height) return false;  // not shown
                    if (el.closest('.skip-link, .visually-hidden')) return false;
                    // Links within a sentence are exempt (WCAG 2.5.8, "inline").
                    const inline = 'p.grid-count, p.grid-hidden, footer, p.zone-note';
                    if (el.closest(inline)) return false;
                    return box.width < 44 || box.height < 44;
                }).map(el => el.outerHTML.slice(0, 60))"""
            )
            assert small == [], (path, small)
            page.context.close()
    page = open_page(browser, live_server, GENERATED, PHONE)
    whole = page.locator(".grid .cell").count()
    page.locator("summary", has_text="Tracks").click()
    page.locator(".grid-links a").filter(has_text="Track 2").click()
    page.wait_for_url("**/?track=*")
    assert 0 < page.locator(".grid .cell").count() < whole
    page.locator("summary", has_text="Rooms").click()
    page.locator(".grid-links a").filter(has_text="Room A.101").click()
    page.wait_for_url("**/?room=*")
    assert 0 < page.locator(".grid .cell").count() < whole
    page.context.close()
    for color_scheme in ("light", "dark"):
        page = open_page(browser, live_server, GENERATED, PHONE, color_scheme)
        assert axe_violations(page, axe_source) == [], color_scheme
        page.context.close()
