"""Account recovery without email: single-use codes, shown once, stored as keyed hashes."""

import secrets

from django.db import transaction

from . import pseudonyms
from .data import end_sessions
from .hashing import keyed_digest
from .models import RecoveryCode, User

CODE_COUNT = 8
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def _digest(code: str) -> str:
    return keyed_digest("recovery", "".join(c for c in code.lower() if c in ALPHABET))


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))  # about 79 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def regenerate(user: User) -> list[str]:
    """Replace a member's recovery codes; return the new ones (the only time they exist)."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


def find_account(username: str) -> User | None:
    """Return the active account a typed pseudonym names (in any case or compatible form), or None."""
    return User.objects.filter(username__iexact=pseudonyms.normalize(username), is_active=True).first()


def guess_limit_key(username: str) -> str:
    """Return the rate-limit key for guessing codes of the account `username` names.

    Every spelling that reaches one account (`ｍember`, `𝐦ember`, `MEMBER`) shares its key;
    a name with no account is keyed by its normalised, case-folded form, so both answer
    alike. The key is a keyed hash: the cache never holds the pseudonym.
    """
    user = find_account(username)
    subject = f"member:{user.pk}" if user else f"name:{pseudonyms.normalize(username).casefold()}"
    return keyed_digest("recover-limit", subject)


@transaction.atomic
def recover(username: str, code: str, new_password: str) -> User | None:
    """Use one code to set a new password and end every session. Return None if it does not fit."""
    user = find_account(username)
    if user is None:
        return None
    used = RecoveryCode.objects.filter(user=user, digest=_digest(code)).select_for_update().first()
    if used is None:
        return None
    used.delete()
    user.set_password(new_password)
    user.save(update_fields=["password"])
    end_sessions(user)
    return user
