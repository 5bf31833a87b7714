"""Moderation: every state change here runs in one transaction with its log row.

Actions take the object first, then keyword-only arguments with `actor=` and `reason=`.
They lock the rows they are about to change, read them again, and raise AlreadyHandled
when there is nothing left to do (another moderator got there first): then nothing changes
and nothing is logged.
"""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SiteSettings, User
from accounts.data import end_sessions
from accounts.timeutil import coarse_now
from forum import actions as forum_actions
from forum.models import Board, Post, Status, Topic

from .models import URGENCY, Action, Case, LogEntry, Notice, Reason, Report
from .permissions import can_act_on_member

MAX_SUSPENSION_DAYS = 365


class AlreadyHandled(Exception):
    """Another moderator already dealt with this; nothing was changed.

    The exception may carry a translated message that says more precisely what happened.
    """


class AlreadySuspended(AlreadyHandled):
    """The member is already suspended (until `until`); nothing was changed."""

    def __init__(self, until):
        super().__init__()
        self.until = until


class AlreadyReported(Exception):
    """This member has already reported this item."""


def _label(target) -> str:
    """Return the language-neutral label LogEntry.target_text shows in the reader's language."""
    if isinstance(target, Post):
        return f"post:{target.pk}:{target.topic_id}"
    if isinstance(target, Topic):
        return f"topic:{target.pk}"
    if isinstance(target, User):
        return f"member:{target.pk}"
    return str(target)


def _subject(target):
    if isinstance(target, User):
        return target
    return target.author


def _board_id(target):
    if isinstance(target, Post):
        return target.topic.board_id
    if isinstance(target, Topic):
        return target.board_id
    return None


def log(action, target, *, actor, reason, member=None) -> LogEntry:
    """Write one log row (call inside the action's transaction)."""
    member = member if member is not None else _subject(target)
    return LogEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.username if actor is not None else "",
        action=action,
        target_label=_label(target),
        target_member=member,
        target_member_name=member.username if member is not None else "",
        board_id=_board_id(target),
        reason=reason,
    )


_FIELD = {Post: "post", Topic: "topic", User: "member"}


def _resolve_open_cases(target, resolution) -> int:
    return Case.objects.open().filter(**{_FIELD[type(target)]: target}).update(
        resolved_at=coarse_now(), resolution=resolution
    )


def _hide(target) -> bool:
    if isinstance(target, Post):
        return forum_actions.set_post_status(target, Status.HIDDEN)
    if isinstance(target, Topic):
        return forum_actions.set_topic_flags(target, status=Status.HIDDEN)
    return False


# Locks. Every writer takes rows in one order: the topic, then its post, then report cases
# (forum.actions locks topics first too), so two moderators acting at once wait for each
# other instead of deadlocking. On SQLite a transaction already excludes other writers.


def _lock_topic(topic) -> Topic:
    """Lock a topic's row and return it fresh; raise AlreadyHandled if it is gone."""
    current = Topic.objects.select_for_update().filter(pk=topic.pk).first()
    if current is None:
        raise AlreadyHandled
    return current


def _lock_post(post) -> Post:
    """Lock a post's topic, then the post; return the post fresh or raise AlreadyHandled."""
    topic = Topic.objects.select_for_update().filter(pk=post.topic_id).first()
    current = Post.objects.select_for_update().filter(pk=post.pk).first() if topic else None
    if current is None:
        raise AlreadyHandled
    return current


def _lock_member(member) -> User:
    current = User.objects.select_for_update().filter(pk=member.pk).first()
    if current is None:
        raise AlreadyHandled
    return current


def _lock(target):
    if isinstance(target, Post):
        return _lock_post(target)
    if isinstance(target, Topic):
        return _lock_topic(target)
    return _lock_member(target)


# Reports -------------------------------------------------------------------------------


def _same_item(target, prefix="") -> Q:
    """Return a filter on cases about `target`, where a topic and its first post are one item."""
    if isinstance(target, User):
        return Q(**{f"{prefix}member": target})
    topic_id = target.topic_id if isinstance(target, Post) else target.pk
    first_id = Post.objects.filter(topic_id=topic_id).order_by("id").values_list("id", flat=True).first()
    if isinstance(target, Post):
        same = Q(**{f"{prefix}post": target})
        return same | Q(**{f"{prefix}topic_id": topic_id}) if first_id == target.pk else same
    same = Q(**{f"{prefix}topic": target})
    return same | Q(**{f"{prefix}post_id": first_id}) if first_id is not None else same


def _open_case(target) -> Case:
    """Return the open case about `target`, locked, opening one if there is none."""
    field = _FIELD[type(target)]
    case = Case.objects.select_for_update().open().filter(**{field: target}).first()
    if case is not None:
        return case
    try:
        with transaction.atomic():
            return Case.objects.create(
                **{field: target}, subject=_subject(target), board_id=_board_id(target)
            )
    except IntegrityError:  # another report opened it a moment ago
        return Case.objects.select_for_update().open().get(**{field: target})


@transaction.atomic
def report(target, *, reporter, reason, note="") -> Report:
    """Report a post, a topic or a member; hide at once what exposes someone.

    A member reports an item once while their report is kept (until its case expires), even
    after a moderator closed the case. What a moderator decided to leave up is not hidden
    again by a member whose report of it was dismissed: a topic and its first post are one
    item, so reporting the other one does not hide it again either. Raise AlreadyReported,
    or AlreadyHandled if the item is gone.
    """
    field = _FIELD[type(target)]
    _lock(target)
    if Report.objects.filter(reporter=reporter, **{f"case__{field}": target}).exists():
        raise AlreadyReported
    case = _open_case(target)
    try:
        with transaction.atomic():
            new = Report.objects.create(case=case, reporter=reporter, reason=reason, note=note)
    except IntegrityError:
        raise AlreadyReported from None
    case.report_count = F("report_count") + 1
    case.urgency = max(case.urgency, URGENCY[reason])
    case.save(update_fields=["report_count", "urgency"])
    case.refresh_from_db()

    if isinstance(target, User) or case.auto_hidden:
        return new
    site = SiteSettings.load()
    hide_now = reason == Reason.EXPOSURE or (
        case.reports.values("reporter").distinct().count() >= site.report_hide_threshold
    )
    if hide_now and Report.objects.filter(
        _same_item(target, prefix="case__"), reporter=reporter, case__resolution=Case.Resolution.DISMISSED
    ).exists():
        hide_now = False  # a moderator already decided on this member's report of it
    if hide_now and _hide(target):
        case.auto_hidden = True
        case.save(update_fields=["auto_hidden"])
        log(Action.AUTO_HIDE, target, actor=None,
            reason=_("Hidden until a moderator decides: %(reason)s") % {"reason": Reason(case_reason(case)).label})  # fmt: skip
    return new


def case_reason(case) -> str:
    """Return the most urgent reason among a case's reports."""
    reasons = list(case.reports.values_list("reason", flat=True))
    return max(reasons, key=lambda r: URGENCY[r]) if reasons else Reason.OTHER


@transaction.atomic
def dismiss_case(case, *, actor, reason) -> None:
    """Close a case without action; what the reports hid becomes visible again."""
    seen = Case.objects.filter(pk=case.pk).first()
    if seen is None:
        raise AlreadyHandled
    if seen.post_id or seen.topic_id:
        _lock(seen.target)  # the item before the case: the order every writer keeps
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise AlreadyHandled
    locked.resolved_at = coarse_now()
    locked.resolution = Case.Resolution.DISMISSED
    locked.save(update_fields=["resolved_at", "resolution"])
    target = locked.target
    if locked.auto_hidden and target is not None:
        if isinstance(target, Post):
            forum_actions.set_post_status(target, Status.VISIBLE)
        elif isinstance(target, Topic):
            forum_actions.set_topic_flags(target, status=Status.VISIBLE)
    log(Action.DISMISS, target, actor=actor, reason=reason)


# Content -------------------------------------------------------------------------------


@transaction.atomic
def approve_post(post, *, actor, reason) -> None:
    """Publish a post that waited for a moderator (a topic's first post publishes the topic)."""
    if _lock_post(post).status != Status.HELD:
        raise AlreadyHandled
    forum_actions.set_post_status(post, Status.VISIBLE)
    log(Action.APPROVE, post, actor=actor, reason=reason)


@transaction.atomic
def hide_post(post, *, actor, reason) -> None:
    """Hide a post; on a post the reports already hid, this upholds them and keeps it hidden."""
    _lock_post(post)
    changed = forum_actions.set_post_status(post, Status.HIDDEN)
    upheld = _resolve_open_cases(post, Case.Resolution.UPHELD)
    if not (changed or upheld):
        raise AlreadyHandled
    log(Action.HIDE, post, actor=actor, reason=reason)


@transaction.atomic
def unhide_post(post, *, actor, reason) -> None:
    """Show a hidden post again; open reports about it are dismissed."""
    if _lock_post(post).status != Status.HIDDEN:
        raise AlreadyHandled
    forum_actions.set_post_status(post, Status.VISIBLE)
    _resolve_open_cases(post, Case.Resolution.DISMISSED)
    log(Action.UNHIDE, post, actor=actor, reason=reason)


@transaction.atomic
def remove_post(post, *, actor, reason) -> bool:
    """Delete a post's row (the log keeps only its number). Return True if the topic went too."""
    _lock_post(post)
    log(Action.REMOVE_POST, post, actor=actor, reason=reason)
    return forum_actions.delete_post(post)


def body_version(body: str) -> str:
    """Return a short fingerprint of a post's text, to notice that it changed meanwhile."""
    return hashlib.sha256(body.encode()).hexdigest()[:16]


@transaction.atomic
def edit_post(post, *, actor, reason, body, version=None) -> None:
    """Replace a post's text, marked "edited by a moderator".

    `version` is body_version() of the text the moderator saw: if the post changed since,
    nothing is changed. An edit that changes nothing is not made either.
    """
    current = _lock_post(post)
    if version and version != body_version(current.body):
        raise AlreadyHandled(_("This post was changed after you opened it; nothing was changed. Please look at it again."))
    if body == current.body:
        raise AlreadyHandled(_("The text is the same as before; nothing was changed."))
    forum_actions.edit_post(post, body=body, by_moderator=True)
    log(Action.EDIT, post, actor=actor, reason=reason)


@transaction.atomic
def remove_topic(topic, *, actor, reason) -> None:
    _lock_topic(topic)
    log(Action.REMOVE_TOPIC, topic, actor=actor, reason=reason)
    forum_actions.delete_topic(topic)


@transaction.atomic
def _topic_flag(action, topic, *, actor, reason, resolve=None, **flags) -> None:
    """Set flags on a locked topic; `resolve` closes its open cases with that resolution."""
    _lock_topic(topic)
    changed = forum_actions.set_topic_flags(topic, **flags)
    resolved = _resolve_open_cases(topic, resolve) if resolve else 0
    if not changed and not (resolved and resolve == Case.Resolution.UPHELD):
        raise AlreadyHandled
    log(action, topic, actor=actor, reason=reason)


def hide_topic(topic, *, actor, reason):
    """Hide a topic; on a topic the reports already hid, this upholds them and keeps it hidden."""
    _topic_flag(Action.HIDE, topic, actor=actor, reason=reason, status=Status.HIDDEN,
                resolve=Case.Resolution.UPHELD)  # fmt: skip


def unhide_topic(topic, *, actor, reason):
    """Show a hidden topic again; open reports about it are dismissed."""
    _topic_flag(Action.UNHIDE, topic, actor=actor, reason=reason, status=Status.VISIBLE,
                resolve=Case.Resolution.DISMISSED)  # fmt: skip


def lock_topic(topic, *, actor, reason):
    _topic_flag(Action.LOCK, topic, actor=actor, reason=reason, locked=True)


def unlock_topic(topic, *, actor, reason):
    _topic_flag(Action.UNLOCK, topic, actor=actor, reason=reason, locked=False)


def pin_topic(topic, *, actor, reason):
    _topic_flag(Action.PIN, topic, actor=actor, reason=reason, pinned=True)


def unpin_topic(topic, *, actor, reason):
    _topic_flag(Action.UNPIN, topic, actor=actor, reason=reason, pinned=False)


@transaction.atomic
def move_topic(topic, *, actor, reason, board: Board) -> None:
    _lock_topic(topic)
    if not forum_actions.move_topic(topic, board=board):
        raise AlreadyHandled
    Case.objects.filter(topic=topic).update(board=board)
    Case.objects.filter(post__topic=topic).update(board=board)
    log(Action.MOVE, topic, actor=actor, reason=reason)


# Members -------------------------------------------------------------------------------


@transaction.atomic
def warn_member(member, *, actor, reason) -> Notice:
    """Leave a private notice the member sees on their next visit."""
    _lock_member(member)
    notice = Notice.objects.create(member=member, text=reason)
    log(Action.WARN, member, actor=actor, reason=reason)
    return notice


@transaction.atomic
def suspend_member(member, *, actor, reason, days: int, replace: bool = False) -> None:
    """Let a member read but not write for `days` days from now.

    A suspension that is running is only changed with `replace`: otherwise raise
    AlreadySuspended, so that a second moderator does not shorten or lengthen it unawares.
    """
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ValueError("days out of range")
    current = _lock_member(member)
    if current.is_suspended and not replace:
        raise AlreadySuspended(current.suspended_until)
    until = timezone.now() + datetime.timedelta(days=days)
    User.objects.filter(pk=member.pk).update(suspended_until=until)
    member.suspended_until = until
    _resolve_open_cases(member, Case.Resolution.UPHELD)
    log(Action.SUSPEND, member, actor=actor, reason=reason)


@transaction.atomic
def ban_member(member, *, actor, reason) -> None:
    """Stop a member from signing in and end every session they have, at once."""
    if not _lock_member(member).is_active:
        raise AlreadyHandled
    User.objects.filter(pk=member.pk).update(is_active=False)
    member.is_active = False
    end_sessions(member)
    _resolve_open_cases(member, Case.Resolution.UPHELD)
    log(Action.BAN, member, actor=actor, reason=reason)


@transaction.atomic
def set_hold_posts(member, *, actor, reason, hold: bool) -> None:
    """Hold every new post of a member for a moderator, or stop holding them."""
    if _lock_member(member).posts_held == hold:
        raise AlreadyHandled
    User.objects.filter(pk=member.pk).update(posts_held=hold)
    member.posts_held = hold
    log(Action.HOLD if hold else Action.RELEASE, member, actor=actor, reason=reason)


def invite_branch(member) -> list[list]:
    """Return the members `member` brought in, level by level (one query per level)."""
    levels, frontier, seen = [], [member.pk], {member.pk}
    while frontier:
        level = list(User.objects.filter(invite__inviter_id__in=frontier).exclude(pk__in=seen).order_by("id"))
        if not level:
            break
        levels.append(level)
        frontier = [m.pk for m in level]
        seen.update(frontier)
    return levels


@transaction.atomic
def act_on_branch(member, *, actor, reason, action, days=None) -> int:
    """Hold every post of, or suspend, a member and everyone their invites brought in.

    Members the actor may not act on (themselves; an admin, for an admin of lesser rights)
    are left out, and so are those already held or already suspended: a running suspension
    is not changed. Return how many members were acted on.
    """
    members = [member] + [m for level in invite_branch(member) for m in level]
    done = 0
    for target in members:
        if not can_act_on_member(actor, target):
            continue
        try:
            with transaction.atomic():
                if action == "hold":
                    set_hold_posts(target, actor=actor, reason=reason, hold=True)
                else:
                    suspend_member(target, actor=actor, reason=reason, days=days)
        except AlreadyHandled:
            continue
        done += 1
    return done


def record_invite_tree_viewed(member, *, actor) -> None:
    log(Action.VIEW_INVITE_TREE, member, actor=actor, reason="")


def record_history_viewed(member, *, actor) -> None:
    """Log that staff opened a member's moderation history: watching is accountable too."""
    log(Action.VIEW_HISTORY, member, actor=actor, reason="")


@transaction.atomic
def approve_signup(member, *, actor, reason) -> None:
    """Let a newcomer in: they can sign in from now on."""
    if not _lock_member(member).approval_pending:
        raise AlreadyHandled
    User.objects.filter(pk=member.pk).update(approval_pending=False, is_active=True)
    member.approval_pending, member.is_active = False, True
    log(Action.APPROVE_SIGNUP, member, actor=actor, reason=reason)


@transaction.atomic
def refuse_signup(member, *, actor, reason) -> None:
    """Refuse a request to join: the waiting account is deleted; the log keeps the pseudonym."""
    if not _lock_member(member).approval_pending:
        raise AlreadyHandled
    log(Action.REFUSE_SIGNUP, member, actor=actor, reason=reason)
    User.objects.filter(pk=member.pk).delete()


@transaction.atomic
def dismiss_notice(notice, *, member) -> None:
    Notice.objects.filter(pk=notice.pk, member=member, seen_at__isnull=True).update(
        seen_at=coarse_now()
    )


def export_member_reports(user) -> dict:
    """Return the reports a member made and the warnings they received: nobody else's data."""
    def when(moment):
        return moment.isoformat() if moment else None

    reports = []
    for r in Report.objects.filter(reporter=user).select_related("case").order_by("id"):
        target = ("post", r.case.post_id) if r.case.post_id else (
            ("topic", r.case.topic_id) if r.case.topic_id else ("member", None))
        reports.append({"reason": r.reason, "note": r.note, "made": when(r.created_at),
                        "about": target[0], "id": target[1],
                        "closed": r.case.resolved_at is not None})
    notices = [{"text": n.text, "from": "a moderator", "written": when(n.created_at), "read": when(n.seen_at)}
               for n in Notice.objects.filter(member=user).order_by("id")]
    return {"reports_made": reports, "warnings_received": notices}  # fmt: skip
