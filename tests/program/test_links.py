"""Typed links on people, posters and talks: pages, the API, and the old bare URLs."""

import pytest

from program.models import Person, Poster

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAPER = {"kind": "paper", "url": "https://proceedings.mlsys.org/paper/2025/1"}
CODE = {"kind": "code", "url": "https://github.com/mlsys/subsets"}


def test_organizers_give_a_poster_typed_links_that_pages_and_the_api_show(
    organizer_client, client, seed
):
    poster = Poster.objects.order_by("uid").first()
    response = organizer_client.patch(
        f"{API}/posters/{poster.pk}/", {"links": [PAPER, CODE]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["links"] == [PAPER, CODE]
    poster.refresh_from_db()
    assert poster.links == [PAPER, CODE]
    page = client.get(poster.get_absolute_url()).content.decode()
    assert f'<a href="{PAPER["url"]}" rel="nofollow noopener">Paper</a>' in page
    assert f'<a href="{CODE["url"]}" rel="nofollow noopener">Code</a>' in page
    assert client.get(f"{API}/posters/{poster.pk}/").json()["links"] == [PAPER, CODE]


@pytest.mark.parametrize(
    "links",
    [
        [{"kind": "paper", "url": "javascript:alert(1)"}],
        [{"kind": "podcast", "url": "https://example.org"}],
        [{"url": "https://example.org"}],
        ["https://example.org"],
        {"kind": "paper"},
    ],
)
def test_a_bad_link_is_a_400_and_changes_nothing(organizer_client, seed, links):
    poster = Poster.objects.order_by("uid").first()
    response = organizer_client.patch(
        f"{API}/posters/{poster.pk}/", {"links": links}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "links" in response.json()
    poster.refresh_from_db()
    assert poster.links == []


def test_a_persons_links_are_labelled_by_kind(client, seed):
    ling = Person.objects.get(conference=seed, slug="ling-liu")
    ling.links = [
        {"kind": "homepage", "url": "https://example.org/~ling"},
        {"kind": "orcid", "url": "https://orcid.org/0000-0002-1825-0097"},
    ]
    ling.save()
    page = client.get(ling.get_absolute_url()).content.decode()
    assert '<a href="https://example.org/~ling" rel="nofollow noopener">Homepage</a>' in page
    assert ">ORCID</a>" in page
    person = client.get(f"{API}/people/{ling.pk}/").json()
    assert person["links"][1] == {"kind": "orcid", "url": "https://orcid.org/0000-0002-1825-0097"}
