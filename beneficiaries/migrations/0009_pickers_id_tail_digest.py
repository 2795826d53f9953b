"""The blind index of the last six characters of each ID number (search by 身份证号后六位), filled for the
persons already on record from their encrypted numbers. No history row is written: the number did not change.
"""

from django.db import migrations, models

BATCH = 1000


def fill_tail_digests(apps, schema_editor):
    from beneficiaries.models import Person as LivePerson
    from casework import crypto

    Person = apps.get_model("beneficiaries", "Person")
    rows = Person.objects.filter(id_tail_digest="").order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk", "id_number_encrypted")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        for person in batch:
            person.id_tail_digest = LivePerson.tail_digest(crypto.decrypt(person.id_number_encrypted))
        Person.objects.bulk_update(batch, ["id_tail_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0008_household_file"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalperson",
            name="id_tail_digest",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="person",
            name="id_tail_digest",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_tail_digests, migrations.RunPython.noop, elidable=True),
    ]
