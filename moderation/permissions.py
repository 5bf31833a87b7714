"""Who may report and who may moderate what: each rule written once.

Moderation pages answer 404 to anyone who does not moderate what they show, exactly as a
missing id does. Acting on members (warn, suspend, ban, hold) is for global moderators.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import permissions as roles
from forum import permissions as forum_permissions
from forum.models import Board, Post, Status

from .models import Case, LogEntry


def needs_two_factor(user) -> bool:
    """Return whether `user` holds a role that requires a second factor they have not set up."""
    return roles.needs_two_factor(user)


def needs_two_factor_to_moderate(user) -> bool:
    """Return whether `user` was made a moderator but must set up two-factor sign-in first."""
    return roles.holds_moderator_role(user) and not roles.has_two_factor(user)


def check_moderator(user) -> None:
    """Raise Http404 unless `user` moderates something (with two-factor sign-in set up)."""
    if not roles.is_moderator(user):
        raise Http404


def can_moderate_board(user, board) -> bool:
    return forum_permissions.is_board_moderator(user, board)


def check_moderate_board(user, board) -> None:
    if not can_moderate_board(user, board):
        raise Http404


def check_moderate_post(user, post) -> None:
    check_moderate_board(user, post.topic.board)


def check_moderate_topic(user, topic) -> None:
    check_moderate_board(user, topic.board)


def can_act_on_members(user) -> bool:
    return roles.is_global_moderator(user)


def check_act_on_member(user, member) -> None:
    """Raise unless `user` may warn, suspend, ban or hold `member`.

    Global moderators act on members; only an admin acts on an admin or a global moderator;
    nobody acts on themselves.
    """
    if not can_act_on_members(user):
        raise Http404
    if member.pk == user.pk:
        raise PermissionDenied(_("You cannot act on your own account."))
    if member.is_superuser and not user.is_superuser:
        raise PermissionDenied(_("Only an admin can act on an admin."))
    if roles.holds_staff_role(member) and not roles.is_admin(user):
        raise PermissionDenied(_("Only an admin can act on an admin or a global moderator."))


def can_act_on_member(user, member) -> bool:
    try:
        check_act_on_member(user, member)
    except (PermissionDenied, Http404):
        return False
    return True


def boards_moderated_by(user) -> QuerySet[Board]:
    if roles.is_global_moderator(user):
        return Board.objects.all()
    return Board.objects.filter(pk__in=roles.moderated_board_ids(user))


def cases_visible_to(user) -> QuerySet[Case]:
    """Return the cases `user` may work: their boards' content; members for global moderators."""
    if roles.is_global_moderator(user):
        return Case.objects.all()
    return Case.objects.filter(board_id__in=roles.moderated_board_ids(user), member__isnull=True)


def check_view_case(user, case) -> None:
    if not cases_visible_to(user).filter(pk=case.pk).exists():
        raise Http404


def held_posts_visible_to(user) -> QuerySet[Post]:
    posts = Post.objects.filter(status=Status.HELD)
    if roles.is_global_moderator(user):
        return posts
    return posts.filter(topic__board_id__in=roles.moderated_board_ids(user))


def check_report(user, target) -> None:
    """Raise unless `user` may report `target` (a post, a topic, or a post's author)."""
    roles.check_can_participate(user)
    author_id = getattr(target, "author_id", getattr(target, "pk", None))
    if author_id == user.pk:
        raise PermissionDenied(_("You cannot report your own writing or yourself."))


def can_report(user, target) -> bool:
    if not roles.is_member(user):
        return False  # a visitor, on every post of a page: without check_report's exception
    try:
        check_report(user, target)
    except PermissionDenied:
        return False
    return True


def check_report_post(user, post, site=None) -> None:
    """Raise Http404 unless `user` can see the post, then as check_report."""
    forum_permissions.check_view_post(user, post, site)
    check_report(user, post)


def check_report_topic(user, topic, site=None) -> None:
    forum_permissions.check_view_topic(user, topic, site)
    check_report(user, topic)


def check_report_author(user, post, site=None) -> None:
    """Raise Http404 unless `user` can see the post and its author is still a member."""
    forum_permissions.check_view_post(user, post, site)
    if post.author is None or not post.author.is_active:
        raise Http404
    check_report(user, post.author)


def log_entries_visible_to(user) -> QuerySet[LogEntry]:
    """Return the log rows `user` may read: all for global moderators, else their boards'."""
    if can_act_on_members(user):
        return LogEntry.objects.all()
    return LogEntry.objects.filter(board__in=boards_moderated_by(user))


def signups_visible_to(user) -> QuerySet:
    """Return the requests to join that `user` may decide: global moderators only."""
    from accounts.models import User

    if not roles.is_global_moderator(user):
        return User.objects.none()
    return User.objects.filter(approval_pending=True)


def check_decide_signup(user, member) -> None:
    if not signups_visible_to(user).filter(pk=member.pk).exists():
        raise Http404


def can_view_invite_tree(user) -> bool:
    """The invite tree is for admins only."""
    return roles.is_admin(user)


def check_view_invite_tree(user) -> None:
    if not can_view_invite_tree(user):
        raise Http404
