"""Offline in a real Chromium: the service worker keeps the program pages an attendee opened,
shows them offline with the time they were saved, refuses to save without a connection, shows
the program's changes again once back online, and forgets the kept pages at log-out or when
the session they were kept for ends or changes without a form (a shared phone); the site is
installable (a valid manifest with a name and icons)."""

import re
import threading
import time

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.test import Client
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from accounts.models import AgendaItem
from program.models import Session
from tests.browser.conftest import (
    CHROMIUM_FLAGS,
    axe_violations,
    chromium_path,
    no_horizontal_overflow,
)
from tests.factories import PASSWORD, UserFactory
from web import session_marker

pytestmark = pytest.mark.browser

DAY = "/mlsys2025/2025-05-15/"
EMPTY_DAY = "/mlsys2025/2025-05-14/"
# "... saved on Mon 30 Nov, 2:02 p.m." (one full stop).
SAVED_NOTE = re.compile(
    r"^You are offline\. This page was saved on \w{3} \d{1,2} \w{3}, \d{1,2}:\d\d [ap]\.m\.$"
)
OFFLINE_SAVE = "You are offline: saving needs a connection. Try again when you are back online."


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/agenda/")


def wait_until_kept(page, *urls):
    """Until the service worker is active and has kept a copy of each address. (Not "controls
    the page": a page whose request left before the worker activated is never controlled; it
    asks the active worker to keep it, and the pages opened after it are controlled.)"""
    try:
        # Longer than the page's default: two suites' browsers at once slow the worker's install.
        page.wait_for_function(
            "async () => !!(await navigator.serviceWorker.getRegistration())?.active",
            timeout=30_000,
        )
    except PlaywrightTimeoutError:
        state = page.evaluate(WORKER_STATE)  # where the worker stopped
        raise AssertionError(f"the service worker never became active: {state}") from None
    deadline = time.monotonic() + 15
    while True:
        kept = page.evaluate(
            "async (urls) => (await Promise.all(urls.map((url) => caches.match(url))))"
            ".map((found) => !!found)",
            list(urls),
        )
        if all(kept):
            return
        assert time.monotonic() < deadline, f"not kept: {dict(zip(urls, kept, strict=True))}"
        time.sleep(0.1)


WORKER_STATE = """async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    if (!registration) return "not registered";
    const state = (worker) => (worker ? worker.state : "none");
    return `installing: ${state(registration.installing)}, waiting: ${state(registration.waiting)}`
        + `, active: ${state(registration.active)}, url: ${location.href}`;
}"""


def offline_note(page):
    return page.locator("main .offline-note")


def test_kept_pages_show_offline_saving_is_refused_and_changes_show_once_online(
    live_server, seed, page, axe_source
):
    base = live_server.url
    UserFactory(username="ada")
    log_in(page, base, "ada")
    wait_until_kept(page, base + "/agenda/")  # the worker controls the pages opened from here
    for path in (DAY, EMPTY_DAY, "/mlsys2025/", "/agenda/"):
        page.goto(base + path)
        assert offline_note(page).count() == 0
    wait_until_kept(page, *(base + path for path in (DAY, EMPTY_DAY, "/mlsys2025/", "/agenda/")))

    page.context.set_offline(True)
    page.goto(base + DAY)
    expect(offline_note(page)).to_have_text(SAVED_NOTE)
    assert page.locator("article.poster", has_text="Marconi: Prefix Caching").count() == 1
    # The page's own styles came from the device too.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert axe_violations(page, axe_source) == []
    assert no_horizontal_overflow(page)

    # Between days and the overview, all opened before.
    page.get_by_role("link", name="MLSys 2025", exact=True).click()
    page.wait_for_url(base + "/mlsys2025/")
    expect(offline_note(page)).to_be_visible()
    page.goto(base + EMPTY_DAY)
    expect(offline_note(page)).to_be_visible()
    page.get_by_role("navigation", name="Days").get_by_role("link", name="Thu 15 May").click()
    page.wait_for_url(base + DAY)
    expect(offline_note(page)).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Thursday")

    # Saving needs a connection: a clear message, nothing sent, the page stays.
    marconi = page.locator("article.poster", has_text="Marconi: Prefix Caching")
    marconi.get_by_role("button", name="Save Marconi: Prefix Caching").click()
    status = page.locator("#agenda-status")
    expect(status).to_have_text(OFFLINE_SAVE)
    expect(status).to_be_visible()
    assert page.url == base + DAY
    assert not AgendaItem.objects.exists()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="My agenda").click()
    page.wait_for_url(base + "/agenda/")
    expect(offline_note(page)).to_be_visible()
    expect(page.locator("h1")).to_have_text("My agenda")

    # A page never opened: the offline page, not the browser's error.
    session = Session.objects.get(title__startswith="Session 11")
    page.goto(base + session.get_absolute_url())
    expect(page.locator("h1")).to_have_text("You are offline")

    # Back online, an organizer renames a session: the page shows it, without the note.
    page.goto(base + DAY)
    page.context.set_offline(False)
    expect(offline_note(page)).to_contain_text("You are back online.")
    renamed = Session.objects.get(title__startswith="Session 10")
    renamed.title = "Session 10: Serving Large Models"
    renamed.save()
    offline_note(page).get_by_role("link", name="Load the current version of this page").click()
    expect(page.locator("main")).to_contain_text("Session 10: Serving Large Models")
    expect(offline_note(page)).to_have_count(0)
    # ... and the kept copy is the new one.
    page.context.set_offline(True)
    page.reload()
    expect(offline_note(page)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Session 10: Serving Large Models")


def test_a_page_claimed_by_the_worker_before_its_script_ran_is_kept(
    live_server, seed, page, monkeypatch
):
    """A page fetched from the network while the worker installs, and claimed by the worker
    before the page's script runs, finds a controller there already: it must still ask to be
    kept (it did not come through the worker). It once asked nothing, and stayed unkept."""
    base = live_server.url
    offline_page = reverse("offline")
    installed = threading.Event()
    get_response = BaseHandler.get_response

    def held(handler, request):
        # The worker's install fetches the offline page: it waits here until the test lets it.
        if request.path == offline_page:
            installed.wait(20)
        return get_response(handler, request)

    monkeypatch.setattr(BaseHandler, "get_response", held)
    page.goto(base + "/mlsys2025/")  # registers the worker; its install waits
    page.wait_for_function("async () => !!(await navigator.serviceWorker.getRegistration())")

    held_scripts = []
    page.route("**/offline*.js", lambda route: held_scripts.append(route))  # let through below
    page.goto(base + DAY, wait_until="commit")  # from the network: no worker is active yet
    deadline = time.monotonic() + 15
    while not held_scripts:
        assert time.monotonic() < deadline, "the page never asked for its script"
        page.wait_for_timeout(50)
    installed.set()  # the worker installs, activates and claims the page (skipWaiting, claim)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    held_scripts[0].continue_()
    page.wait_for_load_state()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].workerStart") == 0
    wait_until_kept(page, base + DAY)


def test_log_out_forgets_the_kept_pages(live_server, seed, page):
    base = live_server.url
    UserFactory(username="ada")
    log_in(page, base, "ada")
    # My agenda opened before the worker controlled it: the page asks the worker to keep it once
    # it does. Leaving it before then would leave it unkept (this failed under load).
    wait_until_kept(page, base + "/agenda/")
    page.goto(base + DAY)
    wait_until_kept(page, base + "/agenda/", base + DAY)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    for path in ("/agenda/", DAY):
        assert page.evaluate("async (url) => !!(await caches.match(url))", base + path) is False

    page.context.set_offline(True)
    page.goto(base + "/agenda/")
    expect(page.locator("h1")).to_have_text("You are offline")
    assert "ada" not in page.locator("body").inner_text()


def wait_until_forgotten(page, url):
    deadline = time.monotonic() + 15
    while page.evaluate("async (url) => !!(await caches.match(url))", url):
        assert time.monotonic() < deadline, f"still kept: {url}"
        time.sleep(0.1)


def test_a_session_expired_on_a_shared_phone_leaves_no_private_page_offline(
    live_server, seed, page
):
    """No form sent: the session cookie expires (and the marker cookie with it, as the server
    sets them with one lifetime), then the phone goes offline. My agenda is not shown; the kept
    private pages are forgotten."""
    base = live_server.url
    UserFactory(username="ada")
    log_in(page, base, "ada")
    wait_until_kept(page, base + "/agenda/")
    page.goto(base + DAY)
    wait_until_kept(page, base + "/agenda/", base + DAY)

    cookies = page.context.cookies()
    names = {cookie["name"] for cookie in cookies}
    assert {settings.SESSION_COOKIE_NAME, session_marker.COOKIE} <= names
    soon = time.time() + 1
    page.context.add_cookies(
        [
            {**cookie, "expires": soon}
            for cookie in cookies
            if cookie["name"] in (settings.SESSION_COOKIE_NAME, session_marker.COOKIE)
        ]
    )
    time.sleep(1.5)
    assert not {cookie["name"] for cookie in page.context.cookies()} & {
        settings.SESSION_COOKIE_NAME,
        session_marker.COOKIE,
    }

    page.context.set_offline(True)
    page.goto(base + "/agenda/")
    expect(page.locator("h1")).to_have_text("You are offline")
    assert "ada" not in page.locator("body").inner_text()
    page.goto(base + DAY)  # kept only as ada saw it
    expect(page.locator("h1")).to_have_text("You are offline")
    for path in ("/agenda/", DAY):
        wait_until_forgotten(page, base + path)


def test_the_next_page_online_for_another_session_forgets_the_last_ones_pages(
    live_server, seed, page
):
    """Someone else's session on the same browser, no form sent through the worker: the first
    page from the network says so, and the last session's pages go."""
    base = live_server.url
    UserFactory(username="ada")
    log_in(page, base, "ada")
    wait_until_kept(page, base + "/agenda/")

    other = Client()
    other.force_login(UserFactory(username="bob"))
    session_key = other.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}]
    )
    page.goto(base + DAY)
    wait_until_forgotten(page, base + "/agenda/")
    wait_until_kept(page, base + DAY)  # as bob sees it
    page.context.set_offline(True)
    page.goto(base + DAY)
    expect(offline_note(page)).to_be_visible()
    assert "bob" in page.locator("body").inner_text()


def test_the_site_is_installable_with_the_conference_name_and_icons(
    live_server, seed, browser, tmp_path
):
    base = live_server.url
    # A profile of its own: Chromium does not offer to install from an off-the-record one.
    context = browser.browser_type.launch_persistent_context(
        tmp_path, executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )
    try:
        page = context.new_page()
        page.goto(base + DAY)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == base + "/manifest.webmanifest"
        assert manifest["errors"] == []
        parsed = manifest["manifest"]
        assert parsed["name"] == "MLSys 2025 program"
        assert parsed["startUrl"] == base + "/mlsys2025/"
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []

        worker = page.request.get(base + "/sw.js")
        assert worker.headers["content-type"] == "text/javascript; charset=utf-8"
        assert worker.headers["service-worker-allowed"] == "/"
        scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
        assert scope == base + "/"
    finally:
        context.close()
