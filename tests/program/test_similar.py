"""Similar papers (program/similar.py): pairs chosen from the seed, each on one technique, find
each other; a paper is never similar to itself; a conference of one paper has none."""

import pytest

from program.models import Contribution
from program.similar import document, most_similar

pytestmark = pytest.mark.django_db


def similar_titles(seed) -> dict[str, list[str]]:
    papers = {c.pk: c for c in Contribution.objects.filter(conference=seed)}
    found = most_similar(
        {pk: document(c.title, c.keywords, c.abstract) for pk, c in papers.items()}
    )
    return {
        papers[pk].title: [papers[other].title for other in others] for pk, others in found.items()
    }


@pytest.mark.parametrize(
    "paper, expected",
    [
        # Both on pipeline parallelism for training.
        (
            "Balancing Pipeline Parallelism with Vocabulary Parallelism",
            "Scaling Deep Learning Training with MPMD Pipeline Parallelism",
        ),
        # Both overlap computation with communication.
        (
            "COMET: Fine-grained Computation-communication Overlapping",
            "TileLink: Generating Efficient Compute-Communication",
        ),
        # Both federated learning.
        (
            "FedProphet: Memory-Efficient Federated Adversarial",
            "Photon: Federated LLM Pre-Training",
        ),
    ],
)
def test_papers_on_one_technique_find_each_other(seed, paper, expected):
    """Titles are given by how they begin; the expected one is among the three most similar."""
    titles = similar_titles(seed)
    (found,) = [title for title in titles if title.startswith(paper[:40])]
    assert any(title.startswith(expected[:40]) for title in titles[found][:3]), titles[found]


def test_no_paper_is_its_own_neighbour_and_one_paper_has_none(seed):
    for title, others in similar_titles(seed).items():
        assert title not in others and len(others) <= 5
    assert most_similar({1: "a lonely paper"}) == {1: []}
