"""django-allauth adapter: pseudonyms only, and no client IP address anywhere."""

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import get_client_ip
from allauth.core.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import pseudonyms
from .hashing import keyed_digest

# The keyed hash rotates once a day: the same address maps to a new value every day, so a
# cache dump cannot link rate-limit entries across days or be reversed with a table of
# addresses without the key.
IP_HASH_ROTATION_SECONDS = 60 * 60 * 24


def hashed_client_key(request, *, now: float | None = None) -> str:
    """Return a keyed, rotating hash of the client address: the address itself is never kept."""
    address = get_client_ip(request) or "unknown"
    period = int((now if now is not None else time.time()) // IP_HASH_ROTATION_SECONDS)
    return keyed_digest(f"ip:{period}", address, key=settings.HEARTH_IP_HASH_KEY)[:32]


class HearthAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_taken": _("This pseudonym is taken. Please choose another."),
        "username_password_mismatch": _("The pseudonym or the password is not right."),
    }

    def get_client_ip(self, request) -> str:
        return hashed_client_key(request)

    def get_http_user_agent(self, request) -> str:
        return ""

    def pre_authenticate(self, request, **credentials) -> None:
        """Answer too many failed sign-ins with 429, like every other rate limit."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if getattr(error, "code", None) == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = pseudonyms.normalize(username)
        username = super().clean_username(username, shallow=shallow)
        if not shallow:
            pseudonyms.check_not_look_alike(username)
        return username

    def get_login_redirect_url(self, request) -> str:
        """Send a member without recovery codes (never made, or all used) to make them first.

        In approval mode a newcomer cannot sign in right after joining, so this first sign-in
        is where they are offered their codes.
        """
        from .models import RecoveryCode

        if not RecoveryCode.objects.filter(user=request.user).exists():
            messages.info(request, _(
                "You have no recovery codes. There is no email here: if you forget your password, "
                "a recovery code is the only way back into your account. Please make them now."
            ))  # fmt: skip
            return reverse("accounts:recovery_codes")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        """Save a newcomer; in approval mode the account waits, unable to sign in."""
        from .models import RegistrationMode, SiteSettings

        user = super().save_user(request, user, form, commit=False)
        mode = SiteSettings.load().registration_mode
        if mode == RegistrationMode.APPROVAL:
            user.is_active = False
            user.approval_pending = True
            user.approval_answer = form.cleaned_data.get("answer", "")
        if commit:
            user.save()
        if mode == RegistrationMode.INVITE:
            from .invites import use

            if not use(form.cleaned_data.get("invite", ""), user):
                # The last use went to someone else a moment ago: nobody joins on it.
                user.delete()
                raise ImmediateHttpResponse(redirect("account_signup"))
        return user

    def send_mail(self, template_prefix, email, context):
        """Hearth has no email: nothing is ever sent."""
        return None


class HearthMFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        """Name the site in authenticator apps as pages do: the neutral name in neutral mode.

        A phone searched at a checkpoint shows its authenticator entries too.
        """
        from .models import SiteSettings

        return SiteSettings.load().shown_name
