"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site(request):
    """Give templates the site settings, loaded only if a template uses them."""
    return {"site": getattr(request, "site", None) or SimpleLazyObject(SiteSettings.load)}
