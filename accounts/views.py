"""The member's own account pages and the quick exit."""

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import data, ratelimit
from .forms import DeleteAccountForm, PasswordConfirmForm


@login_required
def account(request):
    return render(request, "accounts/account.html")


def quick_exit(request):
    """Leave for a neutral site at once; the referrer policy keeps our address out of it."""
    response = HttpResponseRedirect(request.site.quick_exit_url)
    response["Referrer-Policy"] = "no-referrer"
    return response


def not_found(request, *args, **kwargs):
    """Answer 404 for routes that make no sense without email (reset, email management)."""
    raise Http404


def csrf_failure(request, reason=""):
    """Explain an expired or foreign form in the member's language, with the site around it."""
    return render(request, "403_csrf.html", status=403)


def _confirmed(request, form_class):
    """Return a bound, valid form, a 429 response, or an unbound/invalid form to show."""
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit.is_allowed(request, "reauthenticate"):
            return None, ratelimit.too_many_requests(request)
        if form.is_valid():
            return form, None
    return form, None


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request):
    """Download everything stored about me, as JSON, after entering the password."""
    form, refused = _confirmed(request, PasswordConfirmForm)
    if refused:
        return refused
    if request.method == "POST" and form.is_bound and form.is_valid():
        payload = json.dumps(data.export(request.user), ensure_ascii=False, indent=2)
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(request, "accounts/data_export.html", {"form": form})


def _gone(request, *, clear_site_data):
    logout(request)
    response = render(request, "accounts/gone.html")
    if clear_site_data:
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form, refused = _confirmed(request, DeleteAccountForm)
    if refused:
        return refused
    if request.method == "POST" and form.is_bound and form.is_valid():
        delete_content = form.cleaned_data["content"] == DeleteAccountForm.DELETE
        data.erase(request.user, delete_content=delete_content)
        return _gone(request, clear_site_data=True)
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def panic_wipe(request):
    """Delete the account and everything it wrote at once, end the session, leave no trace."""
    form, refused = _confirmed(request, PasswordConfirmForm)
    if refused:
        return refused
    if request.method == "POST" and form.is_bound and form.is_valid():
        data.erase(request.user, delete_content=True)
        return _gone(request, clear_site_data=True)
    return render(request, "accounts/panic_wipe.html", {"form": form})
