"""Similar papers: for each contribution, up to five others of its conference on the same topic.

TF-IDF over each paper's title, keywords and abstract (scikit-learn's ``TfidfVectorizer``: a
well-kept implementation that works the same on SQLite and PostgreSQL, and ranks by the words
that set papers apart, not the ones every paper uses), cosine similarity between the vectors, and
the five best above a floor. The title and keywords weigh more than the abstract (they are
repeated), and pairs of words count as well as words ("speculative decoding", "kv cache").

Computed for a whole conference at once (about a second for 4,500 papers), when the program
changes, never while a visitor waits: ``refresh(conference)`` writes the lists in one go, and
pages read them with the contribution.
"""

from __future__ import annotations

from collections.abc import Iterable

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

SHOWN = 5
# Below this cosine similarity two papers only share common words.
FLOOR = 0.08


def document(title: str, keywords: Iterable[str], abstract: str) -> str:
    words = " ".join(keywords)
    return f"{title} {title} {words} {words} {abstract}"


def most_similar(documents: dict[int, str], *, shown: int = SHOWN) -> dict[int, list[int]]:
    """For each key, the keys of the most similar documents (best first), at most ``shown``."""
    keys = list(documents)
    if len(keys) < 2:
        return {key: [] for key in keys}
    vectors = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=1,
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
            result[keys[index]] = [keys[other] for other in best if row[other] >= FLOOR]
    return result
