"""The member's own account pages and the quick exit."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from . import data, invites, permissions, ratelimit, recovery
from .forms import DeleteAccountForm, InviteForm, PasswordConfirmForm, PreferencesForm, RecoverForm
from .models import Invite, User


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        User.objects.filter(pk=request.user.pk).update(**form.cleaned_data)
        messages.success(request, _("Your choice is saved."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


def set_language(request):
    """Change the language of the pages; a signed-in member's choice is kept in their account."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


def quick_exit(request):
    """Leave for a neutral site at once, signing out if the member chose so.

    The referrer policy keeps our address out of the next site's logs.
    """
    if request.user.is_authenticated and request.user.quick_exit_signs_out:
        logout(request)
    response = HttpResponseRedirect(request.site.quick_exit_url)
    response["Referrer-Policy"] = "no-referrer"
    return response


def not_found(request, *args, **kwargs):
    """Answer 404 for routes that make no sense without email (reset, email management)."""
    raise Http404


def admin_login(request, extra_context=None):
    """Send the admin site's sign-in to Hearth's own, so admins pass two-factor and rate limits.

    Django's admin login would accept a password alone; this view never signs anyone in.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if permissions.is_admin(request.user):
            return redirect(next_url)
        raise Http404  # a member: the admin site is not theirs (and no redirect loop)
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def admin_password_change(request, extra_context=None):
    """Send the admin site's password change to Hearth's own (rate limited, like every other)."""
    return redirect("account_change_password")


def csrf_failure(request, reason=""):
    """Explain an expired or foreign form in the member's language, with the site around it."""
    return render(request, "403_csrf.html", status=403)


def _confirmed(request, form_class, template, act, context=None):
    """Show `template` with a password form; once the password is right, return act(form).

    Password attempts share django-allauth's reauthentication rate limit.
    """
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit.is_allowed(request, "reauthenticate"):
            return ratelimit.too_many_requests(request)
        if form.is_valid():
            return act(form)
    return render(request, template, {"form": form, **(context or {})})


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request):
    """Download everything stored about me, as JSON, after entering the password."""

    def download(form):
        payload = json.dumps(data.export(request.user), ensure_ascii=False, indent=2)
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response

    return _confirmed(request, PasswordConfirmForm, "accounts/data_export.html", download)


def _gone(request):
    """End the session, tell the browser to forget the site, and show a page naming nothing."""
    logout(request)
    response = render(request, "accounts/gone.html")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):

    def delete(form):
        delete_content = form.cleaned_data["content"] == DeleteAccountForm.DELETE
        data.erase(request.user, delete_content=delete_content)
        return _gone(request)

    return _confirmed(request, DeleteAccountForm, "accounts/delete_account.html", delete)


@login_required
@require_http_methods(["GET", "POST"])
def panic_wipe(request):
    """Delete the account and everything it wrote at once, end the session, leave no trace."""

    def wipe(form):
        data.erase(request.user, delete_content=True)
        return _gone(request)

    return _confirmed(request, PasswordConfirmForm, "accounts/panic_wipe.html", wipe)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Make recovery codes (the old ones stop working), always after entering the password.

    Whoever holds an unlocked phone for a moment must not be able to make codes and take
    the account with them, not even when the member has none left.
    """

    def show(form):
        return render(request, "accounts/recovery_codes_new.html", {"codes": recovery.regenerate(request.user)})

    has_codes = request.user.recovery_codes.exists()
    return _confirmed(request, PasswordConfirmForm, "accounts/recovery_codes.html", show,
                      {"has_codes": has_codes})  # fmt: skip


@require_http_methods(["GET", "POST"])
def recover(request):
    """Set a new password with a recovery code; every session of the account ends."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = recovery.guess_limit_key(form.cleaned_data["username"])
        if not ratelimit.is_allowed(request, "recover", key=key):
            return ratelimit.too_many_requests(request)
        user = recovery.recover(form.cleaned_data["username"], form.cleaned_data["code"],
                                form.cleaned_data["password1"])  # fmt: skip
        if user is not None:
            messages.success(request, _("Your password is changed and every other session ended. "
                                        "Please sign in. That code cannot be used again."))  # fmt: skip
            return redirect("account_login")
        form.add_error(None, _("That pseudonym and code do not fit together."))
    return render(request, "accounts/recover.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def invite_list(request):
    """My invites: make one (the code shows once), see and revoke the ones I made."""
    permissions.check_invite(request.user, request.site)
    form = InviteForm(request.POST or None)
    code = None
    if request.method == "POST" and form.is_valid():
        _invite, code = invites.create_invite(
            request.user, days=form.cleaned_data["days"], uses=form.cleaned_data["uses"]
        )
        form = InviteForm()
    mine = request.user.invites_made.annotate(joined=Count("invitees")).order_by("-id")
    return render(request, "accounts/invites.html", {"form": form, "code": code, "invites": mine})


@login_required
@require_POST
def invite_revoke(request, pk):
    invite = get_object_or_404(Invite, pk=pk, inviter=request.user)
    invites.revoke(invite)
    messages.success(request, _("The invite is revoked: its code no longer works."))
    return redirect("accounts:invites")
