"""A member's data, gathered and erased across apps without the apps depending upward.

Apps above accounts (forum, moderation) register what they hold about a member in their
AppConfig.ready: an exporter returning a JSON-ready dict, and an eraser. Export and erasure
call them all, so a new app with personal data adds itself here and nowhere else.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .models import User

_exporters: dict[str, Callable] = {}
_erasers: list[Callable] = []


def register(section: str, *, export: Callable | None = None, erase: Callable | None = None) -> None:
    if export is not None:
        _exporters[section] = export
    if erase is not None and erase not in _erasers:
        _erasers.append(erase)


def _day(moment) -> str | None:
    return moment.date().isoformat() if moment else None


def account_fields(user: User) -> dict:
    """Return every stored field of the account (the password hash excepted)."""
    return {
        "pseudonym": user.username,
        "joined_on": user.date_joined.isoformat(),
        "last_sign_in_day": user.last_login.date().isoformat() if user.last_login else None,
        "admin": user.is_staff,
        "superuser": user.is_superuser,
        "active": user.is_active,
        "global_moderator": user.is_global_moderator,
        "posts_held": user.posts_held,
        "suspended_until": user.suspended_until.isoformat() if user.suspended_until else None,
        "approved_posts": user.approved_post_count,
        "quick_exit_signs_out": user.quick_exit_signs_out,
        "language": user.language or None,
        "waiting_for_approval": user.approval_pending,
        "answer_when_joining": user.approval_answer,
        "two_factor": [
            {"type": a.type, "set_up_on": _day(a.created_at), "last_used_on": _day(a.last_used_at)}
            for a in user.authenticator_set.order_by("id")
        ],
        "recovery_codes_left": user.recovery_codes.count(),
        "joined_with_invite_from": user.invite.inviter.username if user.invite_id and user.invite.inviter_id else None,
        "invites_made": [
            {"made": i.created_at.isoformat(), "ends": i.expires_at.isoformat(), "uses_left": i.uses_left,
             "last_used": i.used_at.isoformat() if i.used_at else None}
            for i in user.invites_made.order_by("id")
        ],
    }


def export(user: User) -> dict:
    data = {"account": account_fields(user)}
    for section, exporter in _exporters.items():
        data[section] = exporter(user)
    return data


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every session signed in as `user` but `keep`, on every device. Return how many.

    Sessions store only the member id, inside their signed data, so they are decoded.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if session.pk != keep and str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def erase(user: User, *, delete_content: bool) -> None:
    """Delete the account and end its sessions; with `delete_content`, what it wrote goes too."""
    for eraser in _erasers:
        eraser(user, delete_content=delete_content)
    end_sessions(user)
    User.objects.filter(pk=user.pk).delete()
