"""Fixtures move programs safely (program/management/commands/loaddata.py and the models'
natural keys): loading is idempotent, a dump loads into an empty database, and a broken fixture
changes nothing and names the record at fault."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError

from program.models import Authorship, Conference, Person, Poster, Session
from tests.factories import PACIFIC

pytestmark = pytest.mark.django_db


def test_loading_the_fixture_twice_changes_nothing(seed):
    call_command("loaddata", str(settings.PROGRAM_FIXTURE), verbosity=0)
    assert (Conference.objects.count(), Poster.objects.count(), Person.objects.count()) == (
        1,
        20,
        132,
    )
    assert Authorship.objects.count() == 140


def program_snapshot() -> list:
    return [
        (
            str(poster.uid),
            poster.title,
            poster.session.title,
            poster.session.starts_at,
            [(a.position, a.person.slug, a.person.name) for a in poster.authorships.all()],
        )
        for poster in Poster.objects.with_people().order_by("uid")
    ]


def test_an_edited_program_dumped_with_natural_keys_loads_into_an_empty_database(seed, tmp_path):
    poster = Poster.objects.filter(session__title__startswith="Session 9").order_by("position")[0]
    poster.title = "Scaling Deep Learning Training with MPMD Pipeline Parallelism (edited)"
    poster.save()
    moved = Session.objects.get(title__startswith="Session 12")
    moved.starts_at = datetime.datetime(2025, 5, 15, 17, 0, tzinfo=PACIFIC)
    moved.save()
    newcomer = Person.objects.create(name="Late Añadido", slug="late-anadido")
    Authorship.objects.create(poster=poster, person=newcomer, position=5)
    before = program_snapshot()

    dump = tmp_path / "program.json"
    call_command(
        "dumpdata",
        "program",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    assert '"pk"' not in dump.read_text()
    Conference.objects.all().delete()
    Person.objects.all().delete()
    assert not Poster.objects.exists()

    call_command("loaddata", str(dump), verbosity=0)
    assert program_snapshot() == before


def test_a_broken_fixture_leaves_the_database_unchanged_and_names_the_record(tmp_path):
    fixture = tmp_path / "broken.json"
    good = [
        {
            "model": "program.conference",
            "fields": {
                "slug": "half",
                "name": "Half",
                "timezone": "UTC",
                "start_date": "2025-01-01",
                "end_date": "2025-01-02",
            },
        },
        {"model": "program.person", "fields": {"name": "Kept Nowhere", "slug": "kept-nowhere"}},
    ]
    bad = {
        "model": "program.session",
        "fields": {
            "uid": "00000000-0000-0000-0000-000000000001",
            "conference": ["half"],
            "title": "Backwards",
            "day": "2025-01-01",
            "starts_at": "2025-01-01T10:00:00Z",
            "ends_at": "2025-01-01T09:00:00Z",
        },
    }
    fixture.write_text(json.dumps([*good, bad]))
    with pytest.raises(IntegrityError) as error:
        call_command("loaddata", str(fixture), verbosity=0)
    message = str(error.value)
    assert "session_ends_after_start" in message
    assert "program.Session" in message
    assert "00000000-0000-0000-0000-000000000001" in message  # the record's natural key
    assert not Conference.objects.filter(slug="half").exists()
    assert not Person.objects.filter(slug="kept-nowhere").exists()


def test_a_fixture_pointing_at_a_missing_record_names_it_and_loads_nothing(tmp_path):
    fixture = tmp_path / "dangling.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "program.person", "fields": {"name": "A", "slug": "a-person"}},
                {
                    "model": "program.authorship",
                    "fields": {
                        "poster": ["00000000-0000-0000-0000-00000000dead"],
                        "person": ["a-person"],
                        "position": 1,
                    },
                },
            ]
        )
    )
    with pytest.raises(DeserializationError) as error:
        call_command("loaddata", str(fixture), verbosity=0)
    assert "program.Authorship at position 1 for person 'a-person' names a poster" in str(
        error.value
    )
    assert not Person.objects.filter(slug="a-person").exists()
