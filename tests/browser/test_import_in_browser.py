"""A large upload on the admin's import page in a real Chromium: the page waits for the task
worker without being reloaded by hand, shows the worker's count as it goes, then the preview;
no CSP violation, and axe finds nothing on the waiting page."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from program.importing import background
from program.models import PendingImport
from tests.browser.conftest import axe_violations
from tests.browser.test_csp_in_browser import violations, watched  # noqa: F401 (a fixture)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

DEMOCON = Path(__file__).resolve().parents[1] / "data" / "c3voc" / "pretalx-democon.json"


def test_the_import_page_follows_the_worker_then_shows_the_preview(
    live_server,
    settings,
    tmp_path,
    monkeypatch,
    watched,  # noqa: F811 (the fixture imported above)
    axe_source,
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(background, "LARGE_BYTES", 1000)
    base = live_server.url
    # A superuser: the Organizers group (made by a migration) is gone in transactional tests.
    UserFactory(username="root", is_staff=True, is_superuser=True)
    watched.goto(base + "/admin/login/?next=/admin/program/conference/import/")
    watched.get_by_label("Username").fill("root")
    watched.get_by_label("Password").fill(PASSWORD)
    watched.get_by_role("button", name="Log in").click()
    watched.get_by_label("Conference").fill("democon")
    watched.get_by_label("File").set_input_files(str(DEMOCON))
    watched.get_by_role("button", name="Preview").click()

    status = watched.locator("#import-progress")
    expect(status).to_have_text("Waiting for the task worker…")
    assert axe_violations(watched, axe_source) == []
    pending = PendingImport.objects.get()
    background.save_state(
        pending.token,
        user=pending.user_id,
        stage="reading",
        what="Posters and talks",
        done=12,
        total=36,
    )
    expect(status).to_have_text("Reading… Posters and talks: 12 of 36")  # in place, by the script
    assert watched.locator("#import-bar").get_attribute("value") == "12"

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(watched.locator("#import-totals")).to_contain_text("36 talks added", timeout=20_000)
    assert violations(watched) == [] and watched.errors == []
