"""Members get a through model (Mitgliedschaft), so a membership can carry the digest opt-in."""

from django.conf import settings
from django.db import migrations, models


def copy_members(apps, schema_editor):
    Forum = apps.get_model("foren", "Forum")
    Mitgliedschaft = apps.get_model("foren", "Mitgliedschaft")
    Through = Forum.members.through
    Mitgliedschaft.objects.bulk_create(
        [Mitgliedschaft(forum_id=row.forum_id, user_id=row.user_id) for row in Through.objects.all()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("foren", "0004_sammlung_beziehungen"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_members, migrations.RunPython.noop),
        migrations.RemoveField(model_name="forum", name="members"),
        migrations.AddField(
            model_name="forum",
            name="members",
            field=models.ManyToManyField(
                blank=True,
                related_name="foren",
                through="foren.Mitgliedschaft",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Mitglieder",
            ),
        ),
    ]
