"""Migrations that convert data: run on data shaped like the old schema, checked after."""

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE_PEOPLE = [("program", "0008_tracks")]
PEOPLE = [("program", "0009_people_per_conference")]
TYPED_LINKS = [("program", "0010_typed_links")]
BEFORE_CONTRIBUTIONS = [("program", "0011_people_conference_triggers")]
CONTRIBUTIONS = [("program", "0012_contributions")]
contributions_migration = importlib.import_module("program.migrations.0012_contributions")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_0008(transactional_db):
    """The database as it was before people belonged to a conference; the latest schema again
    afterwards, for the tests that follow."""
    apps = migrate(BEFORE_PEOPLE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_people_in_two_conferences_are_split_and_nobody_is_lost(at_0008):
    apps = at_0008
    Conference = apps.get_model("program", "Conference")
    Session = apps.get_model("program", "Session")
    Poster = apps.get_model("program", "Poster")
    Talk = apps.get_model("program", "Talk")
    Person = apps.get_model("program", "Person")
    Authorship = apps.get_model("program", "Authorship")
    Speakership = apps.get_model("program", "Speakership")
    day = datetime.date(2025, 5, 15)
    first, second = (
        Conference.objects.create(
            slug=slug, name=slug, timezone="UTC", start_date=day, end_date=day
        )
        for slug in ("first", "second")
    )
    ling = Person.objects.create(
        name="Ling Liu",
        slug="ling-liu",
        bio="Professor.",
        links=["https://example.org/~ling", "https://orcid.org/0000-0002-1825-0097"],
    )
    only_second = Person.objects.create(name="Ana", slug="ana")
    nowhere = Person.objects.create(name="On Nothing", slug="on-nothing")
    for conference in (first, second):
        session = Session.objects.create(conference=conference, title="S", day=day)
        poster = Poster.objects.create(session=session, title=f"P {conference.slug}")
        Authorship.objects.create(poster=poster, person=ling, position=1)
    second_talk = Talk.objects.create(
        session=Session.objects.get(conference=second), title="Keynote"
    )
    Speakership.objects.create(talk=second_talk, person=ling, position=1)
    Speakership.objects.create(talk=second_talk, person=only_second, position=2)

    apps = migrate(PEOPLE)
    Person = apps.get_model("program", "Person")
    Authorship = apps.get_model("program", "Authorship")
    Speakership = apps.get_model("program", "Speakership")
    people = {(p.conference.slug, p.slug): p for p in Person.objects.select_related("conference")}
    assert set(people) == {
        ("first", "ling-liu"),
        ("second", "ling-liu"),
        ("second", "ana"),
        ("first", "on-nothing"),  # on nothing: the oldest conference keeps them
    }
    assert people["first", "ling-liu"].pk == ling.pk  # the original stays with the first
    assert people["second", "ling-liu"].bio == "Professor."  # the copy keeps what was printed
    assert people["first", "on-nothing"].pk == nowhere.pk
    for link in [*Authorship.objects.all(), *Speakership.objects.all()]:
        item = link.poster if hasattr(link, "poster") else link.talk
        assert link.person.conference_id == item.session.conference_id
    assert (
        Speakership.objects.get(talk=second_talk.pk, position=1).person
        == people["second", "ling-liu"]
    )


def test_bare_person_links_become_typed_links(at_0008):
    Person = at_0008.get_model("program", "Person")
    Conference = at_0008.get_model("program", "Conference")
    day = datetime.date(2025, 5, 15)
    Conference.objects.create(slug="c", name="C", timezone="UTC", start_date=day, end_date=day)
    Person.objects.create(
        name="Ling Liu",
        slug="ling-liu",
        links=["https://example.org/~ling", "https://orcid.org/0000-0002-1825-0097"],
    )
    Person = migrate(TYPED_LINKS).get_model("program", "Person")
    assert Person.objects.get().links == [
        {"kind": "homepage", "url": "https://example.org/~ling"},
        {"kind": "orcid", "url": "https://orcid.org/0000-0002-1825-0097"},
    ]


# Migration 0012: posters' and talks' content moves to contributions, and back.


@pytest.fixture
def at_0011(transactional_db):
    apps = migrate(BEFORE_CONTRIBUTIONS)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def make_old_program(apps):
    """A poster by two authors with a track and links, and a talk by one speaker."""
    get = apps.get_model
    day = datetime.date(2025, 5, 15)
    conference = get("program", "Conference").objects.create(
        slug="old", name="Old", timezone="UTC", start_date=day, end_date=day
    )
    other = get("program", "Conference").objects.create(
        slug="other", name="Other", timezone="UTC", start_date=day, end_date=day
    )
    track = get("program", "Track").objects.create(conference=conference, name="Systems")
    session = get("program", "Session").objects.create(conference=conference, title="S", day=day)
    person = get("program", "Person")
    ana, max_, ling = (
        person.objects.create(conference=conference, name=name, slug=name.lower())
        for name in ("Ana", "Max", "Ling")
    )
    person.objects.create(conference=other, name="Stranger", slug="stranger")
    poster = get("program", "Poster").objects.create(
        session=session,
        title="Subsets",
        abstract="We select.",
        links=[{"kind": "code", "url": "https://github.com/x/y"}],
        external_url="https://mlsys.org/poster/1",
        track=track,
        board="12",
    )
    get("program", "Authorship").objects.create(poster=poster, person=max_, position=1)
    get("program", "Authorship").objects.create(poster=poster, person=ana, position=2)
    talk = get("program", "Talk").objects.create(session=session, title="Keynote", abstract="Hi.")
    get("program", "Speakership").objects.create(talk=talk, person=ling, position=1)
    return poster.uid, talk.uid


def test_each_item_gets_a_contribution_with_its_content_and_people(at_0011):
    poster_uid, talk_uid = make_old_program(at_0011)
    apps = migrate(CONTRIBUTIONS)
    Poster, Talk = apps.get_model("program", "Poster"), apps.get_model("program", "Talk")
    Authorship = apps.get_model("program", "Authorship")
    poster = Poster.objects.select_related("contribution__track").get(uid=poster_uid)
    paper = poster.contribution
    assert (paper.title, paper.abstract, paper.external_url, paper.track.name) == (
        "Subsets",
        "We select.",
        "https://mlsys.org/poster/1",
        "Systems",
    )
    assert paper.links == [{"kind": "code", "url": "https://github.com/x/y"}]
    assert paper.uid == contributions_migration.contribution_uid(
        poster
    )  # the same on every database
    assert poster.board == "12"
    people = Authorship.objects.filter(contribution=paper).order_by("position")
    assert [link.person.name for link in people] == ["Max", "Ana"]
    talk = Talk.objects.get(uid=talk_uid)
    assert [
        link.person.name for link in Authorship.objects.filter(contribution=talk.contribution)
    ] == ["Ling"]
    # The new triggers are in place: no author from another conference, even in raw writes.
    stranger = apps.get_model("program", "Person").objects.get(slug="stranger")
    with pytest.raises(IntegrityError, match="same conference"), transaction.atomic():
        Authorship.objects.filter(contribution=paper, position=1).update(person=stranger)


def test_going_back_gives_each_item_its_content_and_people_again(at_0011):
    poster_uid, talk_uid = make_old_program(at_0011)
    migrate(CONTRIBUTIONS)
    apps = migrate(BEFORE_CONTRIBUTIONS)
    Poster, Talk = apps.get_model("program", "Poster"), apps.get_model("program", "Talk")
    poster = Poster.objects.select_related("track").get(uid=poster_uid)
    assert (poster.title, poster.abstract, poster.track.name) == (
        "Subsets",
        "We select.",
        "Systems",
    )
    authors = apps.get_model("program", "Authorship").objects.filter(poster=poster)
    assert [a.person.name for a in authors.order_by("position")] == ["Max", "Ana"]
    talk = Talk.objects.get(uid=talk_uid)
    speakers = apps.get_model("program", "Speakership").objects.filter(talk=talk)
    assert [s.person.name for s in speakers] == ["Ling"]
    assert talk.title == "Keynote"
