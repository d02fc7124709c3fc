"""Generated people: names with accents and capitals, affiliations, profile links.

``random_person(rng)`` draws one unsaved Person (without a slug; slugs are given at writing time,
when the database's own are known).
"""

from __future__ import annotations

import random

from program.models import Person

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
# fmt: on
AFFILIATIONS = UNIVERSITIES + COMPANIES


def random_person(rng: random.Random) -> Person:
    given, family = random_given_name(rng), random_family_name(rng)
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
        user = f"{rng.getrandbits(48):012x}"
        links = [{"kind": "homepage", "url": f"https://scholar.example.org/citations?user={user}"}]
    return Person(name=f"{given}{middle} {family}", affiliation=affiliation, links=links)


def random_given_name(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return "".join(rng.sample(PINYIN, rng.choice((1, 2, 2, 2)))).capitalize()
    given = rng.choice(GIVEN_START) + rng.choice(GIVEN_END)
    if rng.random() < 0.03:
        given += "-" + rng.choice(GIVEN_START) + rng.choice(GIVEN_END)
    return given


def random_family_name(rng: random.Random) -> str:
    if rng.random() < 0.35:
        family = rng.choice(COMMON_FAMILY)
    else:
        family = rng.choice(FAMILY_START) + rng.choice(FAMILY_END)
    if rng.random() < 0.03:
        family = f"{rng.choice(PARTICLES)} {family}"
    return family
