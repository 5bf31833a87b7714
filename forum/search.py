"""Search posts and topic titles in the boards a member can see, in any language.

One interface, two engines, the same meaning: text found inside words, so every language is
treated alike, scripts written without spaces (Chinese, Japanese) included. Both engines
narrow the candidates with a trigram index and then check each term in the text itself:
SQLite through FTS5 tables with the trigram tokenizer (posts and topic titles; they record
which rows hold a trigram, not where, see forum/migrations/0007), PostgreSQL through pg_trgm
GIN indexes on the upper-cased text that Django's `icontains` compares, which recheck the
rows they find. Both indexes are kept by the database in the same transaction as the row
(triggers on SQLite, indexes on PostgreSQL): a deleted post is gone from search when its row
is. What a member cannot see, held or hidden posts, and posts past their end are never
returned.

Trigrams need three characters: a term shorter than that narrows what the longer terms found,
and a query of short terms only is matched in the newest 20,000 posts and topics. Every
search costs a bounded amount, however common or rare its words (see _newest).
"""

import json
from contextlib import contextmanager

from django.db import connection
from django.db.models import BooleanField, F, Func, Max, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Post, Status, Topic, rows_in_order
from .permissions import boards_visible_to

MAX_QUERY = 200
MAX_RESULTS = 50
TRIGRAM = 3
# On SQLite, the index's newest candidates that are checked against what the member may
# see (results: 50): FEW_CANDIDATES first, among which a common word has its fifty; all
# CANDIDATES only when those few were cut short and gave fewer than fifty.
FEW_CANDIDATES = 500
CANDIDATES = 5_000
# The newest rows looked at first; words under three letters are matched in them only.
WINDOW = 20_000


def _terms(query: str) -> list[str]:
    return [t for t in query.split() if t][:10]


def _visible_posts(user) -> QuerySet[Post]:
    now = timezone.now()
    return Post.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        Q(topic__expires_at__isnull=True) | Q(topic__expires_at__gt=now),
        status=Status.VISIBLE,
        topic__status=Status.VISIBLE,
        topic__board__in=boards_visible_to(user),
    )


def _contains(text, term) -> bool:
    """SQLite's `hearth_contains(text, term)`: whether `term` (case-folded) is inside `text`.

    SQLite's own LIKE folds ASCII letters only; this folds every script, as PostgreSQL's
    UPPER does for `icontains`.
    """
    return text is not None and term in text.casefold()


def register_sqlite_functions(sender, connection, **kwargs):
    """Give each new SQLite connection `hearth_contains` (connected in ForumConfig.ready)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("hearth_contains", 2, _contains, deterministic=True)


POST_INDEX_DELETE_TRIGGER = "forum_post_fts_delete"  # forum/migrations/0003


@contextmanager
def post_deletions_left_in_index():
    """Within a transaction on SQLite: the posts deleted here are left in the search index.

    For a bulk deletion that rebuilds the index from the posts left afterwards (the expiry
    engine, when that costs less than taking each deleted post out). The index's delete
    trigger is dropped inside the transaction and created again before it ends: SQLite has
    one writer, so no other connection ever writes without it, and an error rolls the drop
    back. Until the rebuild, searches still never show a deleted post: every candidate the
    index gives is checked in the post's own text (_fts), which is gone.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("post_deletions_left_in_index() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                       [POST_INDEX_DELETE_TRIGGER])  # fmt: skip
        row = cursor.fetchone()
        if row:
            cursor.execute(f"DROP TRIGGER {POST_INDEX_DELETE_TRIGGER}")
    yield
    if row:
        with connection.cursor() as cursor:
            cursor.execute(row[0])


class _Contains(Func):
    function = "hearth_contains"
    output_field = BooleanField()


def _trigrams(term: str) -> list[str]:
    return [term[i : i + TRIGRAM] for i in range(len(term) - TRIGRAM + 1)]


def _fts(table: str, content: str, column: str, terms: list[str], limit: int) -> tuple[str, list]:
    """Return the SQL and parameters for the ids of the newest `limit` rows of an FTS5 table
    holding every term (SQLite).

    The index gives the rows holding every trigram of every term (in any order); each
    candidate's text is then checked for the terms themselves. FTS5 walks its candidates
    newest first and stops at `limit` matches, so a word found in every tenth post costs no
    more than a rare one. The dearest query is one whose trigrams are all common but rarely
    together ("ing the"): every row holding them all is checked, about 0.3 s at a million
    posts (bench/RESULTS.md); searches are rate limited per member.
    """
    # Each trigram quoted: FTS5 query syntax in what a member types is taken literally.
    match = " ".join(dict.fromkeys('"' + t.replace('"', '""') + '"' for term in terms for t in _trigrams(term)))
    checks = " AND ".join(f"hearth_contains(c.{column}, %s)" for _ in terms)
    sql = (f"SELECT f.rowid FROM {table} f JOIN {content} c ON c.id = f.rowid "
           f"WHERE {table} MATCH %s AND {checks} ORDER BY f.rowid DESC LIMIT %s")  # fmt: skip
    return sql, [match, *(t.casefold() for t in terms), limit]


def _matching(queryset: QuerySet, field: str, terms: list[str], index_rows=None) -> QuerySet:
    """Narrow `queryset` to rows whose `field` holds every term.

    On SQLite `index_rows` is what the trigram index found for the longer terms (a
    subquery, see _found); the short ones are checked in the text. PostgreSQL's trigram
    index serves `icontains` itself.
    """
    if connection.vendor != "sqlite":
        return queryset.filter(*(Q(**{f"{field}__icontains": term}) for term in terms))
    if index_rows is not None:
        queryset = queryset.filter(pk__in=index_rows)
    short = [t for t in terms if len(t) < TRIGRAM]
    return queryset.filter(*(_Contains(F(field), Value(t.casefold())) for t in short))


def _found(queryset: QuerySet, field: str, fts_table: str, terms: list[str], *, indexed: bool) -> list:
    """Return the newest MAX_RESULTS rows of `queryset` whose `field` holds every term.

    On SQLite the index's FEW_CANDIDATES newest candidates are read first: a common word's
    fifty are among them, and checking five thousand cost a search half its time. Only
    when the few were cut short and gave fewer than fifty the member may see are all
    CANDIDATES looked at; a rare word has fewer candidates than that, all read the first time.
    The few go back in as a subquery (json_each of their list): as a plain list of ids,
    SQLite walked every visible topic's newest posts instead (67 ms against 1, EXPLAIN: a
    temp B-tree), where a subquery leads it from the candidates.
    """
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    if connection.vendor != "sqlite" or not long_terms:
        return _newest(_matching(queryset, field, terms), indexed=indexed)
    table = queryset.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(*_fts(fts_table, table, field, long_terms, FEW_CANDIDATES))
        few = [row[0] for row in cursor.fetchall()]
    few_rows = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(few)])
    rows = _newest(_matching(queryset, field, terms, few_rows), indexed=indexed)
    if len(few) < FEW_CANDIDATES or len(rows) == MAX_RESULTS:
        return rows
    all_rows = RawSQL(*_fts(fts_table, table, field, long_terms, CANDIDATES))
    return _newest(_matching(queryset, field, terms, all_rows), indexed=indexed)


def _newest(queryset: QuerySet, *, indexed: bool) -> list:
    """Return the newest MAX_RESULTS rows of a narrowed `queryset`, at a bounded cost.

    The newest WINDOW rows are looked at first, newest first: a common word is found there.
    If that gives too few, the word is rare: on PostgreSQL the trigram index then finds
    every match at once (ordering by an expression keeps the planner from walking the whole
    primary key backwards instead, its choice when it overestimates how common a word is);
    SQLite's FTS5 candidates are bounded already. Short words only (no trigram to look up)
    are matched in the window alone.
    """
    newest = queryset.model.objects.aggregate(newest=Max("pk"))["newest"] or 0
    recent = list(queryset.filter(pk__gt=newest - WINDOW).order_by("-pk")[:MAX_RESULTS])
    if len(recent) == MAX_RESULTS or not indexed:
        return recent
    order = (F("pk") + 0).desc() if connection.vendor == "postgresql" else F("pk").desc()
    return rows_in_order(queryset, list(queryset.order_by(order).values_list("pk", flat=True)[:MAX_RESULTS]))


def search(user, query: str) -> dict:
    """Return {"topics": [...], "posts": [...]} matching `query` that `user` may see."""
    terms = _terms((query or "")[:MAX_QUERY])
    if not terms:
        return {"topics": [], "posts": []}
    indexed = any(len(t) >= TRIGRAM for t in terms)
    posts = _visible_posts(user).select_related("topic__board")  # results name no author
    titles = Topic.objects.filter(status=Status.VISIBLE, board__in=boards_visible_to(user))
    titles = titles.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    return {
        "topics": _found(titles.select_related("board"), "title", "forum_topic_fts", terms, indexed=indexed),
        "posts": _found(posts, "body", "forum_post_fts", terms, indexed=indexed),
    }
