"""Response headers that protect members: no caching of pages, no powerful features."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import translation
from django.utils.translation import gettext as _
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


IDLE_KEY = "hearth_idle_until"
IDLE_STEP_SECONDS = 300


class IdleSignOutMiddleware:
    """End sessions that were not kept signed in after the admin's idle time.

    The session keeps only when it lapses, rounded up to five minutes, and is written at most
    once in five minutes: it is no record of visits, and it goes with the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get_expire_at_browser_close():
            now = int(time.time())
            until = request.session.get(IDLE_KEY)
            if until is not None and until < now:
                logout(request)
                messages.info(request, _("You were signed out after a while without a visit."))
            else:
                idle = request.site.session_idle_minutes * 60
                fresh = (now + idle) // IDLE_STEP_SECONDS * IDLE_STEP_SECONDS + IDLE_STEP_SECONDS
                if until is None or fresh - until >= IDLE_STEP_SECONDS:
                    request.session[IDLE_KEY] = fresh
        return self.get_response(request)


class MemberLanguageMiddleware:
    """Show a signed-in member's pages in the language kept in their account.

    The browser's language cookie follows, so the choice holds on every device they sign
    in on. Runs after authentication; a response that sets the cookie itself (the language
    menu) is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = user.language if user is not None and user.is_authenticated else ""
        cookie = settings.LANGUAGE_COOKIE_NAME
        if chosen and translation.check_for_language(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if chosen and request.COOKIES.get(cookie) != chosen and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
