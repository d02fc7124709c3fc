"""Migrations that convert data: run on data shaped like the old schema, checked after."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_PEOPLE = [("program", "0008_tracks")]
PEOPLE = [("program", "0009_people_per_conference")]
TYPED_LINKS = [("program", "0010_typed_links")]


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
