"""Moderation: every state change here runs in one transaction with its log row.

Actions take the object first, then keyword-only arguments with `actor=` and `reason=`.
They return False, or raise AlreadyHandled, when there was nothing left to do (another
moderator got there first), and then change nothing.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SiteSettings, User
from accounts.recovery import end_sessions
from accounts.timeutil import coarse_now
from forum import actions as forum_actions
from forum.models import Board, Post, Status, Topic

from .models import URGENCY, Action, Case, LogEntry, Notice, Reason, Report
from .permissions import can_act_on_member

MAX_SUSPENSION_DAYS = 365


class AlreadyHandled(Exception):
    """Another moderator already dealt with this; nothing was changed."""


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
    current = Post.objects.select_for_update().get(pk=post.pk)
    if current.status != Status.HELD:
        raise AlreadyHandled
    forum_actions.set_post_status(post, Status.VISIBLE)
    log(Action.APPROVE, post, actor=actor, reason=reason)


@transaction.atomic
def hide_post(post, *, actor, reason) -> None:
    """Hide a post; on a post the reports already hid, this upholds them and keeps it hidden."""
    changed = forum_actions.set_post_status(post, Status.HIDDEN)
    upheld = _resolve_open_cases(post, Case.Resolution.UPHELD)
    if not (changed or upheld):
        raise AlreadyHandled
    log(Action.HIDE, post, actor=actor, reason=reason)


@transaction.atomic
def unhide_post(post, *, actor, reason) -> None:
    current = Post.objects.get(pk=post.pk)
    if current.status != Status.HIDDEN:
        raise AlreadyHandled
    forum_actions.set_post_status(post, Status.VISIBLE)
    _resolve_open_cases(post, Case.Resolution.DISMISSED)
    log(Action.UNHIDE, post, actor=actor, reason=reason)


@transaction.atomic
def remove_post(post, *, actor, reason) -> bool:
    """Delete a post's row (the log keeps only its number). Return True if the topic went too."""
    if not Post.objects.filter(pk=post.pk).exists():
        raise AlreadyHandled
    log(Action.REMOVE_POST, post, actor=actor, reason=reason)
    return forum_actions.delete_post(post)


@transaction.atomic
def edit_post(post, *, actor, reason, body) -> None:
    forum_actions.edit_post(post, body=body, by_moderator=True)
    log(Action.EDIT, post, actor=actor, reason=reason)


@transaction.atomic
def remove_topic(topic, *, actor, reason) -> None:
    if not Topic.objects.filter(pk=topic.pk).exists():
        raise AlreadyHandled
    log(Action.REMOVE_TOPIC, topic, actor=actor, reason=reason)
    forum_actions.delete_topic(topic)


def _topic_flag(action, topic, *, actor, reason, **flags) -> None:
    with transaction.atomic():
        changed = forum_actions.set_topic_flags(topic, **flags)
        upheld = 0
        if flags.get("status") == Status.HIDDEN:
            upheld = _resolve_open_cases(topic, Case.Resolution.UPHELD)
        if not (changed or upheld):
            raise AlreadyHandled
        log(action, topic, actor=actor, reason=reason)


def hide_topic(topic, *, actor, reason):
    _topic_flag(Action.HIDE, topic, actor=actor, reason=reason, status=Status.HIDDEN)


def unhide_topic(topic, *, actor, reason):
    _topic_flag(Action.UNHIDE, topic, actor=actor, reason=reason, status=Status.VISIBLE)


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
    if not forum_actions.move_topic(topic, board=board):
        raise AlreadyHandled
    Case.objects.filter(topic=topic).update(board=board)
    Case.objects.filter(post__topic=topic).update(board=board)
    log(Action.MOVE, topic, actor=actor, reason=reason)


# Members -------------------------------------------------------------------------------


@transaction.atomic
def warn_member(member, *, actor, reason) -> Notice:
    """Leave a private notice the member sees on their next visit."""
    notice = Notice.objects.create(member=member, text=reason)
    log(Action.WARN, member, actor=actor, reason=reason)
    return notice


@transaction.atomic
def suspend_member(member, *, actor, reason, days: int) -> None:
    """Let a member read but not write for `days` days."""
    if not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ValueError("days out of range")
    until = timezone.now() + datetime.timedelta(days=days)
    User.objects.filter(pk=member.pk).update(suspended_until=until)
    member.suspended_until = until
    _resolve_open_cases(member, Case.Resolution.UPHELD)
    log(Action.SUSPEND, member, actor=actor, reason=reason)


@transaction.atomic
def ban_member(member, *, actor, reason) -> None:
    """Stop a member from signing in and end every session they have, at once."""
    if not User.objects.filter(pk=member.pk, is_active=True).update(is_active=False):
        raise AlreadyHandled
    member.is_active = False
    end_sessions(member)
    _resolve_open_cases(member, Case.Resolution.UPHELD)
    log(Action.BAN, member, actor=actor, reason=reason)


@transaction.atomic
def set_hold_posts(member, *, actor, reason, hold: bool) -> None:
    if not User.objects.filter(pk=member.pk, posts_held=not hold).update(posts_held=hold):
        raise AlreadyHandled
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
    are left out. Return how many members were in scope.
    """
    members = [member] + [m for level in invite_branch(member) for m in level]
    members = [m for m in members if can_act_on_member(actor, m)]
    for target in members:
        if action == "hold":
            if User.objects.filter(pk=target.pk, posts_held=False).update(posts_held=True):
                log(Action.HOLD, target, actor=actor, reason=reason)
        else:
            suspend_member(target, actor=actor, reason=reason, days=days)
    return len(members)


def record_invite_tree_viewed(member, *, actor) -> None:
    log(Action.VIEW_INVITE_TREE, member, actor=actor, reason="")


def record_history_viewed(member, *, actor) -> None:
    """Log that staff opened a member's moderation history: watching is accountable too."""
    log(Action.VIEW_HISTORY, member, actor=actor, reason="")


@transaction.atomic
def approve_signup(member, *, actor, reason) -> None:
    """Let a newcomer in: they can sign in from now on."""
    if not User.objects.filter(pk=member.pk, approval_pending=True).update(
        approval_pending=False, is_active=True
    ):
        raise AlreadyHandled
    member.approval_pending, member.is_active = False, True
    log(Action.APPROVE_SIGNUP, member, actor=actor, reason=reason)


@transaction.atomic
def refuse_signup(member, *, actor, reason) -> None:
    """Refuse a request to join: the waiting account is deleted; the log keeps the pseudonym."""
    if not User.objects.filter(pk=member.pk, approval_pending=True).exists():
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
