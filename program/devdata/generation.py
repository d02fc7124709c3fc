"""A large, realistic, reproducible conference program for tests and benchmarks.

``generate_program(slug=..., posters=4500, sessions=80, days=6, people=20000, ...)`` writes a
published conference the size of a big ML conference. Each day runs from 09:00 to 18:00 in the
conference's zone: registration, a keynote, breaks, parallel poster and oral sessions in the rooms,
an invited talk; opening remarks on the first day and closing remarks on the last. A few sessions
have no known time. Posters borrow time and room from their session; names carry accents and
capitals; everyone generated is on at least one paper or talk and a few people are on many.

Everything is planned in memory from ``random.Random(seed)`` before the first write, so bad
arguments change nothing, and the same arguments give the same program: uids come from the slug
and an index, and person slugs depend only on which slugs other conferences already hold.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import re
import uuid
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Exists, OuterRef

from program.models import (
    Authorship,
    Conference,
    Person,
    Poster,
    Room,
    Session,
    SessionKind,
    Speakership,
    Talk,
    validate_timezone,
)

NAMESPACE = uuid.UUID("0b7a4d1e-5d2f-4a39-8f1c-2d6e9a3b7c41")
BATCH_SIZE = 1000

# The word lists stay packed, several to a line.
# fmt: off
# Names are put together from syllables ("Bö" + "ther", "Ñú" + "ñez", "bo" + "yuan"), with a share
# of common family names so that some people share a name and their slugs need a suffix.
PINYIN = [
    "bo", "yu", "yuan", "an", "xin", "yi", "zhi", "hao", "jia", "wei", "ling", "chen", "hui",
    "rui", "ming", "tian", "zi", "han", "qi", "lu", "xiao", "jun", "kai",
]
GIVEN_START = [
    "Ma", "Lu", "E", "Jo", "Sa", "Ti", "No", "Ka", "Re", "Da", "Ni", "Fe", "Ste", "Cla", "Mi", "A",
    "Ra", "Chlo", "Zo", "Sø", "Ül", "Bjö", "Ha", "Pri", "Ngo", "Fa",
]
GIVEN_END = [
    "rie", "cas", "na", "sé", "ra", "mo", "rin", "bian", "ël", "ë", "ren", "kü", "rn", "xim", "ko",
    "vi", "dro", "el", "ya", "zi", "tima", "teo", "lia", "ssa",
]
FAMILY_START = [
    "Bö", "Ñú", "Kli", "Jør", "Öz", "Fer", "Du", "Kowal", "Lind", "Men", "Pet", "Tana", "Sa", "Ha",
    "Ro", "Oka", "Iy", "Xhe", "Mar", "Gon", "Sch", "Naka",
]
FAMILY_END = [
    "ther", "ñez", "movic", "gensen", "türk", "nández", "bois", "ski", "qvist", "sah", "rov", "ka",
    "to", "ddad", "ssi", "for", "er", "braj", "tínez",
]
COMMON_FAMILY = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Kim", "Park", "Nguyen", "Tran", "Singh",
    "Kumar", "Patel", "Müller", "García", "Lee",
]
PARTICLES = ["van der", "de", "da", "von", "dos"]
UNIVERSITIES = [
    "ETH Zürich", "EPFL", "Université de Montréal", "Mila", "Technische Universität München",
    "Max Planck Institute for Software Systems", "Inria", "University of Cambridge",
    "Imperial College London", "KTH Royal Institute of Technology", "Universidad de Buenos Aires",
    "University of São Paulo", "Tsinghua University", "Peking University",
    "Shanghai Jiao Tong University", "KAIST", "Seoul National University",
    "The University of Tokyo", "IIT Bombay", "Massachusetts Institute of Technology",
    "Stanford University", "UC Berkeley", "Carnegie Mellon University", "University of Washington",
    "Georgia Institute of Technology", "Cornell University", "University of Toronto",
]
COMPANIES = [
    "NVIDIA", "Google DeepMind", "Meta", "Microsoft Research", "Amazon Web Services",
    "Alibaba Group", "ByteDance", "IBM Research", "Databricks",
]
AFFILIATIONS = UNIVERSITIES + COMPANIES
ROLES = ["professor of computer science", "associate professor", "principal scientist"]

# Titles and abstracts are assembled from the vocabulary of a systems-for-ML conference.
TOPICS = [
    "LLM serving", "speculative decoding", "KV-cache compression", "mixture-of-experts training",
    "pipeline parallelism", "sparse attention", "quantized inference", "federated learning",
    "GPU kernel fusion", "compiler autotuning", "memory offloading", "cluster scheduling",
    "data loading", "graph neural network training", "recommendation models",
    "on-device learning", "checkpointing", "structured generation", "prefix caching",
    "collective communication", "retrieval-augmented generation", "diffusion model inference",
    "fault tolerance", "energy efficiency",
]
CONTEXTS = [
    "for long-context inference", "at datacenter scale", "on commodity GPUs", "on edge devices",
    "across heterogeneous clusters", "under memory pressure", "with provable guarantees",
    "in multi-tenant clusters",
]
GERUNDS = [
    "Accelerating", "Scaling", "Rethinking", "Taming", "Serving", "Compiling", "Balancing",
    "Profiling", "Compressing",
]
TECHNIQUES = [
    "learned cost models", "asynchronous pipelining", "adaptive batching",
    "tensor rematerialization", "lossless compression", "operator fusion", "dynamic sparsity",
    "low-rank adapters", "tiered memory", "elastic resharding",
]
WORKLOADS = [
    "large language models", "recommendation models", "diffusion models", "graph neural networks",
    "vision transformers", "speech models",
]
GAINS = ["throughput", "goodput", "tokens per second", "training speed"]
COSTS = ["tail latency", "time to first token", "memory footprint", "energy use", "cost per query"]
BASELINES = ["vLLM", "DeepSpeed", "Megatron-LM", "PyTorch FSDP", "TensorRT-LLM", "XLA", "TVM"]
BENCHMARKS = ["ShareGPT traces", "MLPerf", "production traces", "LongBench", "twelve open models"]
SYSTEM_START = [
    "Flash", "Spec", "Tile", "Hydra", "Zip", "Mega", "Turbo", "Quant", "Pipe", "Shard", "Lumen",
    "Nimbus", "Orca", "Helix", "Ember",
]
SYSTEM_END = [
    "MoE", "Serve", "Attn", "Cache", "Train", "Flow", "Graph", "Tune", "Sched", "Kernel", "Mem",
    "Opt",
]
SMALL_WORDS = frozenset(
    ["a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with", "without"]
)
# fmt: on

# Cumulative weights of 1 to 15 authors on a poster: most papers have 3 to 8.
AUTHOR_COUNTS = list(itertools.accumulate([2, 4, 9, 12, 14, 14, 13, 10, 7, 5, 4, 3, 2, 1, 1]))
TALKS_PER_ORAL_SESSION = 4
MOST_DAYS = 366


def at(hour: int, minute: int = 0) -> datetime.time:
    return datetime.time(hour, minute)


# One day in the conference's zone: (kind, start, minutes). Parallel blocks take one session per
# room and are listed in the order they fill.
REGISTRATION = (SessionKind.REGISTRATION, at(9), 30)
OPENING = (SessionKind.OPENING_REMARKS, at(9, 30), 30)
KEYNOTE = (SessionKind.KEYNOTE, at(10), 60)
MORNING_BREAK = (SessionKind.BREAK, at(11), 30)
LUNCH = (SessionKind.BREAK, at(13), 60)
AFTERNOON_BREAK = (SessionKind.BREAK, at(15, 30), 30)
INVITED_TALK = (SessionKind.INVITED_TALK, at(17), 45)
CLOSING = (SessionKind.CLOSING_REMARKS, at(17, 45), 15)
PARALLEL_BLOCKS = [(at(14), 90), (at(11, 30), 90), (at(16), 60)]
PLENARY_KINDS = (SessionKind.KEYNOTE, SessionKind.INVITED_TALK)


@dataclass
class Summary:
    conference: Conference
    rooms: int
    sessions: int
    untimed_sessions: int
    posters: int
    talks: int
    people: int
    authorships: int
    speakerships: int
    most_papers: int  # posters and talks of the person named most often
    replaced: bool


@dataclass
class PlannedSession:
    kind: SessionKind
    start: datetime.time
    minutes: int
    day: int
    room: int | None
    timed: bool = True


@transaction.atomic
def generate_program(
    *,
    slug: str,
    posters: int = 4500,
    sessions: int = 80,
    days: int = 6,
    people: int = 20000,
    rooms: int = 8,
    talks: int | None = None,
    seed: int = 1,
    timezone: str = "Europe/Berlin",
    start_date: datetime.date = datetime.date(2026, 7, 13),
    replace: bool = False,
) -> Summary:
    """Write a generated conference; ``talks=None`` means one per plenary and four per oral.

    Raises ValidationError, before writing anything, for arguments that cannot make a program
    and for a slug that is taken unless ``replace`` is given.
    """
    sizes = {
        "posters": posters,
        "sessions": sessions,
        "days": days,
        "people": people,
        "rooms": rooms,
        "talks": talks,
    }
    validate_arguments(slug=slug, timezone=timezone, **sizes)
    plan = ProgramPlan(slug=slug, seed=seed, timezone=timezone, start_date=start_date, **sizes)
    existing = Conference.objects.filter(slug=slug).first()
    if existing and not replace:
        raise ValidationError(
            f'A conference with the slug "{slug}" exists already; pass --replace to delete it'
            " and generate it anew, or choose another slug."
        )
    if existing:
        delete_conference(existing)
    plan.write()
    return Summary(
        conference=plan.conference,
        rooms=len(plan.rooms),
        sessions=len(plan.sessions),
        untimed_sessions=sum(1 for s in plan.sessions if s.starts_at is None),
        posters=len(plan.posters),
        talks=len(plan.talks),
        people=len(plan.people),
        authorships=len(plan.authorships),
        speakerships=len(plan.speakerships),
        most_papers=max(plan.picker.papers, default=0),
        replaced=existing is not None,
    )


def validate_arguments(*, slug, posters, sessions, days, people, rooms, talks, timezone) -> None:
    problems = []
    try:
        validate_slug(slug)
        if len(slug) > Conference._meta.get_field("slug").max_length:
            raise ValidationError("The slug is longer than 60 characters.")
    except ValidationError as error:
        problems += [f"Slug {slug!r}: {message}" for message in error.messages]
    for name, value, least in (
        ("posters", posters, 0),
        ("talks", talks, 0),
        ("sessions", sessions, 1),
        ("days", days, 1),
        ("people", people, 1),
        ("rooms", rooms, 1),
    ):
        if value is not None and value < least:
            problems.append(f"--{name} must be at least {least}, not {value}.")
    if days > MOST_DAYS:
        problems.append(f"--days must be at most {MOST_DAYS}, not {days}.")
    try:
        validate_timezone(timezone)
    except ValidationError as error:
        problems += error.messages
    if problems:
        raise ValidationError(problems)


def delete_conference(conference: Conference) -> None:
    """Delete a conference with its program, and the people who were in no other conference."""
    people = list(Person.objects.in_conference(conference).values_list("pk", flat=True))
    conference.delete()
    for batch in itertools.batched(people, BATCH_SIZE):
        Person.objects.filter(pk__in=batch).exclude(
            Exists(Authorship.objects.filter(person=OuterRef("pk")))
        ).exclude(Exists(Speakership.objects.filter(person=OuterRef("pk")))).delete()


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


class ProgramPlan:
    """The whole program as unsaved model objects, drawn from one random generator."""

    def __init__(
        self,
        *,
        slug: str,
        posters: int,
        sessions: int,
        days: int,
        people: int,
        rooms: int,
        talks: int | None,
        seed: int,
        timezone: str,
        start_date: datetime.date,
    ):
        self.rng = rng = random.Random(seed)
        self.slug = slug
        self.zone = zoneinfo.ZoneInfo(timezone)
        self.dates = [start_date + datetime.timedelta(days=n) for n in range(days)]
        self.conference = self.make_conference(timezone)
        self.rooms = [Room(conference=self.conference, name=room_name(n)) for n in range(rooms)]
        planned = plan_sessions(
            rng, sessions=sessions, days=days, rooms=rooms, posters=posters, talks=talks
        )
        self.sessions = self.make_sessions(planned)
        poster_sessions = [s for s in self.sessions if s.kind == SessionKind.POSTER_SESSION]
        orals = [s for s in self.sessions if s.kind == SessionKind.ORAL_SESSION]
        plenaries = [s for s in self.sessions if s.kind in PLENARY_KINDS]
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
        self.picker = PeoplePicker(rng, people, places)
        self.people = [self.make_person() for _ in range(people)]
        self.posters, self.authorships = [], []
        self.make_posters(poster_sessions, author_counts)
        self.talks, self.speakerships = [], []
        self.make_talks(plenaries, orals, talks)

    def make_conference(self, timezone: str) -> Conference:
        name = re.sub(r"(?<=[^\d\W])(?=\d)", " ", self.slug.replace("-", " ").replace("_", " "))
        city = timezone.rpartition("/")[2].replace("_", " ")
        return Conference(
            slug=self.slug,
            name=name.upper(),
            full_name=f"Generated Conference on Machine Learning and Systems ({name.upper()})",
            timezone=timezone,
            city=city,
            venue=f"{city} Convention Center",
            start_date=self.dates[0],
            end_date=self.dates[-1],
            is_published=True,
        )

    def make_sessions(self, planned: list[PlannedSession]) -> list[Session]:
        sessions, positions, poster_sessions = [], {}, 0
        for index, item in enumerate(planned):
            day = self.dates[item.day]
            positions[day] = positions.get(day, 0) + 1
            starts = datetime.datetime.combine(day, item.start, tzinfo=self.zone)
            title, description = item.kind.label, ""
            if item.kind == SessionKind.POSTER_SESSION:
                poster_sessions += 1
                title = f"Session {poster_sessions}"
                first, second = self.rng.sample(TOPICS, 2)
                description = f"Posters on {first}, {second} and related systems."
            elif item.kind == SessionKind.ORAL_SESSION:
                topic = self.rng.choice(TOPICS)
                title = title_case(topic)
                description = f"Talks on {topic}."
            elif item.kind == SessionKind.BREAK:
                title = "Lunch" if item.minutes == 60 else "Coffee"
            sessions.append(
                Session(
                    uid=self.uid("session", index),
                    conference=self.conference,
                    kind=item.kind,
                    title=title,
                    description=description,
                    day=day,
                    position=positions[day],
                    starts_at=starts if item.timed else None,
                    ends_at=starts + datetime.timedelta(minutes=item.minutes)
                    if item.timed
                    else None,
                    room=None if item.room is None else self.rooms[item.room],
                )
            )
        return sessions

    def make_person(self) -> Person:
        rng = self.rng
        if rng.random() < 0.4:
            given = "".join(rng.sample(PINYIN, rng.choice((1, 2, 2, 2)))).capitalize()
        else:
            given = rng.choice(GIVEN_START) + rng.choice(GIVEN_END)
            if rng.random() < 0.03:
                given += "-" + rng.choice(GIVEN_START) + rng.choice(GIVEN_END)
        if rng.random() < 0.35:
            family = rng.choice(COMMON_FAMILY)
        else:
            family = rng.choice(FAMILY_START) + rng.choice(FAMILY_END)
        if rng.random() < 0.03:
            family = f"{rng.choice(PARTICLES)} {family}"
        # Some programs print one part of a name in capitals ("BOYUAN Li", "Wei ZHANG").
        capitals = rng.random()
        if capitals < 0.03:
            given = given.upper()
        elif capitals < 0.05:
            family = family.upper()
        middle = f" {rng.choice(GIVEN_START)[0]}." if rng.random() < 0.06 else ""
        affiliation = ""
        if rng.random() < 0.88:
            affiliation = rng.choice(AFFILIATIONS)
            if rng.random() < 0.05:
                affiliation += f"; {rng.choice(AFFILIATIONS)}"
        links = []
        if rng.random() < 0.1:
            links = [f"https://scholar.example.org/citations?user={rng.getrandbits(48):012x}"]
        return Person(name=f"{given}{middle} {family}", affiliation=affiliation, links=links)

    def make_posters(self, sessions: list[Session], author_counts: list[int]) -> None:
        if not sessions:
            return
        # Every session holds at least one poster; the rest go to sessions of uneven sizes.
        weights = list(itertools.accumulate(self.rng.uniform(0.6, 1.4) for _ in sessions))
        sizes = [1] * len(sessions)
        for _ in range(len(author_counts) - len(sessions)):
            sizes[bisect.bisect(weights, self.rng.random() * weights[-1])] += 1
        counts = iter(author_counts)
        for session, size in zip(sessions, sizes, strict=True):
            topic = self.rng.choice(TOPICS)
            for position in range(1, size + 1):
                page = f"https://{self.slug}.example.org/poster/{len(self.posters) + 1}"
                poster = Poster(
                    uid=self.uid("poster", len(self.posters)),
                    session=session,
                    title=self.paper_title(topic if self.rng.random() < 0.7 else None),
                    abstract=self.abstract(),
                    position=position,
                    external_url=page if self.rng.random() < 0.8 else "",
                )
                self.posters.append(poster)
                self.authorships += [
                    Authorship(poster=poster, person=self.people[person], position=rank)
                    for rank, person in enumerate(self.authors(next(counts)), start=1)
                ]

    def authors(self, count: int) -> list[int]:
        """Fresh names first; people drawn by rank (often senior, well known) come last."""
        fresh, known = [], []
        for _ in range(count):
            person, is_fresh = self.picker.pick({*fresh, *known})
            (fresh if is_fresh else known).append(person)
        return fresh + known

    def make_talks(self, plenaries: list[Session], orals: list[Session], talks: int) -> None:
        speakers_of_plenaries: set[int] = set()
        for session in plenaries:
            person, _ = self.picker.pick(speakers_of_plenaries, known=True)
            speakers_of_plenaries.add(person)
            speaker = self.people[person]
            title = title_case(
                self.rng.choice(["the road to", "what we learned from", "the next decade of"])
                + f" {self.rng.choice(TOPICS)}"
            )
            session.title = title
            self.add_talk(session, title, speaker, position=1)
            speaker.affiliation = speaker.affiliation or self.rng.choice(AFFILIATIONS)
            speaker.bio = self.bio(speaker)
        per_session = [(talks - len(plenaries)) // len(orals) if orals else 0] * len(orals)
        for extra in range((talks - len(plenaries)) % len(orals) if orals else 0):
            per_session[extra] += 1
        for session, count in zip(orals, per_session, strict=True):
            slot = (session.ends_at - session.starts_at) // count if session.starts_at else None
            if slot is not None and slot < datetime.timedelta(minutes=10):
                slot = None
            for position in range(1, count + 1):
                person, _ = self.picker.pick(set())
                talk = self.add_talk(session, self.paper_title(), self.people[person], position)
                if slot is not None:
                    talk.starts_at = session.starts_at + slot * (position - 1)
                    talk.ends_at = talk.starts_at + slot

    def add_talk(self, session: Session, title: str, speaker: Person, position: int) -> Talk:
        talk = Talk(
            uid=self.uid("talk", len(self.talks)),
            session=session,
            title=title,
            abstract=self.abstract(),
            position=position,
        )
        self.talks.append(talk)
        self.speakerships.append(Speakership(talk=talk, person=speaker, position=1))
        return talk

    def paper_title(self, topic: str | None = None) -> str:
        rng = self.rng
        topic = topic or rng.choice(TOPICS)
        pattern = rng.randrange(4)
        if pattern == 0:
            text = f"{self.system_name()}: {rng.choice(GERUNDS)} {topic} {rng.choice(CONTEXTS)}"
        elif pattern == 1:
            text = f"{rng.choice(GERUNDS)} {topic} with {rng.choice(TECHNIQUES)}"
        elif pattern == 2:
            text = f"on the {rng.choice(COSTS)} of {topic} {rng.choice(CONTEXTS)}"
        else:
            text = f"{self.system_name()}: {rng.choice(TECHNIQUES)} for {topic}"
        return title_case(text)

    def system_name(self) -> str:
        return self.rng.choice(SYSTEM_START) + self.rng.choice(SYSTEM_END)

    def abstract(self) -> str:
        """100 to 250 words; some TeX, some emphasis, now and then a URL or a cut-off end."""
        rng = self.rng
        system, topic, other = self.system_name(), *rng.sample(TOPICS, 2)
        name = f"*{system}*" if rng.random() < 0.5 else system
        speedup = f"{rng.randint(11, 90) / 10}"
        speedup = f"${speedup}\\times$" if rng.random() < 0.4 else f"{speedup}×"
        opening = [
            f"{rng.choice(WORKLOADS).capitalize()} are increasingly limited by {topic}.",
            f"We present {name}, a system for {topic} that relies on {rng.choice(TECHNIQUES)}.",
        ]
        body = [
            f"Existing systems treat {topic} and {other} separately, which leaves much of the"
            " hardware idle and makes performance hard to predict.",
            f"{system} splits each request into stages and schedules them across devices to"
            " balance compute, memory and communication.",
            f"The key insight is that {other} exposes structure that existing schedulers ignore.",
            f"Surprisingly, the bottleneck is *not* compute but {rng.choice(COSTS)}, which"
            " grows with the number of concurrent requests.",
            f"We implement {system} on top of {rng.choice(BASELINES)} and evaluate it on"
            f" {rng.choice((8, 16, 64, 256))} GPUs.",
            f"We further show that {rng.choice(TECHNIQUES)} composes with"
            f" {rng.choice(TECHNIQUES)}, and we characterize the cases in which it does not help.",
            f"It keeps model accuracy unchanged and needs fewer than {rng.randint(2, 9) * 10}"
            " lines of changes to user code.",
            f"These results suggest that {topic} should be designed together with {other}"
            " rather than tuned in isolation.",
            f"A simple analytical model predicts when {rng.choice(TECHNIQUES)} pays off, and"
            " we use it to choose a configuration per workload at run time.",
            f"Unlike prior work, {system} needs no offline profiling and adapts as the mix of"
            f" {rng.choice(WORKLOADS)} changes during the day.",
        ]
        if rng.random() < 0.4:
            body.append(
                "Our scheduler runs in $O(n \\log n)$ time for $n$ requests and stays within a"
                " factor of $1 + \\epsilon$ of the optimum."
            )
        rng.shuffle(body)
        results = (
            f"On {rng.choice(BENCHMARKS)}, {system} improves {rng.choice(GAINS)} by {speedup}"
            f" over {rng.choice(BASELINES)} and reduces {rng.choice(COSTS)} by"
            f" {rng.randint(10, 60)}%."
        )
        target = rng.randint(100, 210) - len(results.split())
        sentences = list(opening)
        count = sum(len(sentence.split()) for sentence in sentences)
        for sentence in itertools.cycle(body):
            if count >= target:
                break
            sentences.append(sentence)
            count += len(sentence.split())
        sentences.append(results)
        if rng.random() < 0.1:
            sentences.append(f"Code is available at https://github.com/example/{system.lower()}.")
        words = " ".join(sentences).split()
        if rng.random() < 0.07:
            # Abstracts copied from a listing are sometimes cut off mid-sentence.
            words = words[: rng.randint(100, len(words))]
            words[-1] = words[-1].rstrip(".,;:") + "…"
        return " ".join(words)

    def bio(self, person: Person) -> str:
        rng = self.rng
        first, second = rng.sample(TOPICS, 2)
        return (
            f"{person.name} is a {rng.choice(ROLES)} at {person.affiliation}. Their research spans"
            f" {first} and {second}, and systems from their group run in production at several"
            f" companies. They received a PhD from {rng.choice(UNIVERSITIES)}."
        )

    def uid(self, kind: str, index: int) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.slug}/{kind}/{index}")

    def write(self) -> None:
        assign_slugs(self.people, self.slug)
        self.conference.save()
        Room.objects.bulk_create(self.rooms)
        Person.objects.bulk_create(self.people, batch_size=BATCH_SIZE)
        Session.objects.bulk_create(self.sessions, batch_size=BATCH_SIZE)
        Poster.objects.bulk_create(self.posters, batch_size=BATCH_SIZE)
        Authorship.objects.bulk_create(self.authorships, batch_size=BATCH_SIZE)
        Talk.objects.bulk_create(self.talks, batch_size=BATCH_SIZE)
        Speakership.objects.bulk_create(self.speakerships, batch_size=BATCH_SIZE)
        # Bulk writes skip ProgramPart.save(), which would mark the program as changed.
        self.conference.touch()


def plan_sessions(
    rng: random.Random, *, sessions: int, days: int, rooms: int, posters: int, talks: int | None
) -> list[PlannedSession]:
    """Which sessions run when and where, in program order.

    Registration each day and the opening and closing remarks come first; then one poster and one
    oral session, so that posters and talks have a place however few sessions are asked for;
    then the day's other slots fill in turn on every day, skipping poster and oral sessions that
    would be left without a poster or talk.
    """
    last = days - 1
    required = [PlannedSession(*REGISTRATION, day=day, room=None) for day in range(days)]
    required += [
        PlannedSession(*OPENING, day=0, room=0),
        PlannedSession(*CLOSING, day=last, room=0),
    ]
    least = len(required) + (posters > 0) + (talks != 0)
    if sessions < least:
        raise ValidationError(
            f"--sessions {sessions} is too few: {days} days need a registration each, opening"
            f" and closing remarks, and the posters and talks a session each; ask for at least"
            f" {least}."
        )

    def day_slots(day: int) -> list[PlannedSession]:
        parallel = [
            PlannedSession(
                SessionKind.ORAL_SESSION if n % 3 == 1 else SessionKind.POSTER_SESSION,
                day=day,
                start=start,
                minutes=minutes,
                room=room,
            )
            for n, (room, (start, minutes)) in enumerate(
                itertools.product(range(rooms), PARALLEL_BLOCKS)
            )
        ]
        fixed = [
            PlannedSession(*KEYNOTE, day=day, room=0),
            PlannedSession(*LUNCH, day=day, room=None),
            PlannedSession(*MORNING_BREAK, day=day, room=None),
            PlannedSession(*INVITED_TALK, day=day, room=0),
            PlannedSession(*AFTERNOON_BREAK, day=day, room=None),
        ]
        # Two parallel sessions, then alternately a fixed slot and a parallel session.
        slots = parallel[:2]
        for fixed_slot, parallel_slot in itertools.zip_longest(fixed, parallel[2:]):
            slots += [slot for slot in (fixed_slot, parallel_slot) if slot]
        return slots

    slots_by_day = [day_slots(day) for day in range(days)]
    first_day, *other_days = slots_by_day
    tiers = itertools.zip_longest(first_day[2:], *other_days)
    candidates = first_day[:2] + [slot for tier in tiers for slot in tier if slot]
    chosen, poster_sessions, talk_sessions = list(required), 0, 0
    for slot in candidates:
        if len(chosen) == sessions:
            break
        if slot.kind == SessionKind.POSTER_SESSION:
            if poster_sessions >= posters:
                continue
            poster_sessions += 1
        elif slot.kind in (SessionKind.ORAL_SESSION, *PLENARY_KINDS):
            if talks is not None and talk_sessions >= talks:
                continue
            talk_sessions += 1
        chosen.append(slot)
    if len(chosen) < sessions:
        raise ValidationError(
            f"--sessions {sessions} is more than fit: {days} days with {rooms} rooms hold at most"
            f" {len(chosen)} sessions when each poster or oral session needs a poster or talk"
            f" ({posters} posters, {'default' if talks is None else talks} talks). Ask for fewer"
            " sessions, or more days, rooms, posters or talks."
        )
    parallel = [
        s for s in chosen if s.kind in (SessionKind.POSTER_SESSION, SessionKind.ORAL_SESSION)
    ]
    for session in rng.sample(parallel, min(len(parallel), max(1, sessions // 25))):
        session.timed = False
    return sorted(chosen, key=lambda s: (s.day, s.start, -1 if s.room is None else s.room))


def assign_slugs(people: list[Person], conference_slug: str) -> None:
    """Person.slug_base with a number for namesakes; the conference's slug if another holds it."""
    taken = set(Person.objects.values_list("slug", flat=True))
    namesakes: dict[str, int] = {}
    for person in people:
        base = Person.slug_base(person.name)
        namesakes[base] = namesakes.get(base, 0) + 1
        slug = base if namesakes[base] == 1 else f"{base}-{namesakes[base]}"
        if slug in taken:
            slug = candidate = f"{slug}-{conference_slug}"
            for number in itertools.count(2):
                if slug not in taken:
                    break
                slug = f"{candidate}-{number}"
        taken.add(slug)
        person.slug = slug


def room_name(index: int) -> str:
    if index == 0:
        return "Main Hall"
    if index <= 26:
        return f"Hall {chr(64 + index)}"
    return f"Room {index + 74}"


def title_case(text: str) -> str:
    """Capitals, short words aside: "learning at scale" -> "Learning at Scale"."""

    def word_case(word: str, first: bool) -> str:
        if not first and word in SMALL_WORDS:
            return word
        return word[:1].upper() + word[1:]

    words = text.split(" ")
    return " ".join(
        "-".join(word_case(part, first=n == 0 and k == 0) for k, part in enumerate(word.split("-")))
        for n, word in enumerate(words)
    )
