"""One rule per kind: the used-invite rule becomes the inviter link's; unused invites and warnings get their own.

The old "invites" rule (180 days after use, by default) deleted used invites, and with them
the link from the members who joined to who invited them: its row becomes the
"inviter_link" rule, keeping the days an admin chose. Unused invites went at their end with
no rule; they get one (0 days after their end). Warnings had no rule; they get one (90 days
after they were written; a dismissed warning goes at the next run).
"""

from django.db import migrations


def split(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    if not RetentionRule.objects.filter(kind="inviter_link").exists():
        RetentionRule.objects.filter(kind="invites").update(kind="inviter_link", measured_from="use")
    RetentionRule.objects.get_or_create(kind="inviter_link", defaults={"days": 180, "measured_from": "use"})
    RetentionRule.objects.filter(kind="invites").exclude(measured_from="end").delete()
    RetentionRule.objects.get_or_create(kind="invites", defaults={"days": 0, "measured_from": "end"})
    RetentionRule.objects.get_or_create(kind="notices", defaults={"days": 90, "measured_from": "creation"})


def join(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    RetentionRule.objects.filter(kind__in=["invites", "notices"]).delete()
    RetentionRule.objects.filter(kind="inviter_link", days=0).update(days=1)  # the old minimum
    RetentionRule.objects.filter(kind="inviter_link").update(kind="invites")


class Migration(migrations.Migration):
    dependencies = [("retention", "0006_kinds_for_notices_and_inviter_links")]
    operations = [migrations.RunPython(split, join)]
