"""Search posts and topic titles in the boards a member can see, in any language.

One interface, two engines, the same meaning: text found inside words, so every language is
treated alike, scripts written without spaces (Chinese, Japanese) included. SQLite matches
through FTS5 tables with the trigram tokenizer (posts and topic titles), PostgreSQL through
pg_trgm GIN indexes on the upper-cased text that Django's `icontains` compares. Both indexes
are kept by the database in the same transaction as the row (triggers on SQLite, indexes on
PostgreSQL): a deleted post is gone from search when its row is. What a member cannot see,
held or hidden posts, and posts past their end are never returned.

Trigrams need three characters: a term shorter than that narrows what the longer terms found,
and a query of short terms only is matched in the newest 20,000 posts and topics. Every
search costs a bounded amount, however common or rare its words (see _newest).
"""

from django.db import connection
from django.db.models import F, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Post, Status, Topic, rows_in_order
from .permissions import boards_visible_to

MAX_QUERY = 200
MAX_RESULTS = 50
TRIGRAM = 3
# On SQLite, the newest matches checked against what the member may see (results: 50).
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


def _fts(table: str, terms: list[str]) -> RawSQL:
    """Return the ids of the newest rows of an FTS5 table holding every term (SQLite).

    FTS5 walks its matches newest first and stops at CANDIDATES, so a word found in every
    tenth post costs no more than a rare one.
    """
    # Each term quoted: FTS5 query syntax in what a member types is taken literally.
    match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return RawSQL(
        f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s",
        [match, CANDIDATES],
    )


def _matching(queryset: QuerySet, field: str, fts_table: str, terms: list[str]) -> QuerySet:
    """Narrow `queryset` to rows whose `field` holds every term, through the trigram index."""
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    if long_terms and connection.vendor == "sqlite":
        queryset = queryset.filter(pk__in=_fts(fts_table, long_terms))
        terms = [t for t in terms if len(t) < TRIGRAM]
    for term in terms:
        queryset = queryset.filter(**{f"{field}__icontains": term})
    return queryset


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
    posts = _matching(_visible_posts(user), "body", "forum_post_fts", terms)
    titles = Topic.objects.filter(status=Status.VISIBLE, board__in=boards_visible_to(user))
    titles = titles.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    titles = _matching(titles, "title", "forum_topic_fts", terms)
    return {
        "topics": _newest(titles.select_related("board"), indexed=indexed),
        "posts": _newest(posts.select_related("topic__board", "author"), indexed=indexed),
    }
