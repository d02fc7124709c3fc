"""Hearing about changes in a real Chromium: My agenda's "What changed since your last visit"
and its addresses for other apps with QR codes, the account's mail and reminder settings, and
the unsubscribe page; axe-clean, no sideways scrolling, light and dark, phone and desk."""

import os
from pathlib import Path

import pytest
from django.test import override_settings

from accounts.digest import send_change_digests
from accounts.mail import unsubscribe_token
from accounts.services import save_to_agenda
from program.models import Session
from tests.browser.conftest import axe_violations, no_horizontal_overflow
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-digest"))


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@override_settings(CHANGE_DIGEST_DELAY=0)
def test_an_attendee_sees_what_changed_and_where_to_load_the_agenda(
    live_server, seed, browser, axe_source
):
    ada = UserFactory(username="ada", change_mail=True, timezone="Europe/Berlin")
    session_10 = Session.objects.get(title__startswith="Session 10")
    save_to_agenda(user=ada, item=session_10)
    save_to_agenda(user=ada, item=Session.objects.get(title__startswith="Session 12"))
    session_10.starts_at = session_10.starts_at.replace(hour=session_10.starts_at.hour + 1)
    session_10.save()
    send_change_digests.call(seed.pk)

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    for width, scheme in ((390, "light"), (390, "dark"), (1280, "light"), (1280, "dark")):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, locale="en-GB"
        )
        page = context.new_page()
        log_in(page, base, "ada")
        page.goto(base + "/agenda/")
        news = page.locator("section.agenda-news")
        assert "What changed since your last visit" in news.inner_text()
        assert "Session 10" in news.inner_text()
        assert page.locator(".app-address svg.qr-code").count() == 3
        assert axe_violations(page, axe_source) == []
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(SHOTS / f"agenda-{width}-{scheme}.png"), full_page=True)
        page.goto(base + "/accounts/")
        assert page.get_by_label("Calendar reminder").is_visible()
        assert axe_violations(page, axe_source) == []
        page.screenshot(path=str(SHOTS / f"account-{width}-{scheme}.png"), full_page=True)
        context.close()

    page = browser.new_context(viewport={"width": 390, "height": 740}).new_page()
    page.goto(base + f"/accounts/unsubscribe/{unsubscribe_token(ada)}/")
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Stop these mails").click()
    assert "no more mails" in page.locator("main").inner_text()
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=str(SHOTS / "unsubscribed-390-light.png"), full_page=True)
    ada.refresh_from_db()
    assert not ada.change_mail
    page.context.close()
