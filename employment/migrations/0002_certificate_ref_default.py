# Certificate.ref gets the generated default every Record's ref has (casework.models.new_ref).
# A callable default lives in Python only, as it does for the Record models' initial migrations:
# the change is to the migration state alone, so SQLite does not rebuild two tables for nothing.

from django.db import migrations, models

import casework.models


class Migration(migrations.Migration):
    dependencies = [
        ("employment", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="ref",
                    field=models.CharField(
                        default=casework.models.new_ref, max_length=64, unique=True, verbose_name="编号"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcertificate",
                    name="ref",
                    field=models.CharField(
                        db_index=True, default=casework.models.new_ref, max_length=64, verbose_name="编号"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
