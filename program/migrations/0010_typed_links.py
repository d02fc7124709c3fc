"""Links are typed: ``[{"kind": "homepage", "url": ...}]`` on people, posters and talks.

A person's links were a list of bare URLs; each becomes a typed link, its kind guessed from the
host (orcid.org is an ORCID, github.com is code) and otherwise "homepage", which is what a
person's link on a program page almost always is.
"""

import importlib

from django.db import migrations, models

import program.models.links

# SQLite rebuilds the poster and talk tables to add the column, which drops their
# same-conference triggers: they leave first and are installed again last (see migration 0002).
triggers = importlib.import_module("program.migrations.0002_same_conference_triggers")


def type_person_links(apps, schema_editor):
    Person = apps.get_model("program", "Person")
    for person in Person.objects.exclude(links=[]):
        person.links = [
            link
            if isinstance(link, dict)
            else {"kind": program.models.links.guess_kind(link, "homepage"), "url": link}
            for link in person.links
        ]
        person.save(update_fields=["links"])


def untype_person_links(apps, schema_editor):
    Person = apps.get_model("program", "Person")
    for person in Person.objects.exclude(links=[]):
        person.links = [link["url"] if isinstance(link, dict) else link for link in person.links]
        person.save(update_fields=["links"])


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0009_people_per_conference"),
    ]

    operations = [
        migrations.RunPython(triggers.uninstall, triggers.install, elidable=False),
        migrations.AddField(
            model_name="poster",
            name="links",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='A list of links, each {"kind": ..., "url": "https://..."}; kinds: paper, code, slides, video, stream, homepage, orcid, other.',
                validators=[program.models.links.validate_links],
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="links",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='A list of links, each {"kind": ..., "url": "https://..."}; kinds: paper, code, slides, video, stream, homepage, orcid, other.',
                validators=[program.models.links.validate_links],
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="links",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='A list of links, each {"kind": ..., "url": "https://..."}; kinds: paper, code, slides, video, stream, homepage, orcid, other.',
                validators=[program.models.links.validate_links],
            ),
        ),
        migrations.RunPython(type_person_links, untype_person_links),
        migrations.RunPython(triggers.install, triggers.uninstall, elidable=False),
    ]
