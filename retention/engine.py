"""The expiry engine: find what is past its rule and delete it, batch by batch.

Every kind of data is registered once in KINDS with the query that finds what is due and
the function that deletes a batch of it. Each batch is its own short transaction, so
readers keep being served, a kill loses at most one batch (which rolls back), and running
again simply carries on: the engine is idempotent.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from forum import actions as forum_actions
from forum.models import Board, Post, Topic
from moderation.models import Case
from moderation.models import LogEntry as ModerationLogEntry

from .models import BoardRetention, Kind, Measure, RetentionRule

DEFAULT_BATCH = 5000


@dataclass
class Part:
    """One deletable set: a label, the query of what is due, and a batch deleter."""

    kind: str
    label: str
    due: Callable[[datetime.datetime], QuerySet]
    delete: Callable[[list[int]], int]
    pick: Callable[[QuerySet, int], list[int]] | None = None

    def next_batch(self, now, batch_size) -> list[int]:
        queryset = self.due(now)
        if self.pick is not None:
            return self.pick(queryset, batch_size)
        return list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])


def _cutoff(rule_or_days, now) -> datetime.datetime:
    days = rule_or_days.days if hasattr(rule_or_days, "days") else rule_or_days
    return now - datetime.timedelta(days=days)


def _topic_field(measure) -> str:
    return "created_at" if measure == Measure.CREATION else "last_activity_at"


def due_topics(now) -> QuerySet:
    """Return topics past their board's rule (or the site rule), or past the member's choice."""
    rule = RetentionRule.for_kind(Kind.POSTS)
    overrides = list(BoardRetention.objects.all())
    condition = Q(expires_at__lte=now)
    default = Q(**{f"{_topic_field(rule.measured_from)}__lt": _cutoff(rule, now)})
    condition |= default & ~Q(board_id__in=[o.board_id for o in overrides])
    for override in overrides:
        condition |= Q(board_id=override.board_id) & Q(
            **{f"{_topic_field(override.measured_from)}__lt": _cutoff(override, now)}
        )
    return Topic.objects.filter(condition)


def due_posts(now) -> QuerySet:
    """Return single posts past the end their author chose."""
    return Post.objects.filter(expires_at__lte=now)


def due_cases(now) -> QuerySet:
    return Case.objects.filter(resolved_at__lt=_cutoff(RetentionRule.for_kind(Kind.REPORTS), now))


def due_log_entries(now) -> QuerySet:
    cutoff = _cutoff(RetentionRule.for_kind(Kind.MODERATION_LOG), now)
    return ModerationLogEntry.objects.filter(created_at__lt=cutoff)


def due_admin_log_entries(now) -> QuerySet:
    cutoff = _cutoff(RetentionRule.for_kind(Kind.MODERATION_LOG), now)
    return AdminLogEntry.objects.filter(action_time__lt=cutoff)


def due_accounts(now) -> QuerySet:
    """Return accounts unused past the rule (admins are kept: someone must run the site)."""
    cutoff = _cutoff(RetentionRule.for_kind(Kind.ACCOUNTS), now)
    unused = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff.date())
    return User.objects.filter(unused, is_superuser=False)


def due_sessions(now) -> QuerySet:
    return Session.objects.filter(expire_date__lt=now)


def _delete_rows(model) -> Callable[[list], int]:
    def delete(ids):
        with transaction.atomic():
            return model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)

    return delete


def _delete_topics(ids) -> int:
    return forum_actions.delete_topics(ids)[0]


def _topics_within_budget(queryset, batch_size) -> list[int]:
    """Return due topic ids holding about `batch_size` posts in all (at least one topic).

    A batch is measured in rows deleted, not topics, so one transaction stays short
    whether topics are small or hold ten thousand posts.
    """
    ids, rows = [], 0
    for pk, posts in queryset.order_by("pk").values_list("pk", "post_count")[:batch_size]:
        if ids and rows + posts + 1 > batch_size:
            break
        ids.append(pk)
        rows += posts + 1
    return ids


def _delete_posts(ids) -> int:
    return forum_actions.delete_posts(ids)[0]


def _delete_accounts(ids) -> int:
    """Delete accounts; their posts stay as "former member" (authors are set empty)."""
    with transaction.atomic():
        return User.objects.filter(pk__in=ids).delete()[1].get(User._meta.label, 0)


PARTS = [
    Part(Kind.POSTS, "topics", due_topics, _delete_topics, pick=_topics_within_budget),
    Part(Kind.POSTS, "posts", due_posts, _delete_posts),
    Part(Kind.REPORTS, "report cases", due_cases, _delete_rows(Case)),
    Part(Kind.MODERATION_LOG, "moderation log entries", due_log_entries, _delete_rows(ModerationLogEntry)),
    Part(Kind.MODERATION_LOG, "admin log entries", due_admin_log_entries, _delete_rows(AdminLogEntry)),
    Part(Kind.ACCOUNTS, "accounts", due_accounts, _delete_accounts),
    Part(Kind.SESSIONS, "sessions", due_sessions, _delete_rows(Session)),
]


def counts(now=None) -> dict[str, int]:
    """Return how many rows of each part the next run would delete."""
    now = now or timezone.now()
    return {part.label: part.due(now).count() for part in PARTS}


def counts_by_kind(now=None) -> dict[str, int]:
    result: dict[str, int] = {kind: 0 for kind in Kind.values}
    for part, number in zip(PARTS, counts(now).values()):
        result[part.kind] += number
    return result


# The expiry process on SQLite gets a larger page cache than a web worker, and checkpoints
# its write-ahead log less often: deleting rows spread over a large table dirties many
# pages, and copying them back to the database file at every commit dominated the run.
# The log is emptied at the end of the run (flush_deleted_pages).
SQLITE_EXPIRY_CACHE_KIB = 128 * 1024
SQLITE_EXPIRY_CHECKPOINT_PAGES = 25_000


def run(*, now=None, batch_size=DEFAULT_BATCH, progress=None, parts: Iterable[Part] = PARTS) -> dict[str, int]:
    """Delete everything due, batch by batch. Return {part label: rows deleted}."""
    now = now or timezone.now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_EXPIRY_CACHE_KIB}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_EXPIRY_CHECKPOINT_PAGES}")
    deleted: dict[str, int] = {}
    for part in parts:
        total = 0
        while True:
            ids = part.next_batch(now, batch_size)
            if not ids:
                break
            total += part.delete(ids)
            if progress:
                progress(part.label, total)
        deleted[part.label] = total
    if any(deleted.values()):
        flush_deleted_pages()
    return deleted


def flush_deleted_pages() -> None:
    """On SQLite, copy the write-ahead log into the file and empty it.

    With secure_delete on, freed pages are zeroed in the database file; the checkpoint makes
    sure no older copy of a deleted row stays behind in the WAL file.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def boards_with_own_rule() -> QuerySet:
    return Board.objects.filter(retention__isnull=False)
