"""Searching a conference's program (program/views/search.py): matching, filters, messages."""

import pytest

from program.views.search import RESULTS_PER_PAGE
from tests.factories import ContributionFactory, make_poster, make_talk
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def test_search_ignores_case_and_accents_and_counts_results(client, program):
    page = text_of(client.get("/mlsys2025/search/", {"q": "bother"}))
    assert "0 sessions, 1 poster, 0 talks, 1 person." in page
    assert "On Distributed Larger-Than-Memory Subset Selection" in page
    # The matched word is marked (text_of would read "<mark>" as a word break, so: the HTML).
    html = client.get("/mlsys2025/search/", {"q": "xgrammar"}).content.decode()
    assert "<mark>XGrammar</mark>: Structured Generation" in html
    page = text_of(client.get("/mlsys2025/search/", {"q": "KLIMOVIC subset"}))
    assert "1 poster" in page and "XGrammar" not in page


def test_search_filters_by_day_kind_and_room(client, program):
    room = program["room"].pk
    page = text_of(client.get("/mlsys2025/search/", {"day": "2025-05-15", "kind": "invited_talk"}))
    assert "1 session, 0 posters, 1 talk" in page
    page = text_of(client.get("/mlsys2025/search/", {"room": room}))
    assert "1 session, 2 posters, 0 talks" in page


def test_search_with_nothing_found_says_what_to_try(client, program):
    page = text_of(client.get("/mlsys2025/search/", {"q": "quantum teleportation"}))
    assert "Nothing matches." in page


@pytest.mark.parametrize(
    "params, field",
    [
        ({"day": "2025-13-45"}, "Day"),
        ({"day": "2024-05-15"}, "Day"),
        ({"kind": "banquet"}, "Kind"),
        ({"room": "abc"}, "Room"),
        ({"room": "999999"}, "Room"),
        ({"q": "x" * 300}, "Search"),
    ],
)
def test_invalid_filters_get_a_clear_message_not_an_error_page(client, program, params, field):
    response = client.get("/mlsys2025/search/", params)
    assert response.status_code == 400
    page = text_of(response)
    assert "Please check the search:" in page
    assert f"{field}:" in page


def test_results_mark_what_matched_ignoring_accents_and_stay_escaped(client, program):
    html = client.get("/mlsys2025/search/", {"q": "bother"}).content.decode()
    assert "Maximilian <mark>Böther</mark>" in html
    html = client.get("/mlsys2025/search/", {"q": "<mark>"}).content.decode()
    assert "<mark><mark></mark>" not in html


def test_search_lists_the_best_matches_first(client, program):
    make_poster(program["posters"], authors=["Xin Liu"], title="Lingering Caches", position=3)
    page = text_of(client.get("/mlsys2025/search/", {"q": "ling liu"}))
    assert "1 talk" in page and "1 poster" in page and "1 person." in page
    # A full name finds that person, not everyone who shares one of its words.
    assert "Xin Liu ·" not in page.split("People")[1].split("Posters")[0]
    page = text_of(client.get("/mlsys2025/search/", {"q": "i"}))
    assert "Nothing matches." in page


def test_search_ranks_posters_by_where_the_words_match(client, program):
    make_poster(program["posters"], title="Hardware", abstract="On subsets.", position=3)
    page = text_of(client.get("/mlsys2025/search/", {"q": "subset"}))
    assert page.index("On Distributed Larger-Than-Memory") < page.index("Hardware")


@pytest.mark.parametrize("query", ['"a" OR b*', "foo:", "'", "a & !b", "NEAR(x", "*", "\\"])
def test_operators_in_a_search_are_text_not_an_error(client, program, query):
    response = client.get("/mlsys2025/search/", {"q": query})
    assert response.status_code == 200
    assert client.get("/mlsys2025/papers/", {"q": query}).status_code == 200
    for endpoint in ("posters", "talks", "sessions", "people", "contributions"):
        assert client.get(f"/api/v1/{endpoint}/", {"q": query}).status_code == 200


def test_papers_not_scheduled_yet_are_found_apart_from_placed_ones(client, program):
    conference = program["conference"]
    ContributionFactory(conference=conference, title="Distributed Caches Without a Slot")
    page = text_of(client.get("/mlsys2025/search/", {"q": "distributed"}))
    # Both posters are in "Parallel and Distributed Systems"; the new paper has no slot.
    assert "2 posters" in page and "1 paper not scheduled yet" in page
    unscheduled = page.split("Accepted papers not scheduled yet")[1].split("Posters")[0]
    assert "Distributed Caches Without a Slot" in unscheduled
    assert "On Distributed Larger-Than-Memory" not in unscheduled


def test_talks_have_result_pages_of_their_own_beside_the_posters(client, program):
    for number in range(RESULTS_PER_PAGE + 2):
        make_talk(program["invited"], title=f"Subset talk {number:02}", position=number + 2)
    response = client.get("/mlsys2025/search/", {"q": "subset"})
    page = text_of(response)
    assert f"{RESULTS_PER_PAGE + 2} talks" in page and "1 poster" in page
    assert "Subset talk 49" in page and "Subset talk 50" not in page
    html = response.content.decode()
    assert 'href="?q=subset&amp;talk_page=2"' in html
    page = text_of(client.get("/mlsys2025/search/", {"q": "subset", "talk_page": "2"}))
    assert "Subset talk 50" in page and "Subset talk 51" in page and "Subset talk 49" not in page
    # The posters' list is still there, on its own first page.
    assert "On Distributed Larger-Than-Memory Subset Selection" in page


def test_marks_cover_word_starts_as_the_search_matched_them(client, program):
    make_poster(program["posters"], title="Paragraph graphs and GraphSAGE", position=3)
    html = client.get("/mlsys2025/search/", {"q": "graph"}).content.decode()
    assert "Paragraph <mark>graph</mark>s and <mark>Graph</mark>SAGE" in html
    html = client.get("/mlsys2025/search/", {"q": "kv-cache"}).content.decode()
    assert "<mark>" not in html.split("Results")[1]  # nothing matches: no stray marks
