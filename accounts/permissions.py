"""Who a member is to the site: the role rules every app builds on.

Nothing outside the permissions modules tests roles (is_staff, is_global_moderator, ...).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import formats
from django.utils.translation import gettext as _

from .timeutil import today


def is_member(user) -> bool:
    """Return whether `user` is a signed-in member who may use the site."""
    return bool(user and user.is_authenticated and user.is_active)


def has_two_factor(user) -> bool:
    """Return whether `user` has an active TOTP authenticator (asked once per user object)."""
    cached = getattr(user, "_hearth_has_totp", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._hearth_has_totp = cached
    return cached


# A role needs two-factor sign-in. Until it is set up, a moderator or an admin is a plain
# member everywhere: the helpers below answer as if the role were not there. Only
# holds_staff_role / holds_moderator_role / needs_two_factor see the role itself: to send
# its holder to set up two-factor, and to protect staff from other moderators.


def _assigned_board_ids(user) -> frozenset[int]:
    """Return the ids of the boards `user` was made moderator of (cached on the user)."""
    if not is_member(user):
        return frozenset()
    cached = getattr(user, "_hearth_moderated_board_ids", None)
    if cached is None:
        cached = frozenset(user.moderated_boards.values_list("id", flat=True))
        user._hearth_moderated_board_ids = cached
    return cached


def holds_staff_role(member) -> bool:
    """Return whether `member` was made an admin or a global moderator (two-factor, banned or not)."""
    return bool(member.is_staff or member.is_superuser or getattr(member, "is_global_moderator", False))


def holds_moderator_role(user) -> bool:
    """Return whether `user` was given a moderator role, two-factor or not."""
    return is_member(user) and (
        user.is_global_moderator or user.is_superuser or bool(_assigned_board_ids(user))
    )


def needs_two_factor(user) -> bool:
    """Return whether `user` holds a role (moderator, admin) without two-factor set up."""
    if not is_member(user) or not (holds_staff_role(user) or holds_moderator_role(user)):
        return False
    return not has_two_factor(user)


def is_admin(user) -> bool:
    return is_member(user) and user.is_staff and has_two_factor(user)


def is_global_moderator(user) -> bool:
    return is_member(user) and (user.is_global_moderator or user.is_superuser) and has_two_factor(user)


def moderated_board_ids(user) -> frozenset[int]:
    """Return the ids of the boards `user` moderates on their own (none without two-factor)."""
    assigned = _assigned_board_ids(user)
    if not assigned or not has_two_factor(user):
        return frozenset()
    return assigned


def is_moderator(user) -> bool:
    """Return whether `user` moderates anything at all."""
    return is_global_moderator(user) or bool(moderated_board_ids(user))


def is_suspended(user) -> bool:
    return is_member(user) and user.is_suspended


def is_on_probation(user, site) -> bool:
    """Return whether a member is still new: posts held, no invites, no trusted-only boards.

    Probation lasts until the member has both enough approved posts and an old enough account.
    """
    if not is_member(user) or is_moderator(user):
        return False
    young = (today() - user.date_joined).days < site.probation_days
    return young or user.approved_post_count < site.new_member_held_posts


def is_trusted(user, site) -> bool:
    """Return whether a member is past probation (may read trusted-only boards)."""
    return is_member(user) and not is_on_probation(user, site)


def check_can_participate(user) -> None:
    """Raise PermissionDenied unless `user` may write (post, reply, report)."""
    if not is_member(user):
        raise PermissionDenied(_("Please sign in first."))
    if user.is_suspended:
        until = user.suspended_until
        raise PermissionDenied(
            _("Your account is suspended until %(date)s. You can still read.")
            % {"date": formats.date_format(until, "DATE_FORMAT")}
        )


def can_participate(user) -> bool:
    try:
        check_can_participate(user)
    except PermissionDenied:
        return False
    return True


def member_since_month(user) -> datetime.date:
    """Return the first day of the month a member joined (all others ever see)."""
    joined = user.date_joined or today()
    return joined.replace(day=1)


def can_invite(user, site) -> bool:
    """Return whether `user` may make invites, by the admin's setting."""
    from .models import InvitePermission

    if not is_member(user) or user.is_suspended:
        return False
    if site.invite_permission == InvitePermission.MODERATORS:
        return is_moderator(user)
    if site.invite_permission == InvitePermission.TRUSTED:
        return is_trusted(user, site)
    return True


def check_invite(user, site) -> None:
    if not can_invite(user, site):
        raise PermissionDenied(_("You cannot invite anyone yet."))
