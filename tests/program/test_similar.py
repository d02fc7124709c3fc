"""Similar papers (program/search/similar.py): pairs chosen from the seed, each on one technique,
find each other; a paper is never similar to itself; a conference of one paper has none."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from program.changes import conference_changed
from program.models import Conference, Contribution
from program.search.similar import document, most_similar

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


# Stored lists, their refresh after a change, and the pages that show them.


def stored(conference) -> dict[str, list[str]]:
    from program.models import SimilarContribution

    lists: dict[str, list[str]] = {}
    for link in SimilarContribution.objects.filter(
        contribution__conference=conference
    ).select_related("contribution", "similar"):
        lists.setdefault(link.contribution.title, []).append(link.similar.title)
    return lists


def test_refresh_stores_what_it_computes_and_a_second_refresh_changes_nothing(seed):
    from program.search import similar

    changed = similar.refresh(seed)
    expected = {title: others for title, others in similar_titles(seed).items() if others}
    assert changed == len(expected) >= 6
    assert stored(seed) == expected
    seed.refresh_from_db()
    marked = seed.program_changed_at
    assert similar.refresh(seed) == 0
    seed.refresh_from_db()
    assert seed.program_changed_at == marked  # nothing new: kept pages stay valid


def test_a_poster_page_and_a_paper_page_list_the_similar_papers(seed, client):
    from program.models import Poster
    from program.search import similar

    similar.refresh(seed)
    poster = Poster.objects.filter(
        session__conference=seed, contribution__title__startswith="Photon: Federated"
    ).get()
    page = client.get(poster.get_absolute_url()).content.decode()
    assert "Similar papers" in page
    fed = Contribution.objects.get(title__startswith="FedProphet")
    assert f'href="{fed.get_absolute_url()}"' in page
    paper = client.get(fed.get_absolute_url()).content.decode()
    assert "Similar papers" in paper and poster.contribution.title[:30] in paper


# The task runner runs in this process, as ``manage.py db_worker --batch``: it closes a database
# connection left in a transaction, so these tests commit for real (transactional database).


def refreshes(results):
    """The similar-papers refreshes queued (a change queues the change digest too)."""
    return results.objects.filter(task_path__endswith="refresh_similar_papers")


@pytest.fixture
def loaded(transactional_db):
    """The seed loaded (one transaction, which queued one refresh) and its lists computed."""
    from django_tasks_db.models import DBTaskResult

    from program.search import similar

    call_command("load_program", str(settings.PROGRAM_FIXTURE), verbosity=0)
    assert refreshes(DBTaskResult).count() == 1  # one for the whole load
    DBTaskResult.objects.all().delete()
    conference = Conference.objects.get(slug="mlsys2025")
    similar.refresh(conference)
    return conference


def test_a_changed_abstract_queues_one_refresh_that_the_task_runner_does(loaded):
    """The request (here a save) only queues the work; ``db_worker`` does it after the commit."""
    from django_tasks_db.models import DBTaskResult

    seed = loaded
    photon = Contribution.objects.get(title__startswith="Photon: Federated")
    lonely = (
        Contribution.objects.filter(conference=seed)
        .exclude(title__icontains="federated")
        .exclude(abstract__icontains="federated")
        .first()
    )
    assert lonely.title not in stored(seed)[photon.title]
    with transaction.atomic():
        lonely.abstract = photon.abstract
        lonely.save()
        photon.save()  # a second change in the same transaction: still one task
        assert refreshes(DBTaskResult).count() == 0  # queued after the commit, not before
    assert refreshes(DBTaskResult).count() == 1
    assert lonely.title not in stored(seed)[photon.title]  # not done by the save itself

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert refreshes(DBTaskResult).get().status == "SUCCESSFUL"
    assert stored(seed)[photon.title][0] == lonely.title


def test_an_import_and_a_delete_queue_a_refresh_too(loaded):
    from django_tasks_db.models import DBTaskResult

    seed = loaded
    conference_changed(seed)  # what an import does after its bulk writes
    Contribution.objects.filter(conference=seed, title__startswith="Photon").delete()
    assert refreshes(DBTaskResult).count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not any(
        title.startswith("Photon") for others in stored(seed).values() for title in others
    )


def test_generated_papers_find_papers_on_their_topics():
    """A generated paper's title is built around one of 24 topics ("federated learning",
    "KV-cache compression", ...) and its abstract around two more, with filler words every paper
    shares. A paper's similar papers should share one of its topics: measured here, about 90% of the
    listed ones do, against 48% of all pairs (what listing papers at random would give)."""
    from devtools.devdata.generation import generate_program
    from devtools.devdata.texts import TOPICS
    from program.models import SimilarContribution
    from program.search import similar

    generate_program(slug="gensim", posters=300, sessions=12, days=2, people=300, rooms=3)
    conference = Conference.objects.get(slug="gensim")
    similar.refresh(conference)
    topics = {
        paper.pk: {t for t in TOPICS if t.lower() in f"{paper.title} {paper.abstract}".lower()}
        for paper in Contribution.objects.filter(conference=conference)
    }
    links = SimilarContribution.objects.filter(contribution__conference=conference)
    pairs = [(link.contribution_id, link.similar_id) for link in links]
    assert len(pairs) > 1000
    shared = sum(bool(topics[a] & topics[b]) for a, b in pairs) / len(pairs)
    everyone = [(a, b) for a in topics for b in topics if a != b]
    chance = sum(bool(topics[a] & topics[b]) for a, b in everyone) / len(everyone)
    assert shared >= 0.85 and chance <= 0.6, (shared, chance)
