"""An attendee in a real Chromium: sign up, save from the day page, My agenda, the feed."""

import urllib.request

import icalendar
import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import axe_violations, no_horizontal_overflow

pytestmark = pytest.mark.browser

PASSWORD = "Browser-Passphrase-2025"


def sign_up(page, base, username):
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()


def test_attendee_builds_an_agenda_and_subscribes_and_nobody_else_sees_it(
    live_server, seed, page, browser, axe_source
):
    base = live_server.url
    sign_up(page, base, "ada")
    assert page.url.endswith("/agenda/")

    page.goto(base + "/mlsys2025/2025-05-15/")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else 0)
    page.evaluate("window.stillHere = true")  # gone if the page is reloaded
    marconi = page.locator("article.poster", has_text="Marconi: Prefix Caching")
    marconi.scroll_into_view_if_needed()
    url, scrolled = page.url, page.evaluate("window.scrollY")
    assert scrolled > 0
    marconi.get_by_role("button", name="Save Marconi: Prefix Caching").click()
    # The script saves without leaving the page, or moving it, and flips the toggle.
    expect(
        marconi.get_by_role("button", name="Remove Marconi: Prefix Caching for the Era of Hybrid")
    ).to_be_visible()
    assert page.evaluate("window.stillHere") is True
    assert page.url == url and page.evaluate("window.scrollY") == scrolled
    assert posts == [base + "/agenda/save/"]
    talk = page.locator("article.talk", has_text="Responsible Finetuning")
    talk.get_by_role("button", name="Save Responsible Finetuning").click()
    expect(talk.get_by_role("button", name="Remove Responsible Finetuning")).to_be_visible()

    page.get_by_role("link", name="My agenda").click()
    agenda = page.locator("main").inner_text()
    assert "Thursday 15 May 2025" in agenda
    assert "Thu 15 May 1:15 p.m. – 2:40 p.m." in agenda
    assert "Marconi: Prefix Caching for the Era of Hybrid LLMs" in agenda
    assert "Time to be announced" in agenda and "Responsible Finetuning" in agenda
    assert axe_violations(page, axe_source) == []
    assert no_horizontal_overflow(page)

    page.locator("li.agenda-entry", has_text="Marconi").get_by_role("button", name="Remove").click()
    assert "Marconi" not in page.locator("main").inner_text()

    page.get_by_role("link", name="Account (ada)").click()
    assert axe_violations(page, axe_source) == []
    feed_url = page.get_by_label("Direct link (https)").input_value()
    with urllib.request.urlopen(feed_url) as response:
        feed = icalendar.Calendar.from_ical(response.read())
    # The talk has no time, so the feed has nothing to schedule yet; the removed poster is gone.
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == []

    page.goto(base + "/mlsys2025/2025-05-15/")
    session = page.locator("section.session", has_text="Session 10: LLM and Diffusion")
    session.get_by_role("button", name="Save Poster: Session 10").click()
    expect(session.get_by_role("button", name="Remove Poster: Session 10")).to_be_visible()
    with urllib.request.urlopen(feed_url) as response:
        feed = icalendar.Calendar.from_ical(response.read())
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == [
        "Poster: Session 10: LLM and Diffusion Model Serving"
    ]

    # Someone else cannot reach Ada's agenda or feed.
    other = browser.new_context().new_page()
    sign_up(other, base, "eve")
    ada_item = User.objects.get(username="ada").agenda_items.first()
    response = other.request.post(base + f"/agenda/{ada_item.pk}/remove/")
    assert response.status in (403, 404)
    other.goto(base + "/agenda/")
    assert "Responsible Finetuning" not in other.locator("main").inner_text()
    assert other.request.get(base + "/agenda/not-adas-token.ics").status == 404
    other.context.close()
