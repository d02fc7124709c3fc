"""People belong to one conference.

Until now a person was global, keyed by a slug made from the name, so loading a second conference
merged different people who share a name and overwrote the first conference's bios. From here a
person is one conference's record of someone. Existing people are split: a person who appears in
several conferences is copied into each of the others (same name, slug, affiliation, bio, links),
and that conference's posters and talks point at its copy. A person on nothing at all goes to the
first conference (the oldest by id); with no conference at all they are deleted, as nothing could
show them.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

LINKS = (("Authorship", "poster"), ("Speakership", "talk"))
BATCH_SIZE = 500


def split_people_per_conference(apps, schema_editor):
    """Queries in bulk, not per person: most people are in one conference and are only updated;
    a person in several conferences gets one copy per other conference, whose posters and talks
    are then pointed at it (two updates per copy)."""
    Conference = apps.get_model("program", "Conference")
    Person = apps.get_model("program", "Person")
    link_models = [(apps.get_model("program", name), item) for name, item in LINKS]
    conferences = defaultdict(set)  # person id -> the conferences of their posters and talks
    for model, item in link_models:
        pairs = model.objects.values_list("person_id", f"{item}__session__conference_id")
        for person_id, conference_id in pairs.distinct():
            conferences[person_id].add(conference_id)
    fallback = Conference.objects.order_by("pk").values_list("pk", flat=True).first()
    people = list(Person.objects.order_by("pk"))
    if fallback is None:  # no conference at all: nobody can be shown, so nobody is kept
        Person.objects.all().delete()
        return
    copies = []  # (the original, the copy)
    for person in people:
        first, *others = sorted(conferences[person.pk]) or [fallback]
        person.conference_id = first
        copies += [
            (
                person,
                Person(
                    conference_id=other,
                    name=person.name,
                    slug=person.slug,
                    affiliation=person.affiliation,
                    bio=person.bio,
                    links=person.links,
                ),
            )
            for other in others
        ]
    Person.objects.bulk_update(people, ["conference"], batch_size=BATCH_SIZE)
    # SQLite (3.35+) and PostgreSQL return the new ids from a bulk insert.
    Person.objects.bulk_create([copy for _, copy in copies], batch_size=BATCH_SIZE)
    for original, copy in copies:
        for model, item in link_models:
            model.objects.filter(
                person=original, **{f"{item}__session__conference": copy.conference_id}
            ).update(person=copy)


def join_people(apps, schema_editor):
    """Backwards: one global person per slug again, where the slugs allow it."""
    Person = apps.get_model("program", "Person")
    first_by_slug = {}
    for person in Person.objects.order_by("pk"):
        keep = first_by_slug.setdefault(person.slug, person)
        if keep.pk != person.pk:
            for model_name, _item in LINKS:
                apps.get_model("program", model_name).objects.filter(person=person).update(
                    person=keep
                )
            person.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0008_tracks"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="person_name_idx",
        ),
        migrations.AddField(
            model_name="person",
            name="conference",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="people",
                to="program.conference",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text="The same person at other conferences: an ORCID (0000-0002-1825-0097), an OpenReview id (~Ada_Lovelace1) or the source's own id. People with one id are linked, never people with one name.",
                max_length=200,
                verbose_name="external id",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(
                help_text="Unique within the conference; the person's page address.", max_length=220
            ),
        ),
        migrations.RunPython(split_people_per_conference, join_people),
        migrations.AlterField(
            model_name="person",
            name="conference",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="people",
                to="program.conference",
            ),
        ),
        migrations.AlterField(
            model_name="authorship",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="%(class)ss",
                to="program.person",
            ),
        ),
        migrations.AlterField(
            model_name="speakership",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="%(class)ss",
                to="program.person",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["conference", "name"], name="person_conference_name_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["external_id"], name="person_external_id_idx"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("conference", "slug"),
                name="person_slug_unique_per_conference",
                violation_error_message="Another person of this conference has this slug.",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("conference", "external_id"),
                name="person_external_id_unique_per_conference",
                violation_error_message="Another person of this conference has this external id.",
            ),
        ),
    ]
