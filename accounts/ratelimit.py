"""Hearth's own rate limits, on django-allauth's mechanism and settings.

Rates are in ACCOUNT_RATE_LIMITS; counters live in the shared cache; per-IP buckets are
keyed by the adapter's rotating hash, never by the address.
"""

import contextlib

from allauth.core.internal import ratelimit as _impl
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import router, transaction


def is_allowed(request, action: str, *, key: str | None = None) -> bool:
    """Consume one use of `action` for this request; return False once over the limit.

    `key` limits per something other than the member, such as the account being recovered.
    """
    user = request.user if request.user.is_authenticated else None
    with _one_write():
        usage = _impl.consume(
            request, app="allauth.account", action=action, user=user, key=key, limit_get=True
        )
    return usage is not None


def _one_write():
    """Return a transaction for one consume's cache writes, where the cache is the database.

    A consume takes, sets and frees a lock for each of the action's rates: six writes. On
    SQLite each was a write transaction of its own, queued behind every other writer of
    the forum; in one, they queue once. (A consume killed half-way now leaves no lock.)
    """
    db_cache = caches[DEFAULT_CACHE_ALIAS]  # the cache allauth's counters use
    if isinstance(db_cache, DatabaseCache):
        return transaction.atomic(using=router.db_for_write(db_cache.cache_model_class))
    return contextlib.nullcontext()


def too_many_requests(request):
    """Return the translated 429 page."""
    return _impl.respond_429(request)
