"""Search posts and topic titles in the boards a member can see, in any language.

One interface, two engines: PostgreSQL full-text search over a GIN expression index
("simple" configuration: no stemming, so every language is treated alike), and SQLite FTS5
with the trigram tokenizer (matches inside words, so scripts without spaces, such as Chinese
and Japanese, work too). Both indexes are kept by the database in the same transaction as the
post (triggers on SQLite, an expression index on PostgreSQL): a deleted post is gone from
search when its row is. What a member cannot see, held or hidden posts, and posts past their
end are never returned.
"""

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Post, Status, Topic
from .permissions import boards_visible_to

MAX_QUERY = 200
MAX_RESULTS = 50
PG_VECTOR = "to_tsvector('simple'::regconfig, COALESCE(\"forum_post\".\"body\", ''))"


def _unspaced_script(term: str) -> bool:
    """Return whether `term` holds Chinese, Japanese or Thai characters (no spaces between words)."""
    return any(
        "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"
        or "\u0e00" <= c <= "\u0e7f"
        for c in term
    )  # fmt: skip


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


def _matching_post_ids(terms: list[str]) -> QuerySet[Post] | None:
    """Return a filter narrowing posts to those holding every term."""
    if connection.vendor == "postgresql":
        # Scripts written without spaces have no words for the "simple" parser to split: those
        # terms are matched inside the text instead (a scan; a trigram index would serve them).
        worded = [t for t in terms if not _unspaced_script(t)]
        posts = Post.objects.all()
        if worded:
            # plainto_tsquery: what a member types is words, never query syntax.
            matches = RawSQL(f"{PG_VECTOR} @@ plainto_tsquery('simple'::regconfig, %s)",
                             [" ".join(worded)], output_field=BooleanField())  # fmt: skip
            posts = posts.alias(matches=matches).filter(matches=True)
        for term in terms:
            if _unspaced_script(term):
                posts = posts.filter(body__icontains=term)
        return posts
    long_terms = [t for t in terms if len(t) >= 3]
    posts = Post.objects.all()
    if long_terms:
        # Each term quoted: FTS5 query syntax in what a member types is taken literally.
        match = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        posts = posts.filter(pk__in=RawSQL("SELECT rowid FROM forum_post_fts WHERE forum_post_fts MATCH %s", [match]))
    for term in terms:
        if len(term) < 3:  # trigrams need three characters: short words are matched plainly
            posts = posts.filter(body__icontains=term)
    return posts


def search(user, query: str) -> dict:
    """Return {"topics": [...], "posts": [...]} matching `query` that `user` may see."""
    terms = _terms((query or "")[:MAX_QUERY])
    if not terms:
        return {"topics": [], "posts": []}
    matching = _matching_post_ids(terms)
    posts = (
        _visible_posts(user).filter(pk__in=matching.values("pk"))
        .select_related("topic__board", "author").order_by("-id")[:MAX_RESULTS]
    )  # fmt: skip
    titles = Topic.objects.filter(status=Status.VISIBLE, board__in=boards_visible_to(user))
    titles = titles.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    for term in terms:
        titles = titles.filter(title__icontains=term)
    return {
        "topics": list(titles.select_related("board").order_by("-last_post_id")[:MAX_RESULTS]),
        "posts": list(posts),
    }
