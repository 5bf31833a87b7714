from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from accounts import data

        from .actions import export_member_reports

        data.register("moderation", export=export_member_reports)
