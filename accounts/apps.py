from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members")

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from . import signals

        # Replace Django's exact last-login stamp with a day-precision one.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(signals.record_coarse_last_login, dispatch_uid="hearth_last_login")

        # allauth stamps its authenticators to the microsecond; keep the day only.
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import pre_save

        pre_save.connect(signals.coarsen_authenticator_times, sender=Authenticator,
                         dispatch_uid="hearth_coarse_authenticator_times")  # fmt: skip
