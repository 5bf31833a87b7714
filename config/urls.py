"""Hearth's URLs. Email and password-reset routes of django-allauth answer 404: there is
no email, and those views would fail without one. The admin site's login and password
change are allauth's."""

import os

from django.contrib import admin
from django.urls import include, path, re_path

from accounts import views as account_views
from moderation.urls import report_urlpatterns

ADMIN_PATH = os.environ.get("HEARTH_ADMIN_PATH", "admin/").strip("/") + "/"

# The admin site's own login form would take a password alone: admins sign in through
# django-allauth like everyone else (rate limits, then their second factor).
admin.site.login = account_views.admin_login
admin.site.password_change = account_views.admin_password_change

urlpatterns = [
    re_path(
        r"^accounts/(?:email|confirm-email|password/reset|login/code|phone|reauthenticate/code)(?:/.*)?$",
        account_views.not_found,
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("exit/", account_views.quick_exit, name="quick_exit"),
    path("moderation/", include("moderation.urls")),
    path("", include((report_urlpatterns, "reports"))),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path(ADMIN_PATH, admin.site.urls),
    path("", include("forum.urls")),
]

if os.environ.get("HEARTH_BENCH_VIEWS") == "1":
    # The ceiling for bench/load.py: a bare view served by the same server and middleware.
    from django.http import HttpResponse

    urlpatterns.insert(0, path("bench/bare/", lambda request: HttpResponse("ok")))
