"""Create the default rules of DESIGN.md's data life cycle and the members' expiry choices."""

from django.db import migrations

DEFAULTS = {
    "posts": (90, "last_activity"),
    "reports": (30, "resolution"),
    "moderation_log": (90, "creation"),
    "accounts": (365, "last_login"),
    "invites": (180, "creation"),
    "sessions": (14, "last_activity"),
}
EXPIRY_CHOICES = (1, 7, 30)


def create_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    ExpiryChoice = apps.get_model("retention", "ExpiryChoice")
    for kind, (days, measure) in DEFAULTS.items():
        RetentionRule.objects.get_or_create(kind=kind, defaults={"days": days, "measured_from": measure})
    for days in EXPIRY_CHOICES:
        ExpiryChoice.objects.get_or_create(days=days)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
