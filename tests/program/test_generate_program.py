"""The generated program: the size asked for, reproducible, and valid by the model's own rules."""

import io

import pytest
from django.core.management import CommandError, call_command

from program.generation import generate_program
from program.models import Authorship, Conference, Person, Poster, Session, SessionKind, Talk

pytestmark = pytest.mark.django_db

SMALL = {"posters": 60, "sessions": 9, "days": 3, "people": 200, "rooms": 3, "talks": 6}


def snapshot(slug: str) -> list:
    return [
        (
            poster.title,
            poster.abstract,
            poster.session.title,
            poster.session.starts_at,
            [a.person.name for a in poster.authorships.all()],
        )
        for poster in Poster.objects.filter(session__conference__slug=slug)
        .with_authors()
        .order_by("uid")
    ]


def test_it_makes_the_program_size_asked_for():
    summary = generate_program(slug="gen", **SMALL)
    conference = summary.conference
    assert Session.objects.filter(conference=conference).count() == 9
    assert Poster.objects.filter(session__conference=conference).count() == 60
    assert Talk.objects.filter(session__conference=conference).count() == 6
    assert Person.objects.count() == 200
    assert conference.rooms.count() == 3
    assert len(conference.days) == 3


def test_the_same_seed_gives_the_same_program_and_another_seed_another():
    generate_program(slug="gen", **SMALL)
    first = snapshot("gen")
    call_command("generate_program", slug="gen", replace=True, stdout=io.StringIO(), **SMALL)
    assert snapshot("gen") == first
    Conference.objects.filter(slug="gen").delete()
    generate_program(slug="gen", seed=2, **SMALL)
    assert snapshot("gen") != first


def test_everything_generated_passes_the_models_validation():
    summary = generate_program(slug="gen", timezone="Asia/Tokyo", **SMALL)
    for session in Session.objects.filter(conference=summary.conference):
        session.full_clean()
    for poster in Poster.objects.filter(session__conference=summary.conference)[:30]:
        poster.full_clean()
    for person in Person.objects.all()[:50]:
        person.full_clean()


def test_it_exercises_unknown_times_shared_authors_accents_and_capitals():
    generate_program(slug="gen", **{**SMALL, "sessions": 30, "posters": 200})
    assert Session.objects.filter(starts_at__isnull=True).exists()
    assert Session.objects.filter(kind=SessionKind.REGISTRATION).count() == 3
    names = set(Person.objects.values_list("name", flat=True))
    assert any(name != name.encode("ascii", "ignore").decode() for name in names)
    assert any(name.isupper() for name in names)
    prolific = max(Person.objects.all(), key=lambda p: p.authorships.count())
    assert prolific.authorships.count() >= 3
    assert Authorship.objects.values("poster").distinct().count() == 200


def test_two_generated_conferences_share_a_database():
    generate_program(slug="one", **SMALL)
    generate_program(slug="two", **SMALL)
    assert Person.objects.count() == 400


def test_bad_arguments_are_refused_and_nothing_is_written():
    for bad in ({"posters": -1}, {"days": 0}, {"timezone": "Mars/Base"}, {"sessions": 2}):
        with pytest.raises(CommandError):
            call_command("generate_program", slug="bad", stdout=io.StringIO(), **{**SMALL, **bad})
    with pytest.raises(CommandError, match="reserved"):
        call_command("generate_program", slug="admin", stdout=io.StringIO(), **SMALL)
    generate_program(slug="taken", **SMALL)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_program", slug="taken", stdout=io.StringIO(), **SMALL)
    assert list(Conference.objects.values_list("slug", flat=True)) == ["taken"]
