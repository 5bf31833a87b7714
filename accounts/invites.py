"""Invites: long random single-purpose codes, stored as keyed hashes, with an end and a use count."""

import datetime
import secrets

from django.db import transaction
from django.db.models import F

from .hashing import keyed_digest
from .models import Invite, User
from .timeutil import coarse_now, day_start

DEFAULT_DAYS = 7
MAX_DAYS = 30
MAX_USES = 20


def _digest(code: str) -> str:
    return keyed_digest("invite", code.strip())


@transaction.atomic
def create_invite(inviter: User, *, days: int = DEFAULT_DAYS, uses: int = 1) -> tuple[Invite, str]:
    """Make an invite; return it with its code (the only time the code exists)."""
    code = secrets.token_urlsafe(24)  # 192 bits
    invite = Invite.objects.create(
        inviter=inviter, digest=_digest(code), uses_left=uses,
        expires_at=coarse_now() + datetime.timedelta(days=days),
    )  # fmt: skip
    return invite, code


def find_usable(code: str) -> Invite | None:
    """Return the invite a code opens, or None: expired, used up, revoked or mistyped alike."""
    return Invite.objects.usable().filter(digest=_digest(code)).first()


@transaction.atomic
def use(code: str, newcomer: User) -> bool:
    """Spend one use of an invite on a newcomer (atomic: two sign-ups cannot share the last use)."""
    invite = find_usable(code)
    if invite is None:
        return False
    spent = Invite.objects.filter(pk=invite.pk, uses_left__gt=0).update(
        uses_left=F("uses_left") - 1, used_at=day_start()  # the day, like date_joined: no finer
    )
    if not spent:
        return False
    User.objects.filter(pk=newcomer.pk).update(invite=invite)
    newcomer.invite = invite
    return True


@transaction.atomic
def revoke(invite: Invite) -> bool:
    """Stop an invite's code from working at once; return False if it no longer worked anyway.

    The row stays, so who joined with it stays visible to admins (the invite tree): deleting
    it would let an infiltrator hide their branch. It goes under the invites rule like any
    other: unused, at the next expiry run; used, 180 days after its last use by default.
    """
    ended = coarse_now()
    revoked = Invite.objects.usable().filter(pk=invite.pk).update(uses_left=0, expires_at=ended)
    if revoked:
        invite.uses_left, invite.expires_at = 0, ended
    return bool(revoked)
