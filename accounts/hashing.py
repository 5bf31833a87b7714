"""Keyed hashes: what Hearth keeps instead of addresses, recovery codes and invite codes."""

import hashlib
import hmac

from django.conf import settings


def keyed_digest(purpose: str, value: str, *, key: str | None = None) -> str:
    """Return HMAC-SHA256 of `value` under a key derived for `purpose` (hex, 64 characters).

    Each purpose gets its own key, so a digest made for one use says nothing about another.
    """
    material = f"hearth-{purpose}:{key if key is not None else settings.SECRET_KEY}".encode()
    return hmac.new(hashlib.sha256(material).digest(), value.encode(), hashlib.sha256).hexdigest()
