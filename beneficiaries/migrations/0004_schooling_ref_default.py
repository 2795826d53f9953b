# Schooling.ref gets the generated default every Record's ref has (casework.models.new_ref), so a
# school entry typed in or posted without a key gets one. The default lives in Python only: the
# change is to the migration state alone, so SQLite does not rebuild two tables for nothing.

from django.db import migrations, models

import casework.models


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0003_period_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="schooling",
                    name="ref",
                    field=models.CharField(
                        default=casework.models.new_ref, max_length=64, unique=True, verbose_name="编号"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalschooling",
                    name="ref",
                    field=models.CharField(
                        db_index=True, default=casework.models.new_ref, max_length=64, verbose_name="编号"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
