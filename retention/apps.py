from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self):
        from forum import expiry

        from .rules import member_expiry_choices

        expiry.register(member_expiry_choices)
