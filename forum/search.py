"""Search posts and topic titles in the boards a member can see, in any language.

One interface, two engines, the same meaning: text found inside words, so every language is
treated alike, scripts written without spaces (Chinese, Japanese) included. SQLite matches
through FTS5 tables with the trigram tokenizer (posts and topic titles), PostgreSQL through
pg_trgm GIN indexes on the upper-cased text that Django's `icontains` compares. Both indexes
are kept by the database in the same transaction as the row (triggers on SQLite, indexes on
PostgreSQL): a deleted post is gone from search when its row is. What a member cannot see,
held or hidden posts, and posts past their end are never returned.

Trigrams need three characters: a term shorter than that narrows what the longer terms found,
and a query of short terms only is matched in the newest posts, by id (bounded, but slower).
"""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Post, Status, Topic
from .permissions import boards_visible_to

MAX_QUERY = 200
MAX_RESULTS = 50
TRIGRAM = 3
# On SQLite, the newest matches checked against what the member may see (results: 50).
CANDIDATES = 5_000


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


def search(user, query: str) -> dict:
    """Return {"topics": [...], "posts": [...]} matching `query` that `user` may see."""
    terms = _terms((query or "")[:MAX_QUERY])
    if not terms:
        return {"topics": [], "posts": []}
    posts = _matching(_visible_posts(user), "body", "forum_post_fts", terms)
    posts = posts.select_related("topic__board", "author").order_by("-id")[:MAX_RESULTS]
    titles = Topic.objects.filter(status=Status.VISIBLE, board__in=boards_visible_to(user))
    titles = titles.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    titles = _matching(titles, "title", "forum_topic_fts", terms)
    return {
        "topics": list(titles.select_related("board").order_by("-id")[:MAX_RESULTS]),
        "posts": list(posts),
    }
