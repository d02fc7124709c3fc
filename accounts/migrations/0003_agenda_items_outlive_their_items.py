"""Agenda rows outlive their items: SET_NULL instead of CASCADE, and what a row shows once its
item is gone (conference, kind, uid, title, saved end, removed_at), filled for existing rows.
The conference becomes required, and the check allows an emptied row, in 0004: PostgreSQL
refuses to alter a table with pending trigger events in the transaction that wrote its rows."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def remember_items(apps, schema_editor):
    """Each row's conference, kind, uid and title from its item; its saved end as the item's
    end now when its start has not moved since it was saved (else unknown)."""
    AgendaItem = apps.get_model("accounts", "AgendaItem")
    rows = AgendaItem.objects.using(schema_editor.connection.alias).select_related(
        "session", "poster__session", "poster__contribution", "talk__session", "talk__contribution"
    )
    batch = []
    for row in rows.order_by("pk").iterator(chunk_size=BATCH):
        if row.session_id:
            kind, item, session = "session", row.session, row.session
            title, starts, ends = session.title, session.starts_at, session.ends_at
        else:
            kind = "poster" if row.poster_id else "talk"
            item = getattr(row, kind)
            session, title = item.session, item.contribution.title
            starts = item.starts_at or session.starts_at
            ends = item.ends_at if item.starts_at else (item.ends_at or session.ends_at)
        row.item_type, row.item_uid, row.conference_id = kind, item.uid, session.conference_id
        row.saved_title = title[:500]
        row.saved_ends_at = ends if starts == row.saved_starts_at else None
        batch.append(row)
        if len(batch) == BATCH:
            AgendaItem.objects.bulk_update(batch, FILLED)
            batch = []
    if batch:
        AgendaItem.objects.bulk_update(batch, FILLED)


FILLED = ["item_type", "item_uid", "conference", "saved_title", "saved_ends_at"]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_share_link"),
        ("program", "0018_session_changed_at"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="agendaitem", name="agenda_item_is_one_thing"),
        migrations.AddField(
            model_name="agendaitem",
            name="conference",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="program.conference",
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="item_type",
            field=models.CharField(
                choices=[("session", "session"), ("poster", "poster"), ("talk", "talk")],
                default="",
                editable=False,
                max_length=10,
                verbose_name="kind",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="item_uid",
            field=models.UUIDField(
                editable=False,
                help_text="The item's uid: its calendar event keeps it once the item is gone.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="removed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the item left the program; the row stays until its owner"
                " dismisses it.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="saved_ends_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="saved_title",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The title when saved, and as it was when the item left the program.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="poster",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="program.poster",
            ),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="session",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="program.session",
            ),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="talk",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="program.talk",
            ),
        ),
        migrations.RunPython(remember_items, migrations.RunPython.noop, elidable=True),
    ]
