"""A visitor on a phone, in a real Chromium: from the home page to a person, search, time zone."""

import datetime

import pytest

from tests.browser.conftest import axe_violations, no_horizontal_overflow
from tests.factories import PACIFIC, ConferenceFactory, SessionFactory

pytestmark = pytest.mark.browser


def test_visitor_browses_from_home_to_a_poster_and_its_author(live_server, seed, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Conference on Machine Learning")
    page.get_by_role("navigation", name="Days").get_by_role("link", name="Thu 15 May").click()
    assert page.url.endswith("/mlsys2025/2025-05-15/")
    assert page.locator(".session-heading").count() == 7
    assert "Invited Talk: Ling Liu" in page.locator(".session-heading").nth(2).inner_text()
    page.get_by_role("link", name="Marconi: Prefix Caching for the Era of Hybrid LLMs").click()
    assert page.locator("h1").inner_text() == "Marconi: Prefix Caching for the Era of Hybrid LLMs"
    page.get_by_role("link", name="Tri Dao").click()
    assert page.locator("h1").inner_text() == "Tri Dao"
    assert no_horizontal_overflow(page)


def test_visitor_searches_without_accents_and_finds_the_poster(live_server, seed, page):
    page.goto(live_server.url + "/mlsys2025/")
    page.get_by_label("Search the program").fill("bother")
    page.get_by_role("button", name="Search").first.click()
    assert "Maximilian Böther" in page.locator("main").inner_text()
    assert (
        page.get_by_role(
            "link",
            name="On Distributed Larger-Than-Memory Subset Selection With Pairwise Submodular"
            " Functions",
        ).count()
        == 1
    )


def test_visitor_switches_the_time_zone_and_keeps_it(live_server, seed, page):
    page.goto(live_server.url + "/mlsys2025/2025-05-15/")
    assert "Thu 15 May 8:30 a.m." in page.locator("main").inner_text()
    page.get_by_role("link", name="Times in Los Angeles").click()
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Show times in this zone").click()
    assert page.url.endswith("/mlsys2025/2025-05-15/")
    assert "Berlin" in page.locator(".zone-link").inner_text()
    assert "Thu 15 May 5:30 p.m." in page.locator("main").inner_text()
    page.goto(live_server.url + "/mlsys2025/")
    assert "Europe/Berlin" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    "path",
    [
        "/mlsys2025/",
        "/mlsys2025/2025-05-15/",
        "/mlsys2025/search/?q=xgrammar",
        "/mlsys2025/people/ana-klimovic/",
        "/conferences/",
    ],
)
def test_pages_pass_the_accessibility_scan_and_fit_a_phone(
    live_server, seed, page, axe_source, path
):
    page.goto(live_server.url + path)
    assert axe_violations(page, axe_source) == []
    assert no_horizontal_overflow(page)


def test_a_printed_day_keeps_the_program_and_drops_the_navigation(live_server, seed, page):
    page.goto(live_server.url + "/mlsys2025/2025-05-15/")
    page.emulate_media(media="print")
    assert not page.locator(".day-tabs").is_visible()
    assert not page.locator(".search-box").is_visible()
    assert not page.locator("button.save").first.is_visible()
    assert page.locator(".session-heading").nth(1).is_visible()
    # Abstracts, folded on screen, print open.
    assert page.locator(".poster .abstract p").first.is_visible()


def test_on_a_phone_the_tab_of_the_day_shown_is_in_view(live_server, transactional_db, page):
    """Eight days do not fit a phone's width: the row of tabs scrolls, and the last day's page
    scrolls it so that its own tab shows (without the script it would be out of view)."""
    first = datetime.date(2026, 7, 13)
    conference = ConferenceFactory(
        slug="eight-days", start_date=first, end_date=first + datetime.timedelta(days=7)
    )
    for offset in range(8):
        SessionFactory(conference=conference, day=first + datetime.timedelta(days=offset))
    last = first + datetime.timedelta(days=7)
    page.goto(f"{live_server.url}/eight-days/{last}/")
    row = page.locator(".day-tabs")
    assert row.evaluate("row => row.scrollWidth > row.clientWidth")
    tab = page.locator('.day-tabs a[aria-current="page"]')
    assert tab.inner_text() == "Mon 20 Jul"
    assert tab.evaluate(
        """tab => {
            const box = tab.getBoundingClientRect(), row = tab.closest('.day-tabs')
                .getBoundingClientRect();
            return box.left >= row.left && box.right <= row.right;
        }"""
    )
    assert page.evaluate("window.scrollY") == 0
    assert no_horizontal_overflow(page)


def test_a_day_with_two_coffee_breaks_names_each_session_apart(
    live_server, transactional_db, page, axe_source
):
    """Each session's block is a landmark; two named only "Break: Coffee" would be two landmarks
    of one name. Their time (and room) tells them apart."""
    conference = ConferenceFactory(slug="coffee")
    for hour in (10, 15):
        SessionFactory(
            conference=conference,
            kind="break",
            title="Coffee",
            starts_at=datetime.datetime(2025, 5, 15, hour, 0, tzinfo=PACIFIC),
        )
    page.goto(f"{live_server.url}/coffee/2025-05-15/")
    names = [
        page.locator("section.session")
        .nth(n)
        .evaluate(
            "section => section.getAttribute('aria-labelledby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')"
            ".replace(/\\s+/g, ' ').trim()"
        )
        for n in range(2)
    ]
    assert names[0].startswith("Break: Coffee") and "10:00" in names[0]
    assert names[1].startswith("Break: Coffee") and "3:00" in names[1]
    assert axe_violations(page, axe_source) == []


def test_search_results_read_in_dark_mode(live_server, seed, browser, axe_source):
    """The words a search marks in the authors' line stay readable on the mark's colour in dark
    mode (muted text on it fell below the contrast AA asks for)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        dark = context.new_page()
        dark.goto(live_server.url + "/mlsys2025/search/?q=ana")
        assert dark.locator(".entry-meta mark").count() > 0
        assert axe_violations(dark, axe_source) == []
    finally:
        context.close()
