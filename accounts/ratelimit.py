"""Hearth's own rate limits, on django-allauth's mechanism and settings.

Rates are in ACCOUNT_RATE_LIMITS; counters live in the shared cache; per-IP buckets are
keyed by the adapter's rotating hash, never by the address.
"""

from allauth.core.internal import ratelimit as _impl


def is_allowed(request, action: str, *, key: str | None = None) -> bool:
    """Consume one use of `action` for this request; return False once over the limit.

    `key` limits per something other than the member, such as the account being recovered.
    """
    user = request.user if request.user.is_authenticated else None
    usage = _impl.consume(
        request, app="allauth.account", action=action, user=user, key=key, limit_get=True
    )
    return usage is not None


def too_many_requests(request):
    """Return the translated 429 page."""
    return _impl.respond_429(request)
