"""Hearth's own rate limits, on django-allauth's mechanism and settings.

Rates are in ACCOUNT_RATE_LIMITS; counters live in the shared cache; per-IP buckets are
keyed by the adapter's rotating hash, never by the address.
"""

import contextlib

from allauth.core.internal import ratelimit as _impl
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


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


def _database_cache() -> tuple[DatabaseCache, str] | None:
    """Return the counters' cache and its database alias where the cache is the database."""
    db_cache = caches[DEFAULT_CACHE_ALIAS]  # the cache allauth's counters use
    if isinstance(db_cache, DatabaseCache):
        return db_cache, router.db_for_write(db_cache.cache_model_class)
    return None


def _one_write():
    """Return a transaction for one consume's cache writes, where the cache is the database.

    A consume takes, sets and frees a lock for each of the action's rates: six writes. On
    SQLite each was a write transaction of its own, queued behind every other writer of
    the forum; in one, they queue once. (A consume killed half-way now leaves no lock.)
    """
    found = _database_cache()
    return transaction.atomic(using=found[1]) if found else contextlib.nullcontext()


def delete_ended_counters(now) -> int:
    """Delete the counters whose window ended before `now`, where the cache is the database.

    Django's database cache deletes expired entries only once it holds MAX_ENTRIES, set high
    so that live counters are never culled (config/settings/base.py): without this (run by
    the expiry engine), a counter would stay in the table long after its window. Redis drops
    its own. Returns how many went.
    """
    found = _database_cache()
    if not found:
        return 0
    db_cache, db = found
    conn = connections[db]
    if db_cache._table not in conn.introspection.table_names():
        return 0  # not made yet (manage.py createcachetable): the expiry run goes on
    with transaction.atomic(using=db), conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {conn.ops.quote_name(db_cache._table)} WHERE expires < %s",
                       [conn.ops.adapt_datetimefield_value(now)])  # fmt: skip
        return cursor.rowcount


def too_many_requests(request):
    """Return the translated 429 page."""
    return _impl.respond_429(request)
