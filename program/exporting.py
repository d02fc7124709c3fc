"""One conference as a fixture: what ``manage.py export_conference`` writes.

``dumpdata program`` holds every conference; ``conference_records`` holds one conference and what
belongs to it, in loading order: the conference, what hangs off it directly (its people, rooms,
tracks, and any other such model), its sessions, its contributions with their authorships, and
its posters and talks.
Records are Django's own serialized objects with natural keys (``dumpdata --natural-foreign
--natural-primary``), so ``loaddata`` reads the file into any database, and every field a
model gains is exported with it.

The file is the same bytes for the same program, whichever database holds it: records are sorted
in Python by their natural keys or printed order (databases sort text and nulls differently), and
``render_records`` writes them as ``devtools/devdata/seed_fixture.py`` writes the seed fixture.
The conference's ``program_changed_at`` is left out: it says when *this* database's pages
changed, and the database that loads the file sets its own (the load time).

One query per model whatever the conference's size: the foreign keys that natural keys follow
(a room's conference, a session's room, an authorship's poster and person) are pointed at the
objects already read, never fetched one by one.
"""

from __future__ import annotations

import json

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from program.models import Authorship, Conference, Contribution, Poster, Session, Talk

#: The conference's fields that stay in its database (see the module's docstring).
LOCAL_CONFERENCE_FIELDS = frozenset({"program_changed_at"})


def export_conference(conference: Conference) -> str:
    """The conference's fixture as text: JSON, indented by 2, ending with a newline."""
    return render_records(conference_records(conference))


def render_records(records: list[dict]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"


def conference_parts() -> list[type[models.Model]]:
    """The program's models that belong to a conference directly, sessions and contributions
    aside: Person, Room, Track, ... (by label, which is also a loading order: none of them names
    another)."""
    return sorted(
        (
            relation.related_model
            for relation in Conference._meta.related_objects
            if relation.one_to_many
            and relation.related_model._meta.app_label == "program"
            and relation.related_model not in (Session, Contribution)
        ),
        key=lambda model: model._meta.label,
    )


def conference_records(conference: Conference) -> list[dict]:
    """Serialized records of the conference and its program, in loading order."""
    read = ReadObjects()
    read.add(Conference, [conference])
    parts = [
        read.add(model, model.objects.filter(conference=conference), key=natural_key)
        for model in conference_parts()
    ]
    sessions = read.add(
        Session,
        Session.objects.filter(conference=conference),
        key=lambda session: (session.day, session.position, session.uid),
    )
    contributions = read.add(Contribution, Contribution.objects.filter(conference=conference))
    items = [
        read.add(
            model,
            model.objects.filter(session__conference=conference),
            key=lambda item: (read.rank(item.session), item.position, item.uid),
        )
        for model in (Poster, Talk)
    ]
    # Contributions in the order of their first presentation (unscheduled ones last, by title),
    # then their people in that order.
    first = {}
    for item in (item for kind in items for item in kind):
        rank = (read.rank(item.session), item.position, item.uid)
        first[item.contribution_id] = min(first.get(item.contribution_id, rank), rank)
    read.reorder(
        Contribution,
        contributions,
        key=lambda c: (c.pk not in first, first.get(c.pk, ()), c.title, c.uid),
    )
    links = read.add(
        Authorship,
        Authorship.objects.filter(contribution__conference=conference),
        key=lambda link: (read.rank(link.contribution), link.position),
    )
    conference_fields = [
        field.name
        for field in Conference._meta.local_fields
        if field.serialize and field.name not in LOCAL_CONFERENCE_FIELDS
    ]
    return [
        *serialize([conference], fields=conference_fields),
        *(
            record
            for part in [*parts, sessions, contributions, links, *items]
            for record in serialize(part)
        ),
    ]


def natural_key(instance: models.Model) -> tuple:
    return instance.natural_key()


class ReadObjects:
    """The objects read so far, by model and pk, each with its rank in the file's order."""

    def __init__(self):
        self.by_pk: dict[type[models.Model], dict] = {}
        self.ranks: dict[tuple[type[models.Model], object], int] = {}

    def add(self, model, objects, key=None) -> list[models.Model]:
        """Read the objects, point their foreign keys at objects read before, and sort them."""
        objects = list(objects)
        for instance in objects:
            self.attach(instance)
        if key is not None:
            objects.sort(key=key)
        self.by_pk[model] = {instance.pk: instance for instance in objects}
        self.ranks.update(((model, instance.pk), rank) for rank, instance in enumerate(objects))
        return objects

    def reorder(self, model, objects: list[models.Model], key) -> None:
        """Sort objects read before by a key known only later, and rank them anew."""
        objects.sort(key=key)
        self.ranks.update(((model, instance.pk), rank) for rank, instance in enumerate(objects))

    def rank(self, instance: models.Model) -> int:
        return self.ranks[type(instance), instance.pk]

    def attach(self, instance: models.Model) -> None:
        """Point each foreign key at the object already read, so its natural key costs no query.

        The database keeps a program within its conference (rooms and tracks of the same
        conference, triggers in migration 0002), so what a key names has been read; a key to a
        model the export does not hold would make a file that cannot load, so it is refused.
        """
        for field in instance._meta.concrete_fields:
            pk = getattr(instance, field.attname)
            if not field.many_to_one or pk is None:
                continue
            if field.related_model not in self.by_pk:
                target = field.related_model._meta.label
                raise ValueError(
                    f"{instance._meta.label}.{field.name} names a {target}, which a conference's"
                    " export does not hold."
                )
            setattr(instance, field.name, self.by_pk[field.related_model][pk])


def serialize(objects: list[models.Model], **options) -> list[dict]:
    return serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        **options,
    )
