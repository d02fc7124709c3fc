"""Every write to the program says so through one path (program/changes.py): for every field of
every model a day page shows, the page after an edit is the page rendered from scratch. A field
newly shown on a page that this path does not cover fails here."""

import datetime

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from program import changes
from program.models import Authorship, Conference, Contribution, Person, Poster, Room, Track

pytestmark = pytest.mark.django_db

NOT_EDITED = {
    "id",
    "uid",
    "slug",
    "timezone",
    "is_published",
    "changed_at",
    "program_changed_at",
    "search",
}


def edited(value, field):
    """A different value of the same kind, or None when the field is left alone here."""
    if isinstance(field, models.ForeignKey | models.JSONField | models.BooleanField):
        return None
    if isinstance(field, models.DateTimeField):
        return value + datetime.timedelta(minutes=1) if value else None
    if isinstance(field, models.DateField | models.TimeField):
        return None  # moves the item to another page
    if isinstance(field, models.IntegerField | models.FloatField):
        return (value or 0) + 1
    if isinstance(field, models.CharField | models.TextField):
        if field.choices:
            others = [choice for choice, _ in field.choices if choice != value]
            return others[0] if others else None
        return (
            (value or "") + "Edited"
            if not field.max_length or len(value or "") < 5
            else value[:-1] + "Q"
        )
    return None


def shown_objects(seed):
    poster = Poster.objects.filter(session__conference=seed).order_by("pk").first()
    return poster.session.day, [
        seed,
        poster.session,
        poster,
        poster.contribution,
        Person.objects.filter(authorships__contribution=poster.contribution).first(),
        Authorship.objects.filter(contribution=poster.contribution).first(),
        *Room.objects.filter(conference=seed)[:1],
        *Track.objects.filter(conference=seed)[:1],
    ]


def test_every_field_a_day_page_shows_is_current_after_an_edit(seed):
    day, shown = shown_objects(seed)
    path = f"/mlsys2025/{day}/"
    visitor = Client()
    checked = 0
    for instance in shown:
        for field in instance._meta.concrete_fields:
            if field.name in NOT_EDITED or field.primary_key:
                continue
            value = edited(field.value_from_object(instance), field)
            if value is None:
                continue
            visitor.get(path)  # stored: the page and its blocks
            setattr(instance, field.attname, value)
            try:
                with transaction.atomic():
                    instance.save()
            except IntegrityError:  # a position taken, a name used: another field then
                instance.refresh_from_db()
                continue
            after_edit = visitor.get(path).content
            cache.clear()
            assert after_edit == visitor.get(path).content, f"{instance._meta.label}.{field.name}"
            checked += 1
    assert checked > 20


def test_one_edit_is_two_queries_and_moves_the_version(seed, django_assert_num_queries):
    before = changes.version()
    with django_assert_num_queries(2):
        changes.program_changed([seed.pk], None)
    assert changes.version() != before


def test_a_cascade_is_said_once_by_what_was_deleted(seed):
    """A paper's posters, talks and authorships go with it: one change, not one per row."""
    contribution = Contribution.objects.filter(conference=seed, posters__isnull=False).first()
    before = Conference.objects.get(pk=seed.pk).program_changed_at
    with CaptureQueriesContext(connection) as queries:
        contribution.delete()
    assert Conference.objects.get(pk=seed.pk).program_changed_at > before
    moves = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "program_conference"')]
    assert len(moves) == 1


def test_writes_inside_deferred_say_nothing(seed):
    before = changes.version()
    with changes.deferred():
        Room.objects.create(conference=seed, name="Quiet room")
    assert changes.version() == before
    changes.conference_changed(seed)
    assert changes.version() != before
