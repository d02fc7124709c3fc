"""The item pages (program/views/items.py): a poster, a talk, a person."""

import pytest

from tests.factories import ConferenceFactory, SessionFactory, make_poster
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_poster_talk_and_person_pages_show_their_item(client, program):
    poster, talk = program["first"], program["talk"]
    pages = {
        f"/mlsys2025/posters/{poster.pk}/": "On Distributed Larger-Than-Memory Subset Selection",
        f"/mlsys2025/talks/{talk.pk}/": "Responsible Finetuning of LLMs",
        "/mlsys2025/people/ana-klimovic/": "XGrammar: Structured Generation",
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert expected in text_of(response), path


def test_poster_page_links_authors_and_the_next_poster(client, program):
    html = client.get(f"/mlsys2025/posters/{program['first'].pk}/").content.decode()
    assert 'href="/mlsys2025/people/ana-klimovic/"' in html
    assert f'href="/mlsys2025/posters/{program["second"].pk}/"' in html
    assert "Breadcrumb" in html


def test_person_page_lists_all_their_posters(client, program):
    page = text_of(client.get("/mlsys2025/people/ana-klimovic/"))
    assert "On Distributed Larger-Than-Memory Subset Selection" in page
    assert "XGrammar: Structured Generation" in page


def test_items_of_another_conference_are_not_found_under_this_one(client, program):
    other = ConferenceFactory(slug="other")
    foreign = make_poster(SessionFactory(conference=other), authors=["Someone Else"])
    assert client.get(f"/mlsys2025/posters/{foreign.pk}/").status_code == 404
    assert client.get(f"/mlsys2025/sessions/{foreign.session.pk}/").status_code == 404
    assert client.get("/mlsys2025/people/someone-else/").status_code == 404
    assert client.get("/mlsys2025/people/nobody-at-all/").status_code == 404
