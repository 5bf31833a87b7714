"""The member's own account pages and the quick exit."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render


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
