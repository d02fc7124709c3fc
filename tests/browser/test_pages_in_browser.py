"""The pages a visitor scans, in a real Chromium on a phone and a desktop, light and dark.

Screenshots (390 and 1280 px wide) go to pytest's tmp_path, to look at when a test fails; the
checks are what a visitor would notice: what fits the first phone screen, no sideways
scrolling at 320 px, abstracts that open from the keyboard, and axe's WCAG 2.1 A/AA rules.
"""

import pytest

from accounts.services import save_to_agenda
from program.models import Poster
from tests.browser.conftest import axe_violations, no_horizontal_overflow
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
PAGES = [
    "overview",
    "day",
    "poster",
    "person",
    "search",
    "agenda",
    "admin poster list",
    "room",
    "paper",
    "admin floor plan",
]
# A floor plan of a hall with two rows of boards, as a venue's drawing might be.
HALL = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 500">'
    b'<rect width="1000" height="500" fill="#f4f1ea" stroke="#555" stroke-width="8"/>'
    b'<text x="30" y="50" font-size="32">Hall</text></svg>'
)


@pytest.fixture
def organizer(seed):
    """An organizer who has saved a poster: sees every page below, the admin included. The
    poster stands on board 7 of its room's floor plan; similar papers are computed."""
    from program.models import BoardSpot, FloorPlan
    from program.search import similar

    user = UserFactory(username="ada", is_staff=True, is_superuser=True)
    marconi = Poster.objects.get(contribution__title__startswith="Marconi")
    save_to_agenda(user=user, item=marconi)
    marconi.board = "7"
    marconi.save()
    plan = FloorPlan(room=marconi.effective_room)
    plan.set_picture(HALL)
    plan.save()
    for board in range(1, 13):
        BoardSpot.objects.create(
            plan=plan,
            board=str(board),
            x=0.1 + 0.13 * ((board - 1) % 6),
            y=0.35 + 0.3 * (board > 6),
        )
    similar.refresh(seed)
    return user


def path_of(name: str) -> str:
    marconi = Poster.objects.get(contribution__title__startswith="Marconi")
    return {
        "overview": "/mlsys2025/",
        "day": "/mlsys2025/2025-05-15/",
        "poster": f"/mlsys2025/posters/{marconi.pk}/",
        "person": "/mlsys2025/people/ana-klimovic/",
        "search": "/mlsys2025/search/?q=parallelism",
        "agenda": "/agenda/",
        "admin poster list": "/admin/program/poster/",
        "room": f"{marconi.effective_room.get_absolute_url()}?board=7",
        "paper": marconi.contribution.get_absolute_url(),
        "admin floor plan": (
            f"/admin/program/floorplan/{marconi.effective_room.floor_plan.pk}/change/"
        ),
    }[name]


def open_as(browser, live_server, username, viewport, color_scheme="light"):
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    if username:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_fits_320_pixels_and_is_photographed(
    live_server, browser, organizer, axe_source, tmp_path, name, color_scheme
):
    page = open_as(browser, live_server, "ada", NARROW, color_scheme)
    page.goto(live_server.url + path_of(name))
    assert no_horizontal_overflow(page), name
    assert axe_violations(page, axe_source) == [], name
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=tmp_path / f"{name.replace(' ', '-')}-{label}-{color_scheme}.png")
        assert (tmp_path / f"{name.replace(' ', '-')}-{label}-{color_scheme}.png").stat().st_size
    page.context.close()


def test_the_first_phone_screen_of_the_seed_day_shows_at_least_four_items(
    live_server, browser, seed
):
    page = open_as(browser, live_server, None, PHONE)
    page.goto(live_server.url + "/mlsys2025/2025-05-15/")
    # A session counts by its head (kind, title, time, room); posters and talks by their row.
    visible = page.evaluate(
        """() => [...document.querySelectorAll('.session-head, .poster, .talk')].filter(e => {
            const box = e.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
        }).length"""
    )
    assert visible >= 4
    page.context.close()


def test_an_abstract_opens_from_the_keyboard(live_server, browser, seed):
    page = open_as(browser, live_server, None, PHONE)
    page.goto(live_server.url + "/mlsys2025/2025-05-15/")
    abstract = page.locator("article.poster", has_text="Marconi").locator("details.abstract")
    assert not abstract.locator("p").first.is_visible()
    abstract.locator("summary").focus()
    page.keyboard.press("Enter")
    assert abstract.get_attribute("open") is not None
    assert abstract.locator("p").first.is_visible()
    page.context.close()


def test_the_header_keeps_the_day_tabs_in_view_while_scrolling(live_server, browser, seed):
    page = open_as(browser, live_server, None, PHONE)
    page.goto(live_server.url + "/mlsys2025/2025-05-15/")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 2000")
    box = page.get_by_role("navigation", name="Days").bounding_box()
    assert box is not None and box["y"] == 0
    page.context.close()


def test_an_organizer_places_a_board_by_clicking_the_plan(live_server, browser, organizer):
    """Add a board row, type its number, click the plan: x and y are filled from where the click
    fell; saving keeps the spot, and the room's page marks it."""
    from program.models import BoardSpot, FloorPlan

    plan = FloorPlan.objects.get()
    page = open_as(browser, live_server, "ada", DESKTOP)
    page.goto(f"{live_server.url}/admin/program/floorplan/{plan.pk}/change/")
    page.get_by_role("button", name="Add another Board spot").click()
    rows = page.locator(".board-spots .inline-related:not(.empty-form)")
    row = rows.nth(rows.count() - 1)
    row.get_by_label("Poster board").click()
    row.get_by_label("Poster board").fill("99")
    picture = page.locator("#plan-picture")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    assert (
        "Board 99 placed at 75% across, 25% down"
        in page.locator("#plan-placer-status").inner_text()
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(lambda url: url.endswith("/admin/program/floorplan/"))
    spot = BoardSpot.objects.get(plan=plan, board="99")
    assert abs(spot.x - 0.75) < 0.01 and abs(spot.y - 0.25) < 0.01
    page.goto(f"{live_server.url}{plan.room.get_absolute_url()}?board=99")
    assert page.locator(".board-spot.is-here").count() == 1
    page.context.close()
