# Roster files are encrypted at rest like the personal-data columns, and purged after a retention period.

from django.db import migrations, models


def encrypt_files(apps, schema_editor):
    from casework import crypto

    RosterImport = apps.get_model("rosters", "RosterImport")
    for pk in RosterImport.objects.values_list("pk", flat=True):
        content = RosterImport.objects.values_list("content", flat=True).get(pk=pk)
        token = crypto.encrypt_bytes(bytes(content or b""))
        RosterImport.objects.filter(pk=pk).update(content_encrypted=token)


class Migration(migrations.Migration):
    dependencies = [
        ("rosters", "0001_roster_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="rosterimport",
            name="content_encrypted",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="文件内容（加密）"),
        ),
        migrations.RunPython(encrypt_files, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="rosterimport",
            name="content",
        ),
        migrations.AddField(
            model_name="historicalrosterimport",
            name="file_purged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="文件删除时间"),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="file_purged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="文件删除时间"),
        ),
    ]
