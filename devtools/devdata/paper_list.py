"""A Mini-Conf paper list of any size (``papers.csv`` and its ``main_calendar.json``), for the
import benchmark: the shape in which ML conferences publish accepted papers.

Deterministic for a seed. Authors come from a pool of about two names per three author slots, so
people write several papers, as they do, and some names are shared by different people (the
importer finds them by name as the API does). Papers go to poster sessions of a few days; one
in 25 is in no session (accepted, not scheduled).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random

from devtools.devdata import names, texts

SESSIONS_PER_DAY = 4
SESSION_LENGTH = datetime.timedelta(hours=2)
UNSCHEDULED_EVERY = 25


def paper_list(
    *, papers: int, author_slots: int, days: int = 4, seed: int = 1
) -> tuple[bytes, bytes]:
    """``(papers.csv, main_calendar.json)`` as bytes."""
    rng = random.Random(seed)
    pool = [names.random_person(rng).name for _ in range(max(1, author_slots * 2 // 3))]
    start = datetime.datetime(2026, 4, 27, 9, tzinfo=datetime.UTC)
    sessions = [
        (
            f"Poster Day {day + 1} Session {number + 1} (P{day + 1}S{number + 1})",
            start + datetime.timedelta(days=day, hours=2 * number),
        )
        for day in range(days)
        for number in range(SESSIONS_PER_DAY)
    ]
    calendar = [
        {
            "title": title,
            "start": starts.isoformat(),
            "end": (starts + SESSION_LENGTH).isoformat(),
            "calendarId": "---",
        }
        for title, starts in sessions
    ]
    # Slots spread so that the list has exactly ``author_slots`` authors, 1 to 15 a paper.
    counts = [1] * papers
    for _ in range(max(0, author_slots - papers)):
        counts[rng.randrange(papers)] += 1
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["UID", "title", "authors", "abstract", "keywords", "sessions"])
    for number, count in enumerate(counts):
        authors = list(dict.fromkeys(rng.choice(pool) for _ in range(count)))
        while len(authors) < count:  # a paper names each author once
            authors = list(dict.fromkeys([*authors, rng.choice(pool)]))
        session = "" if number % UNSCHEDULED_EVERY == 0 else rng.choice(sessions)[0]
        writer.writerow(
            [
                f"P{seed}-{number:05d}",
                texts.paper_title(rng),
                "|".join(authors),
                texts.abstract(rng),
                "|".join(rng.sample(texts.TOPICS, 2)),
                session,
            ]
        )
    return out.getvalue().encode(), json.dumps(calendar).encode()
