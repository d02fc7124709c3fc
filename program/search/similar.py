"""Similar papers: for each contribution, up to five others of its conference on the same topic.

TF-IDF (scikit-learn) over title, keywords and abstract, cosine similarity, and the five best
above a floor, stored as ``SimilarContribution`` rows. Computed for a whole conference at once
(seconds for 4,500 papers), never while anybody waits: after a change to a conference's papers
commits (``program.changes``), the task worker calls ``refresh(conference)``; pages read the
lists with the contribution.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from program.models import Conference, Contribution, SimilarContribution

SHOWN = 5
# Below this cosine similarity two papers only share common words.
FLOOR = 0.08
# From this many papers, words in more than half of them are left out.
COMMON_WORDS_FROM = 200


def document(title: str, keywords: Iterable[str], abstract: str) -> str:
    """The text TF-IDF reads: title and keywords twice, so they weigh more than the abstract."""
    words = " ".join(keywords)
    return f"{title} {title} {words} {words} {abstract}"


def most_similar(documents: dict[int, str], *, shown: int = SHOWN) -> dict[int, list[int]]:
    """For each key, the keys of the most similar documents (best first), at most ``shown``."""
    return {
        key: [other for other, _score in others]
        for key, others in scored(documents, shown=shown).items()
    }


def scored(documents: dict[int, str], *, shown: int = SHOWN) -> dict[int, list[tuple[int, float]]]:
    """For each key, (key, cosine similarity) of the most similar documents, best first."""
    keys = list(documents)
    if len(keys) < 2:
        return {key: [] for key in keys}
    vectors = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=1,
        # In a big program, words in most papers ("model", "system") set none apart and make
        # the vectors' products dense: without them 4,500 papers compare in a second, not five.
        # A program of a few dozen papers has too few to tell which words those are.
        max_df=0.5 if len(keys) >= COMMON_WORDS_FROM else 1.0,
        strip_accents="unicode",
    ).fit_transform(documents[key] for key in keys)
    result = {}
    # A block of rows at a time: the full matrix of 4,500 papers would be 160 MB of floats.
    for start in range(0, len(keys), 500):
        scores = linear_kernel(vectors[start : start + 500], vectors)
        for offset, row in enumerate(scores):
            index = start + offset
            row[index] = 0  # not similar to itself
            best = row.argsort()[::-1][:shown]
            result[keys[index]] = [
                (keys[other], round(float(row[other]), 4)) for other in best if row[other] >= FLOOR
            ]
    return result


def refresh(conference) -> int:
    """Recompute the conference's similar contributions; rewrite the lists that changed.

    Returns how many contributions got a new list."""
    rows = Contribution.objects.filter(conference=conference).values_list(
        "pk", "title", "keywords", "abstract"
    )
    found = scored(
        {pk: document(title, keywords, abstract) for pk, title, keywords, abstract in rows}
    )
    with transaction.atomic():
        # One refresh of a conference at a time: a second waits, then compares with the first's.
        Conference.objects.select_for_update().filter(pk=conference.pk).first()
        kept: dict[int, list[tuple[int, float]]] = {}
        for link in SimilarContribution.objects.filter(
            contribution__conference=conference
        ).order_by("contribution", "rank"):
            kept.setdefault(link.contribution_id, []).append((link.similar_id, link.score))
        stale = {pk for pk in found.keys() | kept.keys() if found.get(pk, []) != kept.get(pk, [])}
        if not stale:
            return 0
        SimilarContribution.objects.filter(contribution__in=stale).delete()
        SimilarContribution.objects.bulk_create(
            SimilarContribution(contribution_id=pk, similar_id=other, rank=rank, score=score)
            for pk in stale
            for rank, (other, score) in enumerate(found.get(pk, []), start=1)
        )
    return len(stale)
