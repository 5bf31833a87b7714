"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site(request):
    """Give templates the site settings as `hearth`, loaded only if a template uses them.

    (Not `site`: django-allauth puts the current Site object in its pages' context under it.)
    """
    return {"hearth": getattr(request, "site", None) or SimpleLazyObject(SiteSettings.load)}
