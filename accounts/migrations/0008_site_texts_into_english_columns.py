from django.db import migrations

OLD_QUESTION = "Who told you about this place, and what brings you here?"
OLD_NEUTRAL_NAME = "Recipes & Notes"


def texts_into_english_columns(apps, schema_editor):
    """Move the settings' texts into their English columns; the old defaults become empty.

    Empty now means Hearth's own wording in the reader's language.
    """
    SiteSettings = apps.get_model("accounts", "SiteSettings")
    for row in SiteSettings.objects.all():
        question = "" if row.approval_question == OLD_QUESTION else row.approval_question
        neutral = "" if row.neutral_name == OLD_NEUTRAL_NAME else row.neutral_name
        SiteSettings.objects.filter(pk=row.pk).update(
            approval_question=question, approval_question_en=question,
            neutral_name=neutral, neutral_name_en=neutral,
            site_name_en=row.site_name, rules_en=row.rules,
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_member_language_and_translated_site_texts")]

    operations = [migrations.RunPython(texts_into_english_columns, migrations.RunPython.noop)]
