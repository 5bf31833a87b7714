"""Staff reach the admin site only with two-factor sign-in set up."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import needs_two_factor


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_prefix = reverse("admin:index")
        if request.path.startswith(admin_prefix) and needs_two_factor(request.user):
            messages.warning(
                request, _("Admins sign in with a second factor. Please set up an authenticator app first.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
