"""Texts an admin writes for members, in every language (django-modeltranslation).

An empty translation falls back to English, and an empty English one to Hearth's own
wording in the reader's language (see SiteSettings' properties).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import SiteSettings


@register(SiteSettings)
class SiteSettingsTranslationOptions(TranslationOptions):
    fields = ("approval_question", "rules", "site_name", "neutral_name")
