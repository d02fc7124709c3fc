"""Every agenda row has its conference (filled by 0003); a row whose item left the program,
with none of the three items and ``removed_at`` set, is allowed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_agenda_items_outlive_their_items"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agendaitem",
            name="conference",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="program.conference",
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("poster__isnull", True), ("session__isnull", False), ("talk__isnull", True)
                    ),
                    models.Q(
                        ("poster__isnull", False), ("session__isnull", True), ("talk__isnull", True)
                    ),
                    models.Q(
                        ("poster__isnull", True), ("session__isnull", True), ("talk__isnull", False)
                    ),
                    models.Q(
                        ("poster__isnull", True),
                        ("removed_at__isnull", False),
                        ("session__isnull", True),
                        ("talk__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="agenda_item_is_one_thing",
            ),
        ),
    ]
