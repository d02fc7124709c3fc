"""An attendee in a real Chromium: sign up, save from the day page, My agenda, the feed, and
sharing the agenda by link with a colleague."""

import urllib.request

import icalendar
import pytest
from playwright.sync_api import expect

from accounts.models import User
from program.models import Poster
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

    # Their day page comes as the stored page's pieces, compressed (web/splicing.py).
    assert page.goto(base + "/mlsys2025/2025-05-15/").headers["content-encoding"] == "gzip"
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


def test_an_attendee_shares_their_agenda_and_a_colleague_adds_it_all(
    live_server, seed, page, browser, axe_source
):
    base = live_server.url
    sign_up(page, base, "ada")
    page.goto(base + "/mlsys2025/2025-05-15/")
    for title in ("Marconi: Prefix Caching", "Responsible Finetuning"):
        item = page.locator("article", has_text=title).first
        item.get_by_role("button", name=f"Save {title}").click()
        expect(item.get_by_role("button", name=f"Remove {title}")).to_be_visible()
    session = page.locator("section.session", has_text="Session 10: LLM and Diffusion")
    session.get_by_role("button", name="Save Poster: Session 10").click()
    expect(session.get_by_role("button", name="Remove Poster: Session 10")).to_be_visible()

    page.goto(base + "/agenda/")
    page.get_by_label("Name shown on your shared agenda").fill("Ada L.")
    page.get_by_role("button", name="Share my agenda").click()
    link = page.get_by_label("Link to your shared agenda").input_value()
    assert link.startswith(base + "/agenda/shared/")
    expect(page.locator(".share-agenda .share-qr svg.qr-code")).to_be_visible()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path="/tmp/share-my-agenda-phone.png", full_page=True)

    # A colleague opens the link on a phone, signed in as themself.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    other = phone.new_page()
    other.set_default_timeout(15_000)
    sign_up(other, base, "eve")
    response = other.goto(link)
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    main = other.locator("main").inner_text()
    assert "Ada L.’s agenda" in main and "ada@example.org" not in main
    assert "Marconi: Prefix Caching for the Era of Hybrid LLMs" in main
    assert "Time to be announced" in main
    assert axe_violations(other, axe_source) == []
    assert no_horizontal_overflow(other)
    other.screenshot(path="/tmp/share-phone.png", full_page=True)
    other.set_viewport_size({"width": 1280, "height": 900})
    other.screenshot(path="/tmp/share-desktop.png", full_page=True)

    other.get_by_role("button", name="Add all 3 to my agenda").click()
    expect(other.get_by_text("Added 3 items to your agenda.")).to_be_visible()
    expect(other.get_by_text("All 3 are in")).to_be_visible()
    assert axe_violations(other, axe_source) == []
    eve = User.objects.get(username="eve")
    assert eve.agenda_items.count() == 3

    # Ada stops sharing: the link is gone at once.
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.get_by_role("button", name="Share my agenda")).to_be_visible()
    assert other.goto(link).status == 404
    phone.close()


def test_a_visitor_not_logged_in_taps_a_star_logs_in_and_finds_it_saved(live_server, seed, page):
    """Pages for visitors who are not logged in hold no form token (they are the same bytes for
    everyone): the star asks to log in, and the save is done after the log-in."""
    base = live_server.url
    User.objects.create_user("grace", password=PASSWORD)
    page.goto(base + "/mlsys2025/2025-05-15/")
    assert page.locator("input[name=csrfmiddlewaretoken]").count() == 0
    marconi = page.locator("article.poster", has_text="Marconi: Prefix Caching")
    marconi.get_by_role("button", name="Save Marconi: Prefix Caching").click()
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert "to save “Marconi: Prefix Caching" in page.locator("main").inner_text()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/mlsys2025/2025-05-15/#poster-" in url)
    assert "Saved to your agenda: Marconi" in page.locator("body").inner_text()
    expect(
        page.locator("article.poster", has_text="Marconi: Prefix Caching").get_by_role(
            "button", name="Remove Marconi: Prefix Caching for the Era of Hybrid"
        )
    ).to_be_visible()


def test_an_item_removed_from_the_program_stays_until_dismissed(
    live_server, seed, page, browser, axe_source
):
    base = live_server.url
    sign_up(page, base, "ada")
    page.goto(base + "/mlsys2025/2025-05-15/")
    for title in ("Marconi: Prefix Caching", "Responsible Finetuning"):
        item = page.locator("article", has_text=title).first
        item.get_by_role("button", name=f"Save {title}").click()
        expect(item.get_by_role("button", name=f"Remove {title}")).to_be_visible()
    # The organizers take the poster out of the program.
    Poster.objects.filter(contribution__title__startswith="Marconi").delete()

    page.goto(base + "/agenda/")
    entry = page.locator("li.agenda-entry.is-removed")
    expect(entry).to_have_count(1)
    text = entry.inner_text()
    assert "Marconi: Prefix Caching for the Era of Hybrid LLMs" in text
    assert "Removed from the program" in text
    assert "Thu 15 May 1:15 p.m. – 2:40 p.m." in text  # the time it was saved with
    assert axe_violations(page, axe_source) == []
    assert no_horizontal_overflow(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name, width in (("phone", 360), ("desktop", 1280)):
            page.set_viewport_size({"width": width, "height": 800})
            assert no_horizontal_overflow(page)
            page.screenshot(path=f"/tmp/agenda-removed-{name}-{scheme}.png", full_page=True)
        assert axe_violations(page, axe_source) == []  # contrast in this scheme

    entry.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Removed from your agenda.")).to_be_visible()
    expect(page.locator("li.agenda-entry.is-removed")).to_have_count(0)
    assert "Responsible Finetuning" in page.locator("main").inner_text()
