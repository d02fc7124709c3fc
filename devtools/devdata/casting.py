"""Who presents what: the generated people, papers with their authors, talks with speakers.

``cast_program`` fills a ``Draft`` whose sessions are made: poster sessions get papers of 1 to 15
authors, plenaries one talk by a well-known speaker, oral sessions the rest of the talks. Every
``SPOTLIGHT_EVERY``-th paper is also presented as a talk in an oral session (one contribution, two
slots), and a few accepted papers have no slot yet. The ``PeoplePicker`` sees to it that everyone
generated is named at least once and a few people on many papers, as at a real conference.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random

from django.core.exceptions import ValidationError

from devtools.devdata import texts
from devtools.devdata.draft import Draft
from devtools.devdata.names import AFFILIATIONS, random_person
from devtools.devdata.planning import PLENARY_KINDS
from program.models import (
    Authorship,
    Contribution,
    Person,
    Poster,
    PresentationType,
    Session,
    SessionKind,
    Talk,
    Track,
)

# Cumulative weights of 1 to 15 authors on a poster: most papers have 3 to 8.
AUTHOR_COUNTS = list(itertools.accumulate([2, 4, 9, 12, 14, 14, 13, 10, 7, 5, 4, 3, 2, 1, 1]))
TALKS_PER_ORAL_SESSION = 4
# Every so many papers with a poster are also presented as a talk in an oral session.
SPOTLIGHT_EVERY = 25
# One accepted paper without a slot for so many posters.
UNSCHEDULED_EVERY = 40
# Talks shorter than this in an oral session get no time of their own, only the session's.
SHORTEST_TALK = datetime.timedelta(minutes=10)


def cast_program(draft: Draft, *, people: int, posters: int, talks: int | None) -> PeoplePicker:
    """Add people, posters and talks to the draft; ``talks=None``: one per plenary, four per oral.

    Raises ValidationError if there are more people than author and speaker places to name them.
    """
    rng = draft.rng
    poster_sessions = [s for s in draft.sessions if s.kind == SessionKind.POSTER_SESSION]
    orals = [s for s in draft.sessions if s.kind == SessionKind.ORAL_SESSION]
    plenaries = [s for s in draft.sessions if s.kind in PLENARY_KINDS]
    if talks is None:
        talks = len(plenaries) + TALKS_PER_ORAL_SESSION * len(orals)
    author_counts = [
        min(people, 1 + bisect.bisect(AUTHOR_COUNTS, rng.random() * AUTHOR_COUNTS[-1]))
        for _ in range(posters)
    ]
    places = sum(author_counts) + talks
    if people > places:
        raise ValidationError(
            f"--people {people} is more than the program can name: its"
            f" {posters} posters and {talks} talks have {places} author and"
            f" speaker places, and everyone generated is on at least one. Ask for at most"
            f" {places} people, or for more posters or talks."
        )
    picker = PeoplePicker(rng, people, places)
    draft.people = [random_person(rng) for _ in range(people)]
    add_posters(draft, picker, poster_sessions, author_counts)
    add_plenary_talks(draft, picker, plenaries)
    add_oral_talks(draft, picker, orals, talks - len(plenaries))
    # Last, so that every value drawn before stays as it was without them.
    add_spotlights(draft, orals)
    add_unscheduled_papers(draft)
    return picker


class PeoplePicker:
    """Hands out people for author and speaker places.

    Each place goes to someone not yet named with the chance that guarantees everyone is named
    by the last place; otherwise to someone drawn by rank with weight 1/(rank + offset), so a few
    people are on dozens of papers and most on one or two.
    """

    def __init__(self, rng: random.Random, people: int, places: int):
        self.rng = rng
        self.queue = list(range(people))
        rng.shuffle(self.queue)
        self.next_in_queue = 0
        self.papers = [0] * people
        self.unnamed = people
        self.places = places
        offset = max(10, people // 400)
        self.cumulative = list(itertools.accumulate(1 / (rank + offset) for rank in range(people)))

    def pick(self, taken: set[int], *, known: bool = False) -> tuple[int, bool]:
        """A person not in ``taken``; ``known`` prefers people drawn by rank (keynote speakers)."""
        fresh = self.rng.random() * self.places < self.unnamed
        if known and self.unnamed < self.places:
            fresh = False
        self.places -= 1
        if fresh:
            while self.papers[self.queue[self.next_in_queue]]:
                self.next_in_queue += 1
            person = self.queue[self.next_in_queue]
        else:
            person = self.by_rank(taken)
        if not self.papers[person]:
            self.unnamed -= 1
        self.papers[person] += 1
        return person, fresh

    def by_rank(self, taken: set[int]) -> int:
        last = len(self.cumulative) - 1
        for _ in range(50):
            person = min(
                last, bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])
            )
            if person not in taken:
                return person
        # More places on one item than people (tiny programs): anyone not yet on it, else anyone.
        return next((other for other in range(last + 1) if other not in taken), person)


def add_posters(
    draft: Draft, picker: PeoplePicker, sessions: list[Session], author_counts: list[int]
) -> None:
    if not sessions:
        return
    rng = draft.rng
    # Every session holds at least one poster; the rest go to sessions of uneven sizes.
    weights = list(itertools.accumulate(rng.uniform(0.6, 1.4) for _ in sessions))
    sizes = [1] * len(sessions)
    for _ in range(len(author_counts) - len(sessions)):
        sizes[bisect.bisect(weights, rng.random() * weights[-1])] += 1
    counts = iter(author_counts)
    for session, size in zip(sessions, sizes, strict=True):
        # Most posters of a session share its topic, as sessions are grouped by subject.
        topic = rng.choice(texts.TOPICS)
        for position in range(1, size + 1):
            number = len(draft.posters) + 1
            page = f"https://{draft.slug}.example.org/poster/{number}"
            paper = Contribution(
                uid=draft.uid("paper", len(draft.posters)),
                conference=draft.conference,
                title=texts.paper_title(rng, topic if rng.random() < 0.7 else None),
                abstract=texts.abstract(rng),
                external_url=page if rng.random() < 0.8 else "",
                # Every tenth paper belongs to another track than its session's.
                track=cross_track(draft, session) if len(draft.posters) % 10 == 9 else None,
                links=paper_links(draft.slug, number),
            )
            draft.contributions.append(paper)
            draft.posters.append(
                Poster(
                    uid=draft.uid("poster", len(draft.posters)),
                    session=session,
                    contribution=paper,
                    position=position,
                    # Numbered across the whole conference, as big poster halls are ("#2504").
                    board=str(number),
                )
            )
            draft.authorships += [
                Authorship(contribution=paper, person=draft.people[person], position=rank)
                for rank, person in enumerate(authors(picker, next(counts)), start=1)
            ]


def paper_links(slug: str, number: int) -> list[dict]:
    """Every paper has its PDF; every third its code, every fifth its slides (no random draw, so
    the rest of a generated program stays as it was)."""
    links = [{"kind": "paper", "url": f"https://{slug}.example.org/paper/{number}.pdf"}]
    if number % 3 == 0:
        links.append({"kind": "code", "url": f"https://github.com/{slug}-lab/paper-{number}"})
    if number % 5 == 0:
        links.append({"kind": "slides", "url": f"https://{slug}.example.org/slides/{number}.pdf"})
    return links


def cross_track(draft: Draft, session: Session) -> Track | None:
    """The track after the session's, for a paper that belongs elsewhere in the program."""
    if session.track is None or len(draft.tracks) < 2:
        return None
    return draft.tracks[(draft.tracks.index(session.track) + 1) % len(draft.tracks)]


def authors(picker: PeoplePicker, count: int) -> list[int]:
    """Fresh names first; people drawn by rank (often senior, well known) come last."""
    fresh, known = [], []
    for _ in range(count):
        person, is_fresh = picker.pick({*fresh, *known})
        (fresh if is_fresh else known).append(person)
    return fresh + known


def add_plenary_talks(draft: Draft, picker: PeoplePicker, plenaries: list[Session]) -> None:
    """One talk each, by a different well-known speaker, who gets an affiliation and a bio."""
    rng = draft.rng
    speakers: set[int] = set()
    for session in plenaries:
        person, _ = picker.pick(speakers, known=True)
        speakers.add(person)
        speaker = draft.people[person]
        session.title = texts.plenary_title(rng)
        add_talk(draft, session, session.title, speaker, position=1)
        speaker.affiliation = speaker.affiliation or rng.choice(AFFILIATIONS)
        speaker.bio = texts.bio(rng, speaker)


def add_oral_talks(draft: Draft, picker: PeoplePicker, orals: list[Session], talks: int) -> None:
    """The talks spread evenly over the orals, each timed as its share of a timed session."""
    per_session = [talks // len(orals) if orals else 0] * len(orals)
    for extra in range(talks % len(orals) if orals else 0):
        per_session[extra] += 1
    for session, count in zip(orals, per_session, strict=True):
        slot = (session.ends_at - session.starts_at) // count if session.starts_at else None
        if slot is not None and slot < SHORTEST_TALK:
            slot = None
        for position in range(1, count + 1):
            person, _ = picker.pick(set())
            title = texts.paper_title(draft.rng)
            talk = add_talk(draft, session, title, draft.people[person], position)
            talk.presentation_type = PresentationType.ORAL
            if slot is not None:
                talk.starts_at = session.starts_at + slot * (position - 1)
                talk.ends_at = talk.starts_at + slot


def add_talk(draft: Draft, session: Session, title: str, speaker: Person, position: int) -> Talk:
    content = Contribution(
        uid=draft.uid("talk-content", len(draft.talks)),
        conference=draft.conference,
        title=title,
        abstract=texts.abstract(draft.rng),
    )
    draft.contributions.append(content)
    talk = Talk(
        uid=draft.uid("talk", len(draft.talks)),
        session=session,
        contribution=content,
        position=position,
    )
    draft.talks.append(talk)
    draft.authorships.append(Authorship(contribution=content, person=speaker, position=1))
    return talk


def add_spotlights(draft: Draft, orals: list[Session]) -> None:
    """Every ``SPOTLIGHT_EVERY``-th paper is also a talk at the end of an oral session, taken in
    turn: the same contribution in a second slot, with its session's time."""
    if not orals:
        return
    # Drafted sessions are not saved yet: they are told apart by identity.
    last = {id(session): 0 for session in orals}
    for talk in draft.talks:
        if id(talk.session) in last:
            last[id(talk.session)] = max(last[id(talk.session)], talk.position)
    papers = draft.posters[SPOTLIGHT_EVERY - 1 :: SPOTLIGHT_EVERY]
    for number, poster in enumerate(papers):
        session = orals[number % len(orals)]
        last[id(session)] += 1
        draft.talks.append(
            Talk(
                uid=draft.uid("spotlight", number),
                session=session,
                contribution=poster.contribution,
                position=last[id(session)],
                presentation_type=PresentationType.SPOTLIGHT,
            )
        )


def add_unscheduled_papers(draft: Draft) -> None:
    """Accepted papers without a slot yet: one per ``UNSCHEDULED_EVERY`` posters, by the authors
    of a poster (no new people, so everyone generated is still named once or more)."""
    rng = draft.rng
    by_paper: dict[int, list[Authorship]] = {}
    for authorship in draft.authorships:
        by_paper.setdefault(id(authorship.contribution), []).append(authorship)
    for number, poster in enumerate(draft.posters[UNSCHEDULED_EVERY - 1 :: UNSCHEDULED_EVERY]):
        paper = Contribution(
            uid=draft.uid("unscheduled", number),
            conference=draft.conference,
            title=texts.paper_title(rng),
            abstract=texts.abstract(rng),
            links=paper_links(draft.slug, 100000 + number),
        )
        draft.contributions.append(paper)
        draft.authorships += [
            Authorship(contribution=paper, person=link.person, position=link.position)
            for link in by_paper[id(poster.contribution)]
        ]
