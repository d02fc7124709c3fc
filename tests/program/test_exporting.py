"""``manage.py export_conference`` (program/interchange/exporting.py): one conference as a fixture
with natural keys, holding its program and the people on it and nothing of other conferences; the
file loads into an empty database and exports again to the same bytes, in a fixed number of
queries whatever the conference's size."""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from devtools.devdata.generation import generate_program
from program.interchange.exporting import conference_parts
from program.models import Conference, Person, Poster, SessionKind
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    make_poster,
    make_talk,
)

pytestmark = pytest.mark.django_db

LOADING_ORDER = [
    "program.conference",
    "program.person",
    "program.room",
    "program.session",
    "program.contribution",
    "program.authorship",
    "program.poster",
    "program.talk",
]


def export(slug: str, path) -> bytes:
    call_command("export_conference", slug, output=str(path), stdout=io.StringIO())
    return path.read_bytes()


def empty_the_program() -> None:
    """What an empty database holds of the program: nothing (the Organizers group stays)."""
    # People, rooms, sessions, items, links and agenda rows cascade.
    Conference.objects.all().delete()
    assert not Person.objects.exists()


def load(path) -> None:
    call_command("load_program", str(path), verbosity=0)


@pytest.fixture
def two_conferences(db) -> dict:
    """Conference A, a draft, and B, published, where Ana Klimovic (author in A, speaker in B)
    and Ling Liu (speaker in A, author in B) are each one human with a record in both."""
    a = ConferenceFactory(slug="alpha", name="Alpha 2025", is_published=False)
    b = ConferenceFactory(slug="beta", name="Beta 2026")
    ana, ling, max_, yixin, zoe = (
        PersonFactory(conference=a, name=name, slug=slugify(name))
        for name in ("Ana Klimovic", "Ling Liu", "Maximilian Böther", "Yixin Dong", "Zoë Ünal")
    )
    ana.external_id = "0000-0002-1825-0097"
    ana.save()
    hall = RoomFactory(conference=a, name="Hall B", capacity=300, area="Level 2")
    RoomFactory(conference=a, name="Annex")  # a room no session uses is still the conference's
    morning = SessionFactory(conference=a, title="Posters", position=1, room=hall)
    make_poster(morning, authors=[max_, ana], title="Subsets", position=2)
    make_poster(morning, authors=[yixin, ana, zoe], title="XGrammar", position=1)
    invited = SessionFactory(
        conference=a, kind=SessionKind.INVITED_TALK, title="Ling Liu", position=2, starts_at=None
    )
    make_talk(invited, speakers=[ling], title="Responsible Finetuning")

    RoomFactory(conference=b, name="Hall B")  # the same room name, in another conference
    b_session = SessionFactory(conference=b, title="Beta posters", position=1)
    make_poster(b_session, authors=["Ling Liu", "Only In Beta"], title="Beta poster")
    make_talk(
        SessionFactory(conference=b, kind=SessionKind.KEYNOTE, title="Beta keynote", position=2),
        speakers=[
            PersonFactory(conference=b, name="Ana Klimovic", external_id=ana.external_id),
            "Beta Speaker",
        ],
    )
    PersonFactory(conference=b, name="On Nothing", slug="on-nothing")  # on nothing at all
    return {"a": a, "b": b, "b_session": b_session}


def test_a_conference_exports_alone_in_loading_order_and_round_trips(two_conferences, tmp_path):
    first = export("alpha", tmp_path / "alpha.json")
    text = first.decode()
    records = json.loads(text)

    models = [record["model"] for record in records]
    assert sorted(set(models), key=LOADING_ORDER.index) == LOADING_ORDER
    assert models == sorted(models, key=LOADING_ORDER.index)
    assert all("pk" not in record for record in records)  # natural keys only
    assert text.endswith("}\n]\n") and "\n  {\n" in text  # indent=2, a trailing newline
    assert "Zoë Ünal" in text  # not escaped

    def fields(model):
        return [record["fields"] for record in records if record["model"] == model]

    (conference,) = fields("program.conference")
    assert conference["slug"] == "alpha"
    assert conference["is_published"] is False  # drafts are exported
    assert "program_changed_at" not in conference
    assert [(r["name"], r["conference"]) for r in fields("program.room")] == [
        ("Annex", ["alpha"]),
        ("Hall B", ["alpha"]),
    ]
    assert [p["name"] for p in fields("program.person")] == [
        "Ana Klimovic",
        "Ling Liu",
        "Maximilian Böther",
        "Yixin Dong",
        "Zoë Ünal",
    ]  # by slug: A's people and no one else
    assert fields("program.person")[0]["external_id"] == "0000-0002-1825-0097"
    assert [s["title"] for s in fields("program.session")] == ["Posters", "Ling Liu"]
    assert fields("program.session")[0]["room"] == ["alpha", "Hall B"]
    # Contributions in the order of their first slot, each poster and talk naming its own.
    papers = fields("program.contribution")
    assert [c["title"] for c in papers] == ["XGrammar", "Subsets", "Responsible Finetuning"]
    uids = [c["uid"] for c in papers]
    assert [p["contribution"] for p in fields("program.poster")] == [[uids[0]], [uids[1]]]
    assert [t["contribution"] for t in fields("program.talk")] == [[uids[2]]]
    assert [(a["person"], a["position"]) for a in fields("program.authorship")] == [
        (["alpha", "yixin-dong"], 1),
        (["alpha", "ana-klimovic"], 2),
        (["alpha", "zoe-unal"], 3),
        (["alpha", "maximilian-bother"], 1),
        (["alpha", "ana-klimovic"], 2),
        (["alpha", "ling-liu"], 1),
    ]
    for absent in ("beta", str(two_conferences["b_session"].uid), "Only In Beta", "on-nothing"):
        assert absent not in text

    # Exporting again changes nothing, and stdout gets the same bytes as the file.
    assert export("alpha", tmp_path / "again.json") == first
    stdout = io.StringIO()
    call_command("export_conference", "alpha", stdout=stdout)
    assert stdout.getvalue().encode() == first

    empty_the_program()
    load(tmp_path / "alpha.json")
    assert list(Conference.objects.values_list("slug", flat=True)) == ["alpha"]
    assert Person.objects.count() == 5
    assert export("alpha", tmp_path / "loaded.json") == first


def test_an_unknown_slug_is_an_error_and_writes_nothing(two_conferences, tmp_path):
    output = tmp_path / "nothing.json"
    with pytest.raises(CommandError) as error:
        call_command("export_conference", "gamma", output=str(output))
    assert str(error.value) == 'No conference with the slug "gamma"; the database has alpha, beta.'
    assert error.value.returncode == 1  # manage.py exits with it
    assert not output.exists()


def poster_snapshot() -> list:
    return [
        (str(poster.uid), poster.title, [link.person.name for link in poster.ordered_people])
        for poster in Poster.objects.with_people().order_by("uid")
    ]


def page_text(client, path: str) -> str:
    """What a reader sees of a page: its text without tags (links and anchors hold the
    database's ids, which differ after a load, and forms hold CSRF tokens)."""
    response = client.get(path)
    assert response.status_code == 200, path
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", response.content.decode())).split())


def test_the_seed_exported_and_loaded_elsewhere_gives_the_same_pages(seed, client, tmp_path):
    other = ConferenceFactory(slug="other")
    PersonFactory(conference=other, name="Someone Else")  # another conference's person
    paths = ["/mlsys2025/", "/mlsys2025/2025-05-15/", "/mlsys2025/search/?q=memory"]
    poster = Poster.objects.order_by("uid").first()
    paths.append(f"/mlsys2025/people/{poster.ordered_people[0].person.slug}/")
    pages = [page_text(client, path) for path in paths]
    snapshot = poster_snapshot()
    first = export("mlsys2025", tmp_path / "seed.json")

    empty_the_program()
    load(tmp_path / "seed.json")
    assert poster_snapshot() == snapshot
    assert len(snapshot) == 20
    assert Person.objects.count() == 132
    assert [page_text(client, path) for path in paths] == pages
    assert all(title in pages[1] for _, title, _ in snapshot)  # the day lists every poster
    assert export("mlsys2025", tmp_path / "loaded.json") == first


def test_a_generated_program_round_trips_in_a_fixed_number_of_queries(
    db, tmp_path, django_assert_num_queries
):
    generate_program(slug="gsmall", posters=12, sessions=10, days=2, people=40, rooms=2, talks=4)
    generate_program(slug="gen", posters=60, sessions=10, days=2, people=120, rooms=3, talks=6)
    with CaptureQueriesContext(connection) as small:
        export("gsmall", tmp_path / "small.json")
    assert len(small) == 1 + len(conference_parts()) + 5  # the conference, one per model
    with django_assert_num_queries(len(small)):
        first = export("gen", tmp_path / "gen.json")
    records = json.loads(first)
    parts = [model._meta.label_lower for model in conference_parts()]  # people, rooms, tracks
    order = ["program.conference", *parts, *LOADING_ORDER[3:]]
    models = [record["model"] for record in records]
    assert sorted(set(models), key=order.index) == order  # every kind, each once, in order
    assert models == sorted(models, key=order.index)
    assert models.count("program.poster") == 60
    assert not any("gsmall" in json.dumps(record["fields"]) for record in records)

    empty_the_program()
    load(tmp_path / "gen.json")
    assert export("gen", tmp_path / "loaded.json") == first
