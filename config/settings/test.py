"""Test settings: only what makes the suite fast and hermetic."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
os.environ.setdefault("HEARTH_HTTPS", "0")
os.environ.setdefault("HEARTH_BEHIND_PROXY", "0")

from .base import *  # noqa: E402,F403
from .base import HEARTH  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
HEARTH = {**HEARTH}
STATIC_ROOT = BASE_DIR / "static"  # noqa: F405 - whitenoise wants an existing folder
