"""Response headers that protect members: no caching of pages, no powerful features."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The site settings row, read at most once per request and only if used.
        request.site = SimpleLazyObject(SiteSettings.load)
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Nothing a page shows may stay in the browser's cache of a device that can be
        # searched: pages are never stored (static files are served before this point).
        add_never_cache_headers(response)
        response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
