"""Count the invites rule from use: an unused invite goes when it expires anyway."""

from django.db import migrations


def from_use(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    RetentionRule.objects.filter(kind="invites", measured_from="creation").update(measured_from="use")


def from_creation(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    RetentionRule.objects.filter(kind="invites", measured_from="use").update(measured_from="creation")


class Migration(migrations.Migration):
    dependencies = [("retention", "0003_invites_counted_from_use")]
    operations = [migrations.RunPython(from_use, from_creation)]
