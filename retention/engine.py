"""The expiry engine: find what is past its rule and delete it, batch by batch.

Every kind of data is registered once, in REGISTRY below: which rule it follows, the model
(looked up lazily, so an app that is not there yet is skipped), the query of what is due,
and how a batch of it is deleted. Each batch is its own short transaction that locks its
rows, checks again that they are still due (a reply may have revived a topic since it was
picked), deletes them and brings counters up to date. Readers keep being served; a kill
loses at most the batch in flight, which rolls back; running again simply carries on.
"""

import datetime
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import ratelimit
from forum.actions import among

from .models import DEFAULTS, BoardRetention, Kind, Measure, RetentionRule

# Batches are measured in rows. Unless a size is asked for, each part starts at DEFAULT_BATCH
# and every next batch is sized to take about BATCH_SECONDS (the time a member posting
# meanwhile may wait; readers never wait): a batch has a fixed cost (on SQLite, writing out
# the index pages it touched, which are much the same whatever its size) and a cost per row,
# so larger batches delete more rows a second. A member's post waits for the batch in flight:
# 1.5 s keeps that well inside the 5 s a SQLite connection waits before it gives up (a
# million posts on SQLite: 11% faster than with batches of a second; see bench/RESULTS.md).
DEFAULT_BATCH = 5000
MIN_BATCH = 500
MAX_BATCH = 30_000  # on SQLite, about the pages a 128 MB cache holds (SQLITE_EXPIRY_CACHE_KIB)
BATCH_SECONDS = 1.5
WRITER_GAP_SECONDS = 0.1  # on SQLite, after a batch of a second or more (a tenth of its time)
logger = logging.getLogger("hearth.retention")


# The rules of one run ------------------------------------------------------------------


@dataclass
class Context:
    """The moment a run is measured from, and the rules as they stood when it started."""

    now: datetime.datetime
    rules: dict[str, RetentionRule]
    boards: list[BoardRetention] = field(default_factory=list)
    # SQLite: deleted posts are left in the search index, which is rebuilt at the end
    # (see _rebuild_costs_less); and whether it must be rebuilt (then, or after a killed run).
    defer_post_index: bool = False
    post_index_stale: bool = False

    @classmethod
    def load(cls, now=None) -> "Context":
        rules = {rule.kind: rule for rule in RetentionRule.objects.all()}
        for kind in Kind.values:
            if kind not in rules:  # a missing rule falls back to its default, never to "keep"
                days, measure = DEFAULTS[kind]
                rules[kind] = RetentionRule(kind=kind, days=days, measured_from=measure)
        return cls(now=now or timezone.now(), rules=rules, boards=list(BoardRetention.objects.all()))

    def cutoff(self, kind_or_rule) -> datetime.datetime:
        rule = self.rules[kind_or_rule] if isinstance(kind_or_rule, str) else kind_or_rule
        return self.now - datetime.timedelta(days=rule.days)


def _model(label: str, *fields: str) -> type[Model] | None:
    """Return the model `app.Model` if it exists with these fields, else None (skip it)."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if set(fields) <= names else None


# What is due, kind by kind -------------------------------------------------------------


def _topic_field(measure) -> str:
    return "created_at" if measure == Measure.CREATION else "last_activity_at"


def due_topics(ctx: Context) -> QuerySet:
    """Return topics past their board's rule (or the site rule), or past the member's choice.

    A due topic goes with every post in it.
    """
    from forum.models import Topic

    rule = ctx.rules[Kind.POSTS]
    condition = Q(expires_at__lte=ctx.now)
    site_wide = Q(**{f"{_topic_field(rule.measured_from)}__lt": ctx.cutoff(rule)})
    condition |= site_wide & ~Q(board_id__in=[o.board_id for o in ctx.boards])
    for override in ctx.boards:
        condition |= Q(board_id=override.board_id) & Q(
            **{f"{_topic_field(override.measured_from)}__lt": ctx.cutoff(override)}
        )
    return Topic.objects.filter(condition)


def due_posts(ctx: Context) -> QuerySet:
    """Return single posts past the end their author chose."""
    from forum.models import Post

    return Post.objects.filter(expires_at__lte=ctx.now)


def due_accounts(ctx: Context) -> QuerySet:
    """Return accounts unused past the rule (superusers are kept: someone must run the site)."""
    from accounts.models import User

    cutoff = ctx.cutoff(Kind.ACCOUNTS)
    unused = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff.date())
    return User.objects.filter(unused, is_superuser=False)


def due_sessions(ctx: Context) -> QuerySet:
    """Return sessions that expired, or that were left idle longer than the rule.

    A session is saved at sign-in and whenever it changes, and each save sets its end to
    SESSION_COOKIE_AGE later; so the last save was `expire_date - SESSION_COOKIE_AGE`.
    """
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=_session_threshold(ctx))


def _session_threshold(ctx: Context) -> datetime.datetime:
    """Return the end date before which a session is due: expired, or idle past the rule."""
    idle = datetime.timedelta(days=ctx.rules[Kind.SESSIONS].days)
    last_save_before = ctx.now - idle + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return max(ctx.now, last_save_before)


def _idle_lapsed(session, now_ts: int) -> bool:
    """Return whether a session's idle sign-out time (accounts.middleware) has passed."""
    from accounts.middleware import IDLE_KEY

    until = session.get_decoded().get(IDLE_KEY)
    return isinstance(until, int) and until < now_ts


def due_idle_sessions(ctx: Context) -> QuerySet:
    """Return the live sessions to look into for a lapsed idle sign-out time.

    A session not kept signed in ends after the admin's idle time; the middleware only
    notices on the next visit, which may never come. The time is inside the signed session
    data, so candidates are decoded (see _pick_idle_sessions).
    """
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__gte=_session_threshold(ctx))


def _pick_idle_sessions(ctx: Context, queryset: QuerySet, batch_size: int) -> list:
    now_ts = int(ctx.now.timestamp())
    picked = []
    for session in queryset.order_by("pk").iterator(chunk_size=2000):
        if _idle_lapsed(session, now_ts):
            picked.append(session.pk)
            if len(picked) >= batch_size:
                break
    return picked


def _delete_idle_sessions(part: "Part", ctx: Context, ids: list) -> Counter:
    with transaction.atomic():
        now_ts = int(ctx.now.timestamp())
        candidates = part.due(ctx).filter(pk__in=among(ids)).select_for_update()
        still = [session.pk for session in candidates if _idle_lapsed(session, now_ts)]
        deleted = candidates.model.objects.filter(pk__in=among(still)).delete()[0] if still else 0
    return Counter({part.label: deleted})


def _count_idle_sessions(ctx: Context) -> Counter:
    now_ts = int(ctx.now.timestamp())
    lapsed = sum(1 for s in due_idle_sessions(ctx).iterator(chunk_size=2000) if _idle_lapsed(s, now_ts))
    return Counter({"sessions": lapsed})


def _by_timestamp(kind: str, label: str, field_name: str) -> Callable[[Context], QuerySet | None]:
    """Return a query builder: rows of `label` whose `field_name` is older than the rule."""

    def due(ctx: Context) -> QuerySet | None:
        model = _model(label, field_name)
        if model is None:
            return None
        return model._default_manager.filter(**{f"{field_name}__lt": ctx.cutoff(kind)})

    return due


def _invite_model() -> type[Model] | None:
    return _model("accounts.Invite", "used_at", "expires_at")


def due_invites(ctx: Context) -> QuerySet | None:
    """Return invites nobody used, past their end by more than the rule (0 days: at their end)."""
    model = _invite_model()
    if model is None:
        return None
    return model._default_manager.filter(used_at__isnull=True, expires_at__lt=ctx.cutoff(Kind.INVITES))


def due_inviter_links(ctx: Context) -> QuerySet | None:
    """Return used invites whose last use is older than the inviter-link rule.

    A used invite is what links the members who joined with it to the member who invited
    them (User.invite); deleting the row empties that link (SET_NULL).
    """
    model = _invite_model()
    if model is None:
        return None
    return model._default_manager.filter(used_at__lt=ctx.cutoff(Kind.INVITER_LINK))


def due_notices(ctx: Context) -> QuerySet | None:
    """Return warnings the member dismissed, and any older than the rule."""
    model = _model("moderation.Notice", "seen_at", "created_at")
    if model is None:
        return None
    return model._default_manager.filter(Q(seen_at__isnull=False) | Q(created_at__lt=ctx.cutoff(Kind.NOTICES)))


# How a batch is deleted ----------------------------------------------------------------


def _delete_rows(part: "Part", ctx: Context, ids: list) -> Counter:
    """Lock the picked rows that are still due, and delete them (the ORM's cascades apply)."""
    with transaction.atomic():
        queryset = part.due(ctx)
        still = list(queryset.filter(pk__in=among(ids)).select_for_update().values_list("pk", flat=True))
        if not still:
            return Counter()
        model = queryset.model
        counts = model._base_manager.filter(pk__in=among(still)).delete()[1]
        return Counter({part.label: counts.get(model._meta.label, 0)})


def _delete_topics(part: "Part", ctx: Context, ids: list) -> Counter:
    """Delete due topics with every post in them; board counters follow."""
    from forum import actions as forum_actions

    with transaction.atomic(), _index_deletions(ctx):
        locked = forum_actions.lock_topics(ids)
        still = list(due_topics(ctx).filter(pk__in=among(locked)).values_list("pk", flat=True))
        if not still:
            return Counter()
        topics, posts = forum_actions.delete_topics(still)
    return Counter({"topics": topics, "posts": posts})


def _delete_posts(part: "Part", ctx: Context, ids: list) -> Counter:
    """Delete single due posts; their topics are recounted (and go if left empty)."""
    from forum import actions as forum_actions

    with transaction.atomic(), _index_deletions(ctx):
        still = dict(due_posts(ctx).filter(pk__in=among(ids)).values_list("pk", "topic_id"))
        if not still:
            return Counter()
        posts, topics = forum_actions.delete_posts(still, topic_ids=set(still.values()))
    return Counter({"posts": posts, "topics": topics})


def _index_deletions(ctx: Context):
    """Return the context a batch deletes posts in: left in the search index, or taken out."""
    from forum import search

    return search.post_deletions_left_in_index() if ctx.defer_post_index else nullcontext()


def _rebuild_costs_less(ctx: Context) -> bool:
    """On SQLite, return whether to leave this run's deleted posts in the search index.

    Taking a post out of the index costs about what putting one in does (its text is cut
    into trigrams either way). When more posts are due than stay, and few enough stay for a
    rebuild to be short (SQLITE_FTS_REBUILD_ROWS), the index is rebuilt from the posts left
    at the end of the run instead (bench/expire_bench.py, a million posts, three quarters
    due: 26 s instead of 37 s). What the run deletes stays in the index until that rebuild,
    as it stays in the index's old segments until the merge otherwise; a run that stops
    before it leaves FTS5's merging off (_set_fts_automerge), and the next run rebuilds.
    """
    from forum.models import Post

    due = sum(part.due_counts(ctx).get("posts", 0) for part in REGISTRY[:2])
    if due < SQLITE_FTS_DEFER_MIN_ROWS:  # most runs: the posts are not counted at all
        return False
    staying = Post.objects.count() - due
    return due >= staying and staying <= SQLITE_FTS_REBUILD_ROWS


def _topics_within_budget(queryset: QuerySet, batch_size: int) -> list:
    """Return due topic ids holding about `batch_size` rows in all (at least one topic).

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


def _count_topics(ctx: Context) -> Counter:
    from forum.models import Post

    topics = due_topics(ctx)
    return Counter({"topics": topics.count(), "posts": Post.objects.filter(topic__in=topics).count()})


def _count_posts(ctx: Context) -> Counter:
    """Count posts due on their own, leaving out those whose topic goes anyway."""
    return Counter({"posts": due_posts(ctx).exclude(topic__in=due_topics(ctx)).count()})


# The registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One kind of row an expiry rule deletes."""

    kind: str  # the rule it follows (Kind)
    label: str  # what the summary calls the rows
    due: Callable[[Context], QuerySet | None]  # None: the model is not there, skip
    delete: Callable[["Part", Context, list], Counter] = _delete_rows
    pick: Callable[[QuerySet, int], list] | None = None
    pick_with_context: Callable[[Context, QuerySet, int], list] | None = None
    count: Callable[[Context], Counter] | None = None
    title: str = ""  # what the admin's "next run" page calls the rows (translatable)

    def next_batch(self, ctx: Context, batch_size: int, after=None) -> list:
        """Return the next ids due after `after` (ids only grow, so every run ends)."""
        queryset = self.due(ctx)
        if queryset is None:
            return []
        if after is not None:
            queryset = queryset.filter(pk__gt=after)
        if self.pick_with_context is not None:
            return self.pick_with_context(ctx, queryset, batch_size)
        if self.pick is not None:
            return self.pick(queryset, batch_size)
        return list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])

    def due_counts(self, ctx: Context) -> Counter:
        if self.count is not None:
            return self.count(ctx)
        queryset = self.due(ctx)
        return Counter({self.label: queryset.count() if queryset is not None else 0})


REGISTRY: list[Part] = [
    Part(Kind.POSTS, "topics", due_topics, _delete_topics, pick=_topics_within_budget,
         count=_count_topics, title=_("topics past their rule or their author's end, with every post in them")),
    Part(Kind.POSTS, "posts", due_posts, _delete_posts, count=_count_posts,
         title=_("single posts past the end their author chose")),
    Part(Kind.REPORTS, "report cases", _by_timestamp(Kind.REPORTS, "moderation.Case", "resolved_at"),
         title=_("resolved report cases, with their reports")),
    Part(Kind.MODERATION_LOG, "moderation log entries",
         _by_timestamp(Kind.MODERATION_LOG, "moderation.LogEntry", "created_at"),
         title=_("moderation log entries")),
    Part(Kind.MODERATION_LOG, "admin log entries",
         _by_timestamp(Kind.MODERATION_LOG, "admin.LogEntry", "action_time"),
         title=_("admin log entries")),
    Part(Kind.NOTICES, "warnings", due_notices, title=_("warnings dismissed by their member, or past the rule")),
    Part(Kind.ACCOUNTS, "accounts", due_accounts, title=_("accounts without a sign-in for longer than the rule")),
    Part(Kind.INVITES, "invites", due_invites, title=_("invites never used, past their end")),
    Part(Kind.INVITER_LINK, "inviter links", due_inviter_links,
         title=_("used invites past the rule, and with them who invited whom")),
    Part(Kind.SESSIONS, "sessions", due_sessions, title=_("sessions expired or idle past the rule")),
    Part(Kind.SESSIONS, "sessions", due_idle_sessions, _delete_idle_sessions,
         pick_with_context=_pick_idle_sessions, count=_count_idle_sessions,
         title=_("sessions past the idle sign-out time")),
]  # fmt: skip
LABELS = list(dict.fromkeys(["topics", "posts", *(part.label for part in REGISTRY)]))


def describe(label: str, number: int) -> str:
    """Return "3 topics" for a label of the summary, in the active language."""
    texts = {
        "topics": lambda n: ngettext("%(count)s topic", "%(count)s topics", n),
        "posts": lambda n: ngettext("%(count)s post", "%(count)s posts", n),
        "report cases": lambda n: ngettext("%(count)s report case", "%(count)s report cases", n),
        "moderation log entries": lambda n: ngettext(
            "%(count)s moderation log entry", "%(count)s moderation log entries", n
        ),
        "admin log entries": lambda n: ngettext("%(count)s admin log entry", "%(count)s admin log entries", n),
        "warnings": lambda n: ngettext("%(count)s warning", "%(count)s warnings", n),
        "accounts": lambda n: ngettext("%(count)s account", "%(count)s accounts", n),
        "invites": lambda n: ngettext("%(count)s unused invite", "%(count)s unused invites", n),
        "inviter links": lambda n: ngettext("%(count)s used invite (inviter link)",
                                            "%(count)s used invites (inviter links)", n),
        "sessions": lambda n: ngettext("%(count)s session", "%(count)s sessions", n),
    }  # fmt: skip
    return texts[label](number) % {"count": number}


# Reading and running ---------------------------------------------------------------------


def counts(now=None, *, ctx: Context | None = None) -> dict[str, int]:
    """Return how many rows of each kind the next run would delete (nothing is deleted)."""
    ctx = ctx or Context.load(now)
    total = Counter({label: 0 for label in LABELS})
    for part in REGISTRY:
        total.update(part.due_counts(ctx))
    return {label: total[label] for label in LABELS}


def counts_by_kind(now=None, *, ctx: Context | None = None) -> dict[str, int]:
    """Return how many rows the next run deletes under each rule."""
    ctx = ctx or Context.load(now)
    result = Counter({kind: 0 for kind in Kind.values})
    for part in REGISTRY:
        result[part.kind] += sum(part.due_counts(ctx).values())
    return dict(result)


def counts_by_board(now=None, *, ctx: Context | None = None) -> dict[int, dict[str, int]]:
    """Return {board id: {"topics": n, "posts": n}} due at the next run, member choices included."""
    from forum.models import Post

    ctx = ctx or Context.load(now)
    result: dict[int, dict[str, int]] = {}
    for row in due_topics(ctx).values("board_id").annotate(n=Count("id")):
        result.setdefault(row["board_id"], {"topics": 0, "posts": 0})["topics"] = row["n"]
    topics = due_topics(ctx)
    alone = due_posts(ctx).exclude(topic__in=topics)
    with_topics = Post.objects.filter(topic__in=topics)
    for queryset in (with_topics, alone):
        for row in queryset.values("topic__board_id").annotate(n=Count("id")):
            result.setdefault(row["topic__board_id"], {"topics": 0, "posts": 0})["posts"] += row["n"]
    return result


# The expiry process on SQLite gets a larger page cache than a web worker, and checkpoints
# its write-ahead log less often: deleting rows spread over a large table dirties many
# pages, and copying them back to the database file at every commit dominated the run.
# The log is emptied at the end of the run (flush_deleted_pages). A batch of a second's
# deletions dirties about 20,000 pages (80 MB); with a smaller cache, SQLite writes some out
# before the commit and reads them back (a million posts: 64 MB took 6% longer; the
# process peaks near 225 MB with this one, only on runs that large).
SQLITE_EXPIRY_CACHE_KIB = 128 * 1024
SQLITE_EXPIRY_CHECKPOINT_PAGES = 100_000


def _sqlite_pragmas(values: dict[str, object]) -> dict[str, object]:
    """Set SQLite pragmas on this connection; return their previous values."""
    previous = {}
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    return previous


def run(*, now=None, batch_size: int | None = None, progress=None, parts: Iterable[Part] | None = None,
        stats: dict[str, list] | None = None) -> dict[str, int]:
    """Delete everything due, batch by batch. Return {label: rows deleted}.

    `batch_size` fixes the rows per batch; without it batches adapt (see BATCH_SECONDS).
    `progress(label, total)` is called after every batch with the running total of `label`.
    `stats`, if given, gains {part label: [rows deleted, seconds spent, longest batch in
    seconds, batches]} for each part.
    """
    ctx = Context.load(now)
    tuned = None
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        tuned = _sqlite_pragmas({"cache_size": -SQLITE_EXPIRY_CACHE_KIB,
                                 "wal_autocheckpoint": SQLITE_EXPIRY_CHECKPOINT_PAGES})  # fmt: skip
        # Merging left at 0 means a run ended before its index was rebuilt or merged.
        ctx.post_index_stale = 0 in _set_fts_automerge(0)
        ctx.defer_post_index = parts is None and _rebuild_costs_less(ctx)
        ctx.post_index_stale |= ctx.defer_post_index
    deleted = Counter({label: 0 for label in LABELS})
    settled = tuned is None
    try:
        for part in parts if parts is not None else REGISTRY:
            started, rows, longest, batches = time.monotonic(), 0, 0.0, 0
            size = min(max(1, batch_size), MAX_BATCH) if batch_size else DEFAULT_BATCH
            after = None
            ids = part.next_batch(ctx, size, after)
            while ids:
                after = ids[-1]
                began = time.monotonic()
                batch = part.delete(part, ctx, ids)
                took = time.monotonic() - began
                longest, batches = max(longest, took), batches + 1
                if not batch_size:
                    size = _next_size(size, took)
                # The next batch is picked (a read, which takes no lock) in members' gap.
                gap_ends = time.monotonic() + _writers_gap(took)
                ids = part.next_batch(ctx, size, after)
                time.sleep(max(0.0, gap_ends - time.monotonic()))
                deleted.update(batch)
                rows += sum(batch.values())
                if progress:
                    progress(part.label, deleted[part.label])
            if stats is not None:
                entry = stats.setdefault(part.label, [0, 0.0, 0.0, 0])
                entry[0] += rows
                entry[1] += time.monotonic() - started
                entry[2] = max(entry[2], longest)
                entry[3] += batches
        began = time.monotonic()
        purged = purge_search_index(rebuild={"forum_post_fts"} if ctx.post_index_stale else set())
        settled = True
        if stats is not None and purged:
            stats["search index"] = [0, time.monotonic() - began, 0.0, purged]
    finally:
        if tuned is not None:
            if settled:  # else merging stays off: the next run sees it and rebuilds the index
                _set_fts_automerge(SQLITE_FTS_AUTOMERGE)
            _sqlite_pragmas(tuned)
    ratelimit.delete_ended_counters(ctx.now)
    if not flush_deleted_pages():
        logger.warning(
            "The SQLite write-ahead log could not be emptied (a long read kept it busy); "
            "the next run tries again."
        )
    return {label: deleted[label] for label in LABELS}


def _writers_gap(took: float) -> float:
    """Return how long to leave the database to members after a write that took `took` s.

    On SQLite, a member posting meanwhile waits in SQLite's busy handler, which retries only
    every 100 ms once it has waited a while: back-to-back transactions leave it no moment to
    get in, and after the connection's 5 s it gives up ("database is locked").
    """
    return min(WRITER_GAP_SECONDS, took / 10) if connection.vendor == "sqlite" else 0.0


def _leave_writers_a_gap(took: float) -> None:
    """Rest for the gap members are left after a write (see _writers_gap)."""
    time.sleep(_writers_gap(took))


def _next_size(size: int, seconds: float) -> int:
    """Return the size of the next batch: one that should take about BATCH_SECONDS."""
    wanted = size * BATCH_SECONDS / max(seconds, 0.001)
    return int(min(MAX_BATCH, max(MIN_BATCH, size / 2, min(wanted, size * 2))))


# What a full-text index keeps of a deleted row, and how it is purged (SQLite FTS5).
SQLITE_FTS_MERGE_PAGES = 500  # pages written per merge step: each step is a short transaction
# At most this many rows left: rebuild the index from them instead of merging it. A rebuild
# is one transaction (members' posts wait, as for a batch), and costs what the rows left cost
# to index (300,000 posts: about 1.5 s here), while a merge rewrites every deletion marker
# too (after a million posts expired: 8.6 s, in short steps).
SQLITE_FTS_REBUILD_ROWS = 300_000
SQLITE_FTS_DEFER_MIN_ROWS = 10_000  # fewer due: each deleted post is taken out of the index
SQLITE_FTS_AUTOMERGE = 4  # FTS5's own default


def _set_fts_automerge(value: int) -> list[int]:
    """Set how eagerly each FTS5 index merges its segments after a write (0: never).

    Every batch writes a segment of deletion markers, and FTS5 merged them after each write
    into ever larger segments: that merging cost more than the deletions themselves (a
    million posts: about a fifth of the run), and the run rewrites the whole index at its
    end anyway (purge_search_index). So merging waits while a run deletes, and the default
    is set back when it ends. A killed run leaves it at 0 until the next one: members'
    posts then add small segments, which FTS5 still merges once there are 16 of a size.
    """
    previous = []
    with connection.cursor() as cursor:
        for name, _content in _fts5_tables(cursor):
            table = connection.ops.quote_name(name)
            previous.append(_fts_setting(cursor, name, "automerge", SQLITE_FTS_AUTOMERGE))
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', %s)", [value])
    return previous


def _fts_setting(cursor, name: str, key: str, default: int) -> int:
    """Return a setting of the FTS5 table `name` (its default when never set)."""
    cursor.execute(f"SELECT v FROM {connection.ops.quote_name(name + '_config')} WHERE k = %s", [key])
    row = cursor.fetchone()
    return int(row[0]) if row else default


def _fts5_tables(cursor) -> list[tuple[str, str | None]]:
    """Return the FTS5 tables of the database, each with its content table (None: its own)."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    tables = []
    for name, sql in cursor.fetchall():
        if re.search(r"\busing\s+fts5\b", sql, re.IGNORECASE):
            content = re.search(r"\bcontent\s*=\s*'([^']*)'", sql, re.IGNORECASE)
            tables.append((name, content.group(1) if content and content.group(1) else None))
    return tables


def _total_changes(cursor) -> int:
    cursor.execute("SELECT total_changes()")
    return cursor.fetchone()[0]


def purge_search_index(rebuild: set[str] = frozenset()) -> int:
    """On SQLite, rewrite each full-text index so that no deleted text is left in it.

    FTS5 (as in SQLite 3.40) removes a row from an index by writing a deletion marker: the
    row's terms (trigrams: enough to piece much of the text together again) stay in the
    older segment until a merge rewrites it. Merging every segment into one applies the
    markers, and secure_delete zeroes the pages the old segments leave. An index that is one
    segment already has nothing to purge and costs one statement; otherwise the whole index
    is rewritten, in steps of SQLITE_FTS_MERGE_PAGES pages, each its own short transaction
    (or, with up to SQLITE_FTS_REBUILD_ROWS rows left, rebuilt from them in one). The tables
    in `rebuild` still list rows that are gone (the run left them there) and are rebuilt.
    Run on every pass, this bounds how long what members and moderators delete stays
    readable in the index too. Return the number of indexes rewritten.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return 0
    rewritten = 0
    with connection.cursor() as cursor:
        for name, content in _fts5_tables(cursor):
            table = connection.ops.quote_name(name)
            if name in rebuild:  # it still lists deleted rows: only a rebuild takes them out
                with transaction.atomic():
                    cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
                rewritten += 1
                continue
            if content and _few_rows(cursor, content):
                with transaction.atomic():
                    before = _total_changes(cursor)
                    cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('merge', -1)")
                    if _total_changes(cursor) - before >= 2:  # more than one segment
                        cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
                        rewritten += 1
                continue
            # The first step (a negative page count) makes every segment one merge; the next
            # ones (positive) carry that merge on. Another negative step would start it over
            # with whatever members wrote meanwhile, so on a busy forum it might never end; and
            # a positive step goes on only with at least `usermerge` segments in the merge, so
            # that is 2 while this runs (no other command reads it).
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT count(*) FROM {quote(name + '_data')}")
            budget = 2 * cursor.fetchone()[0] // SQLITE_FTS_MERGE_PAGES + 10
            usermerge = _fts_setting(cursor, name, "usermerge", 4)
            pages, steps = -SQLITE_FTS_MERGE_PAGES, 0
            try:
                while steps < budget:
                    began = time.monotonic()
                    with transaction.atomic():
                        before = _total_changes(cursor)
                        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('merge', %s)", [pages])
                        merged = _total_changes(cursor) - before >= 2
                    if not merged:
                        break  # one segment, or little more that members wrote meanwhile
                    if not steps:
                        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('usermerge', 2)")
                    pages, steps = SQLITE_FTS_MERGE_PAGES, steps + 1
                    _leave_writers_a_gap(time.monotonic() - began)
                else:
                    logger.warning("The search index %s was not merged to the end; the next run tries again.", name)
            finally:
                if steps:
                    cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('usermerge', %s)", [usermerge])
            rewritten += steps > 0
    return rewritten


def _few_rows(cursor, table: str) -> bool:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {quoted} LIMIT {SQLITE_FTS_REBUILD_ROWS + 1})")
    return cursor.fetchone()[0] <= SQLITE_FTS_REBUILD_ROWS


def flush_deleted_pages(*, attempts: int = 10) -> bool:
    """On SQLite, copy the write-ahead log into the file and empty it. Return False if busy.

    With secure_delete on, a deleted row's page is zeroed in the log; the checkpoint writes
    the zeroed page over the old one in the database file, and truncating the log removes
    older copies of the page from it. Run on every pass, it also bounds how long rows that
    members or moderators deleted between runs linger in the log. A passive checkpoint
    copies the bulk first, while members go on writing. The truncating one holds writers
    back while it waits for readers to leave the log, so it waits 0.2 s at most each time
    (not the connection's 5 s, which would make a member's post fail) and lets writers in
    between tries. Readers that never leave the log make it give up; the next run tries again.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() != "wal":
            return True
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 200")
        try:
            for attempt in range(attempts):
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _log, _done = cursor.fetchone()
                if not busy:
                    return True
                time.sleep(min(0.1 * (attempt + 1), 0.5))
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return False
