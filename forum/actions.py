"""State changes of boards, topics and posts: the only code that writes them.

Each action runs in one transaction and locks the topic row it changes, so counters stay
equal to a recount however many workers post at once. Counters count what members can
see: visible topics, and visible posts in them.
"""

import contextlib
import json
from collections.abc import Iterator

from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.expressions import RawSQL

from accounts.models import User
from accounts.timeutil import coarse_now

from .markdown import render_markdown
from .models import Board, Post, Status, Topic
from .permissions import post_needs_approval


def _contribution(topic: Topic) -> tuple[int, int]:
    """Return what `topic` adds to its board's counters: (topics, posts)."""
    return _share(topic.status, topic.post_count)


def _share(status: str, post_count: int) -> tuple[int, int]:
    """Return what a topic with this status and count adds to its board: (topics, posts)."""
    return (1, post_count) if status == Status.VISIBLE else (0, 0)


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


def _settle_topics(topic_ids, *, shown_lost: dict[int, int], gone: list[int]) -> int:
    """Bring locked topics and their boards up to date after some of their posts were deleted.

    Runs inside the transaction that deleted the posts (`gone`), with the topics locked. The
    work follows what was deleted, not the size of the topics: each topic's count goes down
    by the visible posts it lost (`shown_lost`); a topic whose newest post went finds its new
    newest post and last activity (the same rule as `_recount`), or, with no post left, is
    deleted; each board gains or loses what its topics' shares changed by. Return the
    number of topics deleted.
    """
    fields = ("pk", "board_id", "status", "post_count")
    before = {pk: (board_id, _share(status, count))
              for pk, board_id, status, count in Topic.objects.filter(pk__in=among(topic_ids)).values_list(*fields)}  # fmt: skip
    if not before:
        return 0
    by_loss: dict[int, list[int]] = {}
    for topic_id, lost in shown_lost.items():
        by_loss.setdefault(lost, []).append(topic_id)
    for lost, ids in sorted(by_loss.items()):  # a few statements: most topics lose one or two
        Topic.objects.filter(pk__in=among(ids)).update(post_count=F("post_count") - lost)
    stale = Topic.objects.filter(Q(last_post__in=among(gone)) | Q(last_post__isnull=True), pk__in=among(before))
    stale_ids = list(stale.values_list("pk", flat=True))
    empty = []
    if stale_ids:
        renew = Topic.objects.filter(pk__in=among(stale_ids))
        newest = Post.objects.filter(topic=OuterRef("pk")).order_by("-pk").values("pk")
        renew.update(last_post=Coalesce(Subquery(newest.filter(status=Status.VISIBLE)[:1]), Subquery(newest[:1])))
        renew.filter(last_post__isnull=False).update(
            last_activity_at=Subquery(Post.objects.filter(pk=OuterRef("last_post_id")).values("created_at")[:1])
        )
        empty = list(renew.filter(last_post__isnull=True).values_list("pk", flat=True))
        if empty:
            Topic.objects.filter(pk__in=among(empty)).delete()
    after = {pk: (board_id, _share(status, count))
             for pk, board_id, status, count in Topic.objects.filter(pk__in=among(before)).values_list(*fields)}  # fmt: skip
    deltas: dict[int, list[int]] = {}
    for pk, (board_id, (topics_before, posts_before)) in before.items():
        topics_after, posts_after = after[pk][1] if pk in after else (0, 0)
        delta = deltas.setdefault(board_id, [0, 0])
        delta[0] += topics_after - topics_before
        delta[1] += posts_after - posts_before
    for board_id, (topic_delta, post_delta) in sorted(deltas.items()):
        _add_to_board(board_id, topic_delta, post_delta)
    return len(empty)


def _among(column: str, ids) -> tuple[str, list]:
    """Return an SQL condition "column is one of ids" with a single parameter (see `among`)."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def among(ids) -> RawSQL:
    """Return ids for a `field__in=` lookup as one parameter, however many there are.

    A bulk deletion names thousands of rows. Written as `IN (%s, %s, ...)`, each batch is a
    new SQL text: SQLite's driver keeps the last 128 statements prepared, about 2 MB each at
    20,000 placeholders (the expiry process grew past 250 MB), and PostgreSQL plans one array
    much faster than thousands of parameters.
    """
    ids = list(ids)
    if connection.vendor == "postgresql":
        kind = "bigint" if all(isinstance(pk, int) for pk in ids) else "text"
        return RawSQL(f"SELECT unnest(%s::{kind}[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def lock_topics(topic_ids) -> list[int]:
    """Lock topics in id order (the order every writer uses) and return the ids that exist."""
    return list(
        Topic.objects.select_for_update().filter(pk__in=among(topic_ids)).order_by("pk").values_list("pk", flat=True)
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
    for board_id, status, post_count in Topic.objects.filter(pk__in=among(ids)).values_list(
        "board_id", "status", "post_count"
    ):
        if status == Status.VISIBLE:
            share = shares.setdefault(board_id, [0, 0])
            share[0] += 1
            share[1] += post_count
    Topic.objects.filter(pk__in=among(ids)).update(last_post=None)
    # What the posts take along goes first, then the posts in one statement: the ORM's
    # cascade would first fetch every post id.
    _delete_what_posts_take_along(Post.objects.filter(topic_id__in=among(ids)).values("pk"))
    table = connection.ops.quote_name(Post._meta.db_table)
    condition, params = _among("topic_id", ids)
    if connection.vendor == "sqlite":
        # Rows in id order, not topic by topic: SQLite's search index writes its pending
        # deletions out whenever the row id goes back (see _delete_post_rows).
        condition = f"id IN (SELECT id FROM {table} WHERE {condition})"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)
        posts = cursor.rowcount
    Topic.objects.filter(pk__in=among(ids)).delete()
    for board_id, (topic_share, post_share) in shares.items():
        _add_to_board(board_id, -topic_share, -post_share)
    return len(ids), posts


def _delete_what_posts_take_along(posts) -> None:
    """Delete the rows the ORM's cascade would take along with `posts` (ids, or a subquery).

    Report cases about the posts, with their reports. A topic's newest-post key is left to
    the caller, who empties or recounts it before the transaction ends (the key is deferred).
    """
    for related in Post._meta.get_fields(include_hidden=True):
        if not (related.auto_created and not related.concrete and related.one_to_many):
            continue
        if related.field is Topic._meta.get_field("last_post"):
            continue
        if related.on_delete is not models.CASCADE:
            raise NotImplementedError(f"{related} needs a rule for bulk deletion of posts")
        related.related_model._base_manager.filter(**{f"{related.field.name}__in": posts}).delete()


def _delete_post_rows(post_ids) -> int:
    """Delete posts by id in one statement, taking along what the ORM's cascade would.

    Runs in the caller's transaction, with the posts' topics locked; the caller settles the
    topics before the transaction ends (a topic's newest-post key is checked at commit). One
    statement for the whole batch, rows in id order: SQLite's search index (FTS5, kept by a
    trigger) writes its pending deletions out at every statement and whenever the row id
    goes back, which made the ORM's delete (a statement per 100 rows) several times slower.
    Return the number of posts deleted.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    _delete_what_posts_take_along(among(ids))
    condition, params = _among("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Post._meta.db_table)} WHERE {condition}", params)
        return cursor.rowcount


@transaction.atomic(savepoint=False)
def delete_posts(post_ids, *, topic_ids=None) -> tuple[int, int]:
    """Delete posts by id in set-based statements, keeping every counter right.

    The posts' topics (`topic_ids`, if the caller read them already) are locked, what each
    topic loses is read, the posts go in one statement, and the topics and boards are
    brought up to date in the same transaction (`_settle_topics`). Return (posts, topics)
    deleted.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0, 0
    if topic_ids is None:
        topic_ids = set(Post.objects.filter(pk__in=among(ids)).values_list("topic_id", flat=True).distinct())
    lock_topics(topic_ids)
    shown_lost = dict(
        Post.objects.filter(pk__in=among(ids), status=Status.VISIBLE).order_by().values("topic_id")
        .annotate(n=Count("pk")).values_list("topic_id", "n")
    )  # fmt: skip
    deleted = _delete_post_rows(ids)
    return deleted, _settle_topics(topic_ids, shown_lost=shown_lost, gone=ids)


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
