"""Every response carries a Content-Security-Policy without 'unsafe-inline' and a
Permissions-Policy; no template holds an inline script or style (the browser tests check that
the pages, the API docs and the admin still work under it)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/conferences/", "/api/v1/conferences/", "/api/v1/docs/"])
def test_csp_and_permissions_policy_on_pages_and_the_api(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_the_api_docs_load_their_script_and_style_from_files(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="en">' in page  # for screen readers: the template is our own copy
    assert "<style" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    script = client.get("/api/v1/docs/?script")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


# The embedded program's one <style> (its accent colour) is allowed by its hash in the policy
# that page writes itself (program/views/embed.py; tests/program/views/test_embed.py).
HASHED_STYLE = {"embed.html"}


def test_no_template_has_an_inline_script_style_or_event_handler():
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        if path.name in HASHED_STYLE:
            text = text.replace("<style>{{ style }}</style>", "")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"<style\b", text)
            or re.search(r"\sstyle=", text)
            or re.search(r"\son[a-z]+=", text)
        ):
            offenders.append(path.name)
    assert offenders == []
