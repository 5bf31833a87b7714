"""State changes of boards, topics and posts: the only code that writes them.

Each action runs in one transaction and locks the topic row it changes, so counters stay
equal to a recount however many workers post at once. Counters count what members can
see: visible topics, and visible posts in them.
"""

import contextlib
from collections.abc import Iterator

from django.db import connection, models, transaction
from django.db.models import Count, F, Max

from accounts.models import User
from accounts.timeutil import coarse_now

from .markdown import render_markdown
from .models import Board, Post, Status, Topic
from .permissions import post_needs_approval


def _contribution(topic: Topic) -> tuple[int, int]:
    """Return what `topic` adds to its board's counters: (topics, posts)."""
    if topic.status == Status.VISIBLE:
        return 1, topic.post_count
    return 0, 0


def _add_to_board(board_id: int, topics: int, posts: int) -> None:
    if topics or posts:
        Board.objects.filter(pk=board_id).update(
            topic_count=F("topic_count") + topics, post_count=F("post_count") + posts
        )


def _recount(topic: Topic) -> None:
    """Recompute a locked topic's counters and newest post from its rows."""
    visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
    topic.post_count = visible.count()
    last = visible.order_by("-id").only("id", "created_at").first()
    if last is None:
        last = Post.objects.filter(topic=topic).order_by("-id").only("id", "created_at").first()
    topic.last_post = last
    topic.last_activity_at = last.created_at if last else topic.created_at
    topic.save(update_fields=["post_count", "last_post", "last_activity_at", "status",
                              "board", "pinned", "locked", "title", "expires_at"])


@contextlib.contextmanager
def counted(topic_id: int, *, is_new: bool = False) -> Iterator[Topic]:
    """Lock a topic, let the caller change it or its posts, then bring counters up to date.

    Must run inside a transaction. If the caller deletes the topic, its share of the
    board's counters is taken away; a new topic has not been counted yet.
    """
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    before_board, before = topic.board_id, (0, 0) if is_new else _contribution(topic)
    yield topic
    if Topic.objects.filter(pk=topic.pk).exists():
        _recount(topic)
        after_board, after = topic.board_id, _contribution(topic)
    else:
        after_board, after = before_board, (0, 0)
    if before_board == after_board:
        _add_to_board(before_board, after[0] - before[0], after[1] - before[1])
    else:
        _add_to_board(before_board, -before[0], -before[1])
        _add_to_board(after_board, after[0], after[1])


def _count_approved(author: User | None, posts: int = 1) -> None:
    if author is not None and posts:
        User.objects.filter(pk=author.pk).update(approved_post_count=F("approved_post_count") + posts)


@transaction.atomic
def create_topic(board: Board, *, author: User, title: str, body: str, expires_at=None) -> Topic:
    """Start a topic with its first post; it waits for a moderator if the rules say so."""
    status = Status.HELD if post_needs_approval(author, board) else Status.VISIBLE
    now = coarse_now()
    topic = Topic.objects.create(
        board=board, title=title.strip(), author=author, status=status,
        created_at=now, last_activity_at=now, expires_at=expires_at,
    )  # fmt: skip
    with counted(topic.pk, is_new=True) as locked:
        Post.objects.create(
            topic=locked, author=author, body=body, body_html=render_markdown(body),
            status=status, created_at=now, expires_at=expires_at,
        )  # fmt: skip
    if status == Status.VISIBLE:
        _count_approved(author)
    topic.refresh_from_db()
    return topic


@transaction.atomic
def create_reply(topic: Topic, *, author: User, body: str, expires_at=None) -> Post:
    """Add a reply to a topic; it waits for a moderator if the rules say so."""
    status = Status.HELD if post_needs_approval(author, topic.board) else Status.VISIBLE
    with counted(topic.pk) as locked:
        post = Post.objects.create(
            topic=locked, author=author, body=body, body_html=render_markdown(body),
            status=status, created_at=coarse_now(), expires_at=expires_at,
        )  # fmt: skip
    if status == Status.VISIBLE:
        _count_approved(author)
    return post


@transaction.atomic
def edit_post(post: Post, *, body: str, by_moderator: bool = False) -> Post:
    """Replace a post's text and render it again."""
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = coarse_now()
    post.edited_by_moderator = post.edited_by_moderator or by_moderator
    post.save(update_fields=["body", "body_html", "edited_at", "edited_by_moderator"])
    return post


@transaction.atomic
def edit_topic_title(topic: Topic, *, title: str) -> Topic:
    Topic.objects.filter(pk=topic.pk).update(title=title.strip())
    topic.title = title.strip()
    return topic


@transaction.atomic
def delete_post(post: Post) -> bool:
    """Delete a post's row. The last post of a topic takes the topic with it.

    Return True if the topic was deleted too.
    """
    with counted(post.topic_id) as topic:
        if not Post.objects.filter(topic=topic).exclude(pk=post.pk).exists():
            topic.delete()
            return True
        post.delete()
    return False


@transaction.atomic
def delete_topic(topic: Topic) -> None:
    """Delete a topic and every post in it."""
    with counted(topic.pk) as locked:
        locked.delete()


@transaction.atomic
def set_post_status(post: Post, status: str) -> bool:
    """Make a post visible, held or hidden. Return False if it already was.

    The first post of a topic carries the topic with it.
    """
    with counted(post.topic_id) as topic:
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.status == status:
            post.status = status
            return False
        first_id = Post.objects.filter(topic=topic).order_by("id").values_list("id", flat=True)[0]
        Post.objects.filter(pk=post.pk).update(status=status)
        if post.pk == first_id:
            topic.status = status
        if current.status == Status.HELD and status == Status.VISIBLE:
            _count_approved(current.author)
    post.status = status
    return True


@transaction.atomic
def set_topic_flags(topic: Topic, **flags) -> bool:
    """Set `pinned`, `locked` or `status` on a topic. Return False if nothing changed."""
    with counted(topic.pk) as locked:
        changed = {k: v for k, v in flags.items() if getattr(locked, k) != v}
        for name, value in changed.items():
            setattr(locked, name, value)
            setattr(topic, name, value)
        if "status" in changed:
            first = Post.objects.filter(topic=locked).order_by("id").first()
            if first is not None and first.status != changed["status"]:
                Post.objects.filter(pk=first.pk).update(status=changed["status"])
    return bool(changed)


@transaction.atomic
def move_topic(topic: Topic, *, board: Board) -> bool:
    """Move a topic to another board. Return False if it is already there."""
    with counted(topic.pk) as locked:
        if locked.board_id == board.pk:
            return False
        locked.board = board
        topic.board = board
    return True


def refresh_topics(topic_ids) -> int:
    """Bring locked topics and their boards up to date after posts were deleted in bulk.

    Must run inside the transaction that deleted the posts, with the topics locked by the
    caller (`lock_topics`). Topics left without posts are deleted. A few queries, whatever
    the number of topics. Return the number of topics deleted.
    """
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=topic_ids)}
    if not topics:
        return 0
    before = {pk: (t.board_id, _contribution(t)) for pk, t in topics.items()}
    alive = set(Post.objects.filter(topic_id__in=topics).values_list("topic_id", flat=True).distinct())
    empty = [pk for pk in topics if pk not in alive]
    Topic.objects.filter(pk__in=empty).delete()
    visible = {
        row["topic_id"]: row
        for row in Post.objects.filter(topic_id__in=alive, status=Status.VISIBLE)
        .values("topic_id")
        .annotate(n=Count("id"), last=Max("id"))
    }
    newest_any = dict(
        Post.objects.filter(topic_id__in=alive).values("topic_id").annotate(last=Max("id"))
        .values_list("topic_id", "last")
    )  # fmt: skip
    last_ids = {pk: visible[pk]["last"] if pk in visible else newest_any[pk] for pk in alive}
    times = dict(Post.objects.filter(pk__in=last_ids.values()).values_list("id", "created_at"))
    changed = []
    for pk in alive:
        topic = topics[pk]
        topic.post_count = visible[pk]["n"] if pk in visible else 0
        topic.last_post_id = last_ids[pk]
        topic.last_activity_at = times[last_ids[pk]]
        changed.append(topic)
    Topic.objects.bulk_update(changed, ["post_count", "last_post", "last_activity_at"])
    deltas: dict[int, list[int]] = {}
    for pk, (board_id, (topics_before, posts_before)) in before.items():
        after = _contribution(topics[pk]) if pk in alive else (0, 0)
        delta = deltas.setdefault(board_id, [0, 0])
        delta[0] += after[0] - topics_before
        delta[1] += after[1] - posts_before
    for board_id, (topic_delta, post_delta) in deltas.items():
        _add_to_board(board_id, topic_delta, post_delta)
    return len(empty)


def lock_topics(topic_ids) -> list[int]:
    """Lock topics in id order (the order every writer uses) and return the ids that exist."""
    return list(
        Topic.objects.select_for_update().filter(pk__in=topic_ids).order_by("pk").values_list("pk", flat=True)
    )


# The bulk deletions below run inside their caller's transaction (an expiry batch, an
# account's erasure) without a savepoint of their own: on SQLite a savepoint journals every
# page the batch changes a second time, which cost the expiry engine a quarter of its speed.
@transaction.atomic(savepoint=False)
def delete_topics(topic_ids) -> tuple[int, int]:
    """Delete topics (and their posts) in one go. Return (topics, posts) deleted."""
    ids = lock_topics(topic_ids)
    if not ids:
        return 0, 0
    shares: dict[int, list[int]] = {}
    for board_id, status, post_count in Topic.objects.filter(pk__in=ids).values_list(
        "board_id", "status", "post_count"
    ):
        if status == Status.VISIBLE:
            share = shares.setdefault(board_id, [0, 0])
            share[0] += 1
            share[1] += post_count
    Topic.objects.filter(pk__in=ids).update(last_post=None)
    # Report cases about these topics or their posts go with them (what a cascade would do),
    # then the posts go in one statement: the ORM's cascade would first fetch every post id.
    from_posts = Post.objects.filter(topic_id__in=ids).values("pk")
    for related in Post._meta.related_objects:
        if related.on_delete is models.CASCADE:
            related.related_model._base_manager.filter(**{f"{related.field.name}__in": from_posts}).delete()
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {Post._meta.db_table} WHERE topic_id IN ({placeholders})", ids)
        posts = cursor.rowcount
    Topic.objects.filter(pk__in=ids).delete()
    for board_id, (topic_share, post_share) in shares.items():
        _add_to_board(board_id, -topic_share, -post_share)
    return len(ids), posts


@transaction.atomic(savepoint=False)
def delete_posts(post_ids) -> tuple[int, int]:
    """Delete posts by id, keeping every counter right. Return (posts, topics) deleted."""
    topic_ids = set(Post.objects.filter(pk__in=post_ids).values_list("topic_id", flat=True))
    lock_topics(topic_ids)
    deleted = Post.objects.filter(pk__in=post_ids).delete()[1].get(Post._meta.label, 0)
    topics_gone = refresh_topics(topic_ids)
    return deleted, topics_gone


def export_member_content(user) -> dict:
    """Return the topics and posts a member wrote, as they are stored."""
    def when(moment):
        return moment.isoformat() if moment else None

    return {
        "topics": [
            {"id": t.pk, "board": t.board.slug, "title": t.title, "started": when(t.created_at),
             "status": t.status, "disappears_on": when(t.expires_at)}
            for t in Topic.objects.filter(author=user).select_related("board").order_by("id")
        ],
        "posts": [
            {"id": p.pk, "topic": p.topic_id, "text": p.body, "written": when(p.created_at),
             "edited": when(p.edited_at), "status": p.status, "disappears_on": when(p.expires_at)}
            for p in Post.objects.filter(author=user).order_by("id").iterator()
        ],
    }  # fmt: skip


def erase_member_content(user, *, delete_content: bool) -> None:
    """Delete every post of a member; topics they started lose their title and author.

    Other members' replies stay (they are those members' writing); a topic with nothing
    left disappears. Without `delete_content` the posts stay as "former member" (the
    account's deletion empties their author).
    """
    if not delete_content:
        return
    ids = list(Post.objects.filter(author=user).values_list("id", flat=True))
    for start in range(0, len(ids), 1000):
        delete_posts(ids[start : start + 1000])
    Topic.objects.filter(author=user).update(title="", author=None)
