"""Who may see and do what in the boards: each rule written once.

`*_visible_to(user)` returns what a user may list, `can_*` answers for templates, and
`check_*` raises. What a user may not even know exists answers 404, exactly as a missing
id does; what they can see but may not do answers 403 with a reason.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import permissions as roles
from accounts.models import SiteSettings

from .models import Board, Post, Status, Topic, Visibility


def _site(site):
    return site if site is not None else SiteSettings.load()


def is_board_moderator(user, board) -> bool:
    """Return whether `user` may moderate `board`."""
    return roles.is_global_moderator(user) or board.pk in roles.moderated_board_ids(user)


def boards_visible_to(user, site=None) -> QuerySet[Board]:
    """Return the boards `user` may know exist."""
    boards = Board.objects.all()
    if not roles.is_member(user):
        return boards.filter(visibility=Visibility.PUBLIC)
    if roles.is_global_moderator(user) or roles.is_trusted(user, _site(site)):
        return boards
    return boards.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
        | Q(pk__in=roles.moderated_board_ids(user))
    )


def can_view_board(user, board, site=None) -> bool:
    if board.visibility == Visibility.PUBLIC:
        return True
    if not roles.is_member(user):
        return False
    if board.visibility == Visibility.MEMBERS or is_board_moderator(user, board):
        return True
    return roles.is_trusted(user, _site(site))


def check_view_board(user, board, site=None) -> None:
    if not can_view_board(user, board, site):
        raise Http404


def _content_filter(user, board) -> Q:
    """Return the filter on status for content in `board` that `user` may see."""
    if is_board_moderator(user, board):
        return Q()
    visible = Q(status=Status.VISIBLE)
    if roles.is_member(user):
        # Authors see their own posts that wait for a moderator, marked as waiting.
        visible |= Q(status=Status.HELD, author=user)
    return visible


def topics_visible_to(user, board) -> QuerySet[Topic]:
    """Return the topics of `board` that `user` may see (the board itself already checked)."""
    return Topic.objects.filter(board=board).filter(_content_filter(user, board))


def topic_count_visible_to(user, board) -> int | None:
    """Return how many topics of `board` `user` sees, from the board's counter where it says.

    The counter counts visible topics; a member adds their own waiting ones. A moderator
    sees every status, which no counter holds: None, count the rows.
    """
    if is_board_moderator(user, board):
        return None
    count = board.topic_count
    if roles.is_member(user):
        # Found by author and told apart by board here: asked for author and board at once,
        # SQLite (without statistics) walks every topic of the board instead.
        boards = Topic.objects.filter(author=user, status=Status.HELD).values_list("board_id", flat=True)
        count += list(boards).count(board.pk)
    return count


def post_count_visible_to(user, topic) -> int | None:
    """Return how many posts of `topic` `user` sees, from the topic's counter where it says.

    The counter (recounted from the rows at every change) counts visible posts; a member
    adds their own waiting ones. A moderator sees every status: None, count the rows.
    """
    if is_board_moderator(user, topic.board):
        return None
    count = topic.post_count
    if roles.is_member(user):
        count += Post.objects.filter(topic=topic, author=user, status=Status.HELD).count()
    return count


def can_view_topic(user, topic, site=None) -> bool:
    if not can_view_board(user, topic.board, site):
        return False
    if is_board_moderator(user, topic.board) or topic.status == Status.VISIBLE:
        return True
    return topic.status == Status.HELD and roles.is_member(user) and topic.author_id == user.pk


def check_view_topic(user, topic, site=None) -> None:
    if not can_view_topic(user, topic, site):
        raise Http404


def posts_visible_to(user, topic) -> QuerySet[Post]:
    """Return the posts of `topic` that `user` may see (the topic itself already checked)."""
    return Post.objects.filter(topic=topic).filter(_content_filter(user, topic.board))


def can_view_post(user, post, site=None) -> bool:
    if not can_view_topic(user, post.topic, site):
        return False
    if is_board_moderator(user, post.topic.board) or post.status == Status.VISIBLE:
        return True
    return post.status == Status.HELD and roles.is_member(user) and post.author_id == user.pk


def check_view_post(user, post, site=None) -> None:
    if not can_view_post(user, post, site):
        raise Http404


def check_start_topic(user, board, site=None) -> None:
    check_view_board(user, board, site)
    roles.check_can_participate(user)


def can_start_topic(user, board, site=None) -> bool:
    try:
        check_start_topic(user, board, site)
    except (PermissionDenied, Http404):
        return False
    return True


def check_reply(user, topic, site=None) -> None:
    check_view_topic(user, topic, site)
    roles.check_can_participate(user)
    if topic.locked and not is_board_moderator(user, topic.board):
        raise PermissionDenied(_("This topic is locked: no new replies."))
    if topic.status != Status.VISIBLE and not is_board_moderator(user, topic.board):
        raise PermissionDenied(_("You can reply once a moderator has approved this topic."))


def can_reply(user, topic, site=None) -> bool:
    try:
        check_reply(user, topic, site)
    except (PermissionDenied, Http404):
        return False
    return True


def _is_own(user, post) -> bool:
    return roles.is_member(user) and post.author_id == user.pk


def check_edit_post(user, post, site=None) -> None:
    check_view_post(user, post, site)
    if not _is_own(user, post):
        raise PermissionDenied(_("You can only edit your own posts."))
    roles.check_can_participate(user)
    if post.topic.locked:
        raise PermissionDenied(_("This topic is locked: its posts cannot be edited."))
    if post.status == Status.HIDDEN:
        raise PermissionDenied(_("A moderator has hidden this post: it cannot be edited."))


def can_edit_post(user, post, site=None) -> bool:
    if not _is_own(user, post):
        return False  # the common answer on a topic page, without check_edit_post's exception
    try:
        check_edit_post(user, post, site)
    except (PermissionDenied, Http404):
        return False
    return True


def check_delete_post(user, post, site=None) -> None:
    """Members may always delete their own posts: it is their data."""
    check_view_post(user, post, site)
    if not _is_own(user, post):
        raise PermissionDenied(_("You can only delete your own posts."))


def can_delete_post(user, post, site=None) -> bool:
    if not _is_own(user, post):
        return False  # as in can_edit_post
    try:
        check_delete_post(user, post, site)
    except (PermissionDenied, Http404):
        return False
    return True


def post_needs_approval(user, board, site=None) -> bool:
    """Return whether a new post by `user` in `board` waits for a moderator."""
    if is_board_moderator(user, board):
        return False
    site = _site(site)
    return board.requires_approval or user.posts_held or roles.is_on_probation(user, site)
