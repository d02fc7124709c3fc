"""Contribution.external_id, added in place: on SQLite Django would rebuild the table for a NOT
NULL column, which drops the triggers that name it (see ``_triggers``); ``ADD COLUMN`` with a
default works alike on SQLite and PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0019_pending_import_timezone"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE program_contribution"
                    " ADD COLUMN external_id varchar(200) DEFAULT '' NOT NULL",
                    "ALTER TABLE program_contribution DROP COLUMN external_id",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="contribution",
                    name="external_id",
                    field=models.CharField(
                        blank=True,
                        default="",
                        help_text="The submission's id in the tool it came from (a pretalx code"
                        " such as 'GXMQAB'), kept by imports and written back by the frab"
                        " exports.",
                        max_length=200,
                        verbose_name="external id",
                    ),
                ),
            ],
        ),
    ]
