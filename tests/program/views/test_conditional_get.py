"""Every program page answers a repeat visit with 304 Not Modified until the program changes
(conditional() in program/views/common.py)."""

import pytest

from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_a_repeat_visit_gets_304_until_the_program_changes(client, program):
    url = "/mlsys2025/2025-05-15/"
    first = client.get(url)
    # The first revisit, now with the CSRF cookie the first visit set, already matches.
    etag = first["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    poster = program["first"]
    poster.contribution.title = "A corrected title"
    poster.contribution.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "A corrected title" in text_of(changed)
    assert first.status_code == 200
