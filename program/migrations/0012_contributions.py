"""Contributions: a paper's or talk's title, abstract, people, track and links move from each
poster and talk to a contribution above them, so one paper can be presented in several slots.

Every existing poster and talk gets a contribution of its own (its uid derived from the item's,
so migrating twice gives the same uids), its authorships and speakerships become the
contribution's authorships, and the Speakership table goes. Reversible: going back copies each
contribution's content into each of its posters and talks.

The triggers of migration 0011 (author and poster of one conference) are replaced by triggers on
contributions: an author is a person of the contribution's conference, and a poster or talk
presents a contribution of its session's conference. SQLite rebuilds the poster, talk and
authorship tables here, so 0002's triggers leave first and come back last.
"""

import importlib
import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import program.models.contributions
import program.models.links
from program.migrations._triggers import Triggers

same_room = importlib.import_module("program.migrations.0002_same_conference_triggers")
old_people = importlib.import_module("program.migrations.0011_people_conference_triggers")
organizers = importlib.import_module("program.migrations.0003_organizers_group")

NAMESPACE = uuid.UUID("3c1f6a2e-8d4b-4f0e-9b7a-5e2d1c0f9a84")
CONTENT = ("title", "abstract", "links", "external_url", "track_id")
BATCH = 1000


def check_constraints_now(apps, schema_editor):
    """PostgreSQL defers foreign key checks to the end of the transaction, and refuses to alter a
    table with checks pending: the rows the data step writes are checked right after it, in
    either direction, before the schema steps that follow."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def contribution_uid(item) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"contribution:{item.uid}")


def forward(apps, schema_editor):
    Contribution = apps.get_model("program", "Contribution")
    Authorship = apps.get_model("program", "Authorship")
    Speakership = apps.get_model("program", "Speakership")
    for name in ("Poster", "Talk"):
        model = apps.get_model("program", name)
        items = list(model.objects.select_related("session").order_by("pk"))
        made = Contribution.objects.bulk_create(
            [
                Contribution(
                    conference_id=item.session.conference_id,
                    uid=contribution_uid(item),
                    **{field: getattr(item, field) for field in CONTENT},
                )
                for item in items
            ],
            batch_size=BATCH,
        )
        if made and made[0].pk is None:  # a database that returns no ids from bulk inserts
            by_uid = dict(Contribution.objects.values_list("uid", "pk"))
            for contribution in made:
                contribution.pk = by_uid[contribution.uid]
        for item, contribution in zip(items, made, strict=True):
            item.contribution_id = contribution.pk
        model.objects.bulk_update(items, ["contribution"], batch_size=BATCH)
    Poster = apps.get_model("program", "Poster")
    Authorship.objects.update(
        contribution_id=Subquery(
            Poster.objects.filter(pk=OuterRef("poster_id")).values("contribution_id")[:1]
        )
    )
    Authorship.objects.bulk_create(
        [
            Authorship(
                contribution_id=speakership.talk.contribution_id,
                person_id=speakership.person_id,
                position=speakership.position,
            )
            for speakership in Speakership.objects.select_related("talk")
        ],
        batch_size=BATCH,
    )


def backward(apps, schema_editor):
    """Each poster and talk gets its contribution's content and people again."""
    Authorship = apps.get_model("program", "Authorship")
    Speakership = apps.get_model("program", "Speakership")
    Poster = apps.get_model("program", "Poster")
    Talk = apps.get_model("program", "Talk")
    people = {}
    for authorship in Authorship.objects.order_by("contribution_id", "position"):
        people.setdefault(authorship.contribution_id, []).append(authorship)
    Authorship.objects.all().delete()
    for model in (Poster, Talk):
        items = list(model.objects.select_related("contribution").order_by("pk"))
        for item in items:
            for field in CONTENT:
                setattr(item, field, getattr(item.contribution, field))
        model.objects.bulk_update(items, list(CONTENT), batch_size=BATCH)
    Authorship.objects.bulk_create(
        [
            Authorship(poster_id=poster.pk, person_id=link.person_id, position=link.position)
            for poster in Poster.objects.order_by("pk")
            for link in people.get(poster.contribution_id, [])
        ],
        batch_size=BATCH,
    )
    Speakership.objects.bulk_create(
        [
            Speakership(talk_id=talk.pk, person_id=link.person_id, position=link.position)
            for talk in Talk.objects.order_by("pk")
            for link in people.get(talk.contribution_id, [])
        ],
        batch_size=BATCH,
    )


MESSAGE = "a contribution, its authors and its posters and talks must belong to the same conference"
ITEMS = ("poster", "talk")

SQLITE = [
    *[
        f"""
        CREATE TRIGGER program_authorship_person_conference_{event.lower()}
        BEFORE {event} ON program_authorship FOR EACH ROW
        WHEN (SELECT conference_id FROM program_person WHERE id = NEW.person_id)
          != (SELECT conference_id FROM program_contribution WHERE id = NEW.contribution_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for event in ("INSERT", "UPDATE")
    ],
    *[
        f"""
        CREATE TRIGGER program_{item}_contribution_conference_{event.lower()}
        BEFORE {event} ON program_{item} FOR EACH ROW
        WHEN (SELECT conference_id FROM program_contribution WHERE id = NEW.contribution_id)
          != (SELECT conference_id FROM program_session WHERE id = NEW.session_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for item in ITEMS
        for event in ("INSERT", "UPDATE")
    ],
    f"""
    CREATE TRIGGER program_person_conference_update
    BEFORE UPDATE OF conference_id ON program_person FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_authorship a
                 JOIN program_contribution c ON c.id = a.contribution_id
                 WHERE a.person_id = NEW.id AND c.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER program_contribution_conference_update
    BEFORE UPDATE OF conference_id ON program_contribution FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_authorship a JOIN program_person p ON p.id = a.person_id
                 WHERE a.contribution_id = NEW.id AND p.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_poster i JOIN program_session s ON s.id = i.session_id
                 WHERE i.contribution_id = NEW.id AND s.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_talk i JOIN program_session s ON s.id = i.session_id
                 WHERE i.contribution_id = NEW.id AND s.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER program_session_contributions_conference_update
    BEFORE UPDATE OF conference_id ON program_session FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM program_poster i
                 JOIN program_contribution c ON c.id = i.contribution_id
                 WHERE i.session_id = NEW.id AND c.conference_id != NEW.conference_id)
      OR EXISTS (SELECT 1 FROM program_talk i
                 JOIN program_contribution c ON c.id = i.contribution_id
                 WHERE i.session_id = NEW.id AND c.conference_id != NEW.conference_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "program_authorship_person_conference_insert",
        "program_authorship_person_conference_update",
        *(
            f"program_{item}_contribution_conference_{e}"
            for item in ITEMS
            for e in ("insert", "update")
        ),
        "program_person_conference_update",
        "program_contribution_conference_update",
        "program_session_contributions_conference_update",
    )
]


def _pg_function(name: str, condition: str, *, update_only: str = "") -> str:
    guard = f"TG_OP = 'UPDATE' AND {update_only} AND " if update_only else ""
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        IF {guard}({condition}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """


POSTGRESQL = [
    _pg_function(
        "program_check_authorship_person",
        "(SELECT conference_id FROM program_person WHERE id = NEW.person_id)"
        " <> (SELECT conference_id FROM program_contribution WHERE id = NEW.contribution_id)",
    ),
    """
    CREATE TRIGGER program_authorship_person_conference
    BEFORE INSERT OR UPDATE ON program_authorship
    FOR EACH ROW EXECUTE FUNCTION program_check_authorship_person()
    """,
    _pg_function(
        "program_check_item_contribution",
        "(SELECT conference_id FROM program_contribution WHERE id = NEW.contribution_id)"
        " <> (SELECT conference_id FROM program_session WHERE id = NEW.session_id)",
    ),
    *[
        f"""
        CREATE TRIGGER program_{item}_contribution_conference
        BEFORE INSERT OR UPDATE ON program_{item}
        FOR EACH ROW EXECUTE FUNCTION program_check_item_contribution()
        """
        for item in ITEMS
    ],
    _pg_function(
        "program_check_person_move",
        "EXISTS (SELECT 1 FROM program_authorship a"
        " JOIN program_contribution c ON c.id = a.contribution_id"
        " WHERE a.person_id = NEW.id AND c.conference_id <> NEW.conference_id)",
        update_only="NEW.conference_id <> OLD.conference_id",
    ),
    """
    CREATE TRIGGER program_person_conference_move
    BEFORE UPDATE ON program_person
    FOR EACH ROW EXECUTE FUNCTION program_check_person_move()
    """,
    _pg_function(
        "program_check_contribution_move",
        "EXISTS (SELECT 1 FROM program_authorship a JOIN program_person p ON p.id = a.person_id"
        " WHERE a.contribution_id = NEW.id AND p.conference_id <> NEW.conference_id)"
        " OR EXISTS (SELECT 1 FROM program_poster i JOIN program_session s ON s.id = i.session_id"
        " WHERE i.contribution_id = NEW.id AND s.conference_id <> NEW.conference_id)"
        " OR EXISTS (SELECT 1 FROM program_talk i JOIN program_session s ON s.id = i.session_id"
        " WHERE i.contribution_id = NEW.id AND s.conference_id <> NEW.conference_id)",
        update_only="NEW.conference_id <> OLD.conference_id",
    ),
    """
    CREATE TRIGGER program_contribution_conference_move
    BEFORE UPDATE ON program_contribution
    FOR EACH ROW EXECUTE FUNCTION program_check_contribution_move()
    """,
    _pg_function(
        "program_check_session_contributions",
        "EXISTS (SELECT 1 FROM program_poster i"
        " JOIN program_contribution c ON c.id = i.contribution_id"
        " WHERE i.session_id = NEW.id AND c.conference_id <> NEW.conference_id)"
        " OR EXISTS (SELECT 1 FROM program_talk i"
        " JOIN program_contribution c ON c.id = i.contribution_id"
        " WHERE i.session_id = NEW.id AND c.conference_id <> NEW.conference_id)",
        update_only="NEW.conference_id <> OLD.conference_id",
    ),
    """
    CREATE TRIGGER program_session_contributions_move
    BEFORE UPDATE ON program_session
    FOR EACH ROW EXECUTE FUNCTION program_check_session_contributions()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS program_authorship_person_conference ON program_authorship",
    *[
        f"DROP TRIGGER IF EXISTS program_{item}_contribution_conference ON program_{item}"
        for item in ITEMS
    ],
    "DROP TRIGGER IF EXISTS program_person_conference_move ON program_person",
    "DROP TRIGGER IF EXISTS program_contribution_conference_move ON program_contribution",
    "DROP TRIGGER IF EXISTS program_session_contributions_move ON program_session",
    *[
        f"DROP FUNCTION IF EXISTS {name}()"
        for name in (
            "program_check_authorship_person",
            "program_check_item_contribution",
            "program_check_person_move",
            "program_check_contribution_move",
            "program_check_session_contributions",
        )
    ],
]

TRIGGERS = Triggers({"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)})
# Later migrations that make SQLite rebuild one of these tables call these again.
install, uninstall = TRIGGERS.install, TRIGGERS.uninstall

REMOVED_FROM_ITEMS = ("title", "abstract", "external_url", "links", "track")


def contribution_field(null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null,
        help_text="The paper or talk presented here: its title, abstract and people.",
        on_delete=django.db.models.deletion.CASCADE,
        related_name="%(class)ss",
        to="program.contribution",
    )


class Migration(migrations.Migration):
    dependencies = [("program", "0011_people_conference_triggers")]

    operations = [
        migrations.RunPython(same_room.uninstall, same_room.install, elidable=False),
        migrations.RunPython(old_people.uninstall, old_people.install, elidable=False),
        migrations.CreateModel(
            name="Contribution",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "uid",
                    models.UUIDField(
                        default=uuid.uuid4,
                        editable=False,
                        help_text="Stable identity across fixtures and imports.",
                        unique=True,
                    ),
                ),
                ("title", models.CharField(max_length=500)),
                ("abstract", models.TextField(blank=True)),
                (
                    "keywords",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text='Words or phrases, in printed order: ["LLM", "scheduling"].',
                        validators=[program.models.contributions.validate_keywords],
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        blank=True,
                        help_text='The language it is given in, as a tag: "en", "de", "pt-BR".',
                        max_length=35,
                        validators=[program.models.contributions.validate_language],
                    ),
                ),
                (
                    "external_url",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=500,
                        verbose_name="page on the conference site",
                    ),
                ),
                (
                    "links",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text=program.models.links.LINKS_HELP,
                        validators=[program.models.links.validate_links],
                    ),
                ),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contributions",
                        to="program.conference",
                    ),
                ),
                (
                    "track",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leave empty to show each presentation in its session's track.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="contributions",
                        to="program.track",
                    ),
                ),
            ],
            options={"ordering": ["conference", "title", "pk"]},
        ),
        migrations.AlterField(
            model_name="authorship",
            name="poster",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="authorships",
                to="program.poster",
            ),
        ),
        migrations.AddField(
            model_name="authorship",
            name="contribution",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="authorships",
                to="program.contribution",
            ),
        ),
        migrations.AddField(
            model_name="poster", name="contribution", field=contribution_field(True)
        ),
        migrations.AddField(model_name="talk", name="contribution", field=contribution_field(True)),
        migrations.RunPython(check_constraints_now, check_constraints_now, elidable=False),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RunPython(check_constraints_now, check_constraints_now, elidable=False),
        migrations.RemoveConstraint(model_name="authorship", name="authorship_position_unique"),
        migrations.RemoveConstraint(model_name="authorship", name="authorship_person_unique"),
        migrations.RemoveField(model_name="poster", name="authors"),
        migrations.RemoveField(model_name="talk", name="speakers"),
        migrations.RemoveField(model_name="authorship", name="poster"),
        migrations.AlterField(
            model_name="authorship",
            name="contribution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="authorships",
                to="program.contribution",
            ),
        ),
        migrations.AlterModelOptions(
            name="authorship", options={"ordering": ["contribution", "position"]}
        ),
        migrations.AddConstraint(
            model_name="authorship",
            constraint=models.UniqueConstraint(
                fields=("contribution", "position"),
                name="authorship_position_unique",
                violation_error_message="Two authors cannot share a position on one paper or talk.",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorship",
            constraint=models.UniqueConstraint(
                fields=("contribution", "person"),
                name="authorship_person_unique",
                violation_error_message="This person is already an author of this paper or talk.",
            ),
        ),
        migrations.DeleteModel(name="Speakership"),
        # A default for the titles, so that going back can add them to existing rows.
        *[
            migrations.AlterField(
                model_name=item, name="title", field=models.CharField(default="", max_length=500)
            )
            for item in ITEMS
        ],
        *[
            migrations.RemoveField(model_name=item, name=field)
            for item in ITEMS
            for field in REMOVED_FROM_ITEMS
        ],
        migrations.AlterField(
            model_name="poster", name="contribution", field=contribution_field(False)
        ),
        migrations.AlterField(
            model_name="talk", name="contribution", field=contribution_field(False)
        ),
        migrations.AddField(
            model_name="contribution",
            name="people",
            field=models.ManyToManyField(
                blank=True,
                related_name="contributions",
                through="program.Authorship",
                to="program.person",
            ),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(fields=["conference", "title"], name="contribution_title_idx"),
        ),
        migrations.RunPython(
            organizers.create_organizers_group, migrations.RunPython.noop, elidable=False
        ),
        migrations.RunPython(same_room.install, same_room.uninstall, elidable=False),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
