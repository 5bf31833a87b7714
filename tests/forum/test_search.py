"""Search finds what a member may see, in any language, and nothing else."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forum import actions
from forum.models import Status, Visibility
from forum.search import search

pytestmark = pytest.mark.django_db


def _found(user, query):
    result = search(user, query)
    return {p.body for p in result["posts"]}, {t.title for t in result["topics"]}


def test_finds_posts_and_titles(member, board):
    actions.create_topic(board, author=member, title="Evening clinic", body="Ask for the kind doctor")
    posts, titles = _found(member, "doctor")
    assert posts == {"Ask for the kind doctor"}
    assert _found(member, "clinic")[1] == {"Evening clinic"}


@pytest.mark.parametrize(("body", "query"), [
    ("東京タワーの近くで会いましょう", "東京タワー"),
    ("东京的朋友们你们好", "朋友们"),
    ("نلتقي في المقهى القديم", "المقهى"),
    ("Встреча в старом кафе", "кафе"),
    ("Treffen im alten Café", "café"),
    ("会", "会"),
    # Letter case is ignored in every script, short terms included.
    ("Встреча в старом КАФЕ", "кафе"),
    ("встреча в старом кафе", "КАФЕ"),
    ("ÄRGER über Öl", "ärger"),
    ("Ärger ÜBER öl", "über"),
    ("Συνάντηση στο ΚΑΦΕ", "καφε"),
    ("a room FOR two", "fo"),
    ("ΚΑΦΕ", "κα"),
])  # fmt: skip
def test_any_language(member, board, body, query):
    actions.create_topic(board, author=member, title="t", body=body)
    assert body in _found(member, query)[0]


def test_a_term_is_found_whole_not_as_scattered_trigrams(member, board):
    """The index gives rows holding each trigram somewhere; only the term itself counts."""
    actions.create_topic(board, author=member, title="t", body="abc then bcd")
    actions.create_topic(board, author=member, title="t", body="the abcd itself")
    assert _found(member, "abcd")[0] == {"the abcd itself"}
    assert _found(member, "bcd abc")[0] == {"abc then bcd", "the abcd itself"}


def test_never_returns_what_the_searcher_cannot_see(member, new_member, other_member, board, board_factory, moderator):
    trusted = board_factory("inner", visibility=Visibility.TRUSTED)
    actions.create_topic(trusted, author=member, title="t", body="secretword in the inner circle")
    held = actions.create_reply(actions.create_topic(board, author=member, title="t2", body="x"),
                                author=new_member, body="secretword waiting")  # fmt: skip
    assert held.status == Status.HELD
    hidden = actions.create_topic(board, author=member, title="t3", body="secretword hidden").posts.get()
    actions.set_post_status(hidden, Status.HIDDEN)
    assert _found(new_member, "secretword")[0] == set()
    assert _found(other_member, "secretword")[0] == {"secretword in the inner circle"}


def test_expired_and_deleted_posts_are_not_found(member, board):
    soon = timezone.now() - datetime.timedelta(minutes=1)
    topic = actions.create_topic(board, author=member, title="t", body="first")
    actions.create_reply(topic, author=member, body="ephemeral words", expires_at=soon)
    gone = actions.create_reply(topic, author=member, body="deleted words")
    actions.delete_post(gone)
    assert _found(member, "ephemeral")[0] == set()
    assert _found(member, "deleted")[0] == set()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # The index keeps no row holding every trigram of the deleted word.
            cursor.execute("SELECT count(*) FROM forum_post_fts WHERE forum_post_fts MATCH %s",
                           ['"del" "ele" "let" "ete" "ted"'])
            assert cursor.fetchone()[0] == 0


def test_edits_are_searched_as_edited(member, board):
    post = actions.create_topic(board, author=member, title="t", body="old phrasing").posts.get()
    actions.edit_post(post, body="new phrasing")
    assert _found(member, "old")[0] == set()
    assert _found(member, "new")[0] == {"new phrasing"}


@pytest.mark.parametrize("query", ['"', "a OR b", "NEAR(x y)", "*", "'; DROP TABLE forum_post; --", "x" * 500, "   "])
def test_query_syntax_is_taken_literally(member, board, query):
    actions.create_topic(board, author=member, title="t", body="plain text")
    search(member, query)  # no error


def test_search_page_is_for_members_and_rate_limited(client, client_for, member, board):
    actions.create_topic(board, author=member, title="t", body="findable words")
    assert client.get(reverse("forum:search") + "?q=findable").status_code == 302
    c = client_for(member)
    page = c.get(reverse("forum:search") + "?q=findable")
    assert page.status_code == 200 and "findable words" in page.text
    statuses = [c.get(reverse("forum:search") + f"?q=w{n}").status_code for n in range(25)]
    assert 429 in statuses


@pytest.mark.parametrize(("query", "error"), [
    ("bad\x00byte", "Null characters are not allowed."),
    ("x" * 201, "at most 200 characters"),
])  # fmt: skip
def test_search_page_answers_bad_queries_with_a_form_error(client_for, member, board, query, error):
    actions.create_topic(board, author=member, title="t", body="plain text")
    page = client_for(member).get(reverse("forum:search"), {"q": query})
    assert page.status_code == 200
    assert error in page.text
    assert 'name="q"' in page.text


def test_a_rare_word_older_than_the_newest_rows_is_still_found(member, board, monkeypatch):
    import forum.search

    monkeypatch.setattr(forum.search, "WINDOW", 3)
    topic = actions.create_topic(board, author=member, title="t", body="an old lighthouse note")
    for n in range(6):
        actions.create_reply(topic, author=member, body=f"newer reply {n}")
    assert _found(member, "lighthouse")[0] == {"an old lighthouse note"}


def test_the_newest_matches_come_first_and_stop_at_fifty(member, board, monkeypatch):
    import forum.search

    monkeypatch.setattr(forum.search, "WINDOW", 5)
    topic = actions.create_topic(board, author=member, title="t", body="garden 0")
    for n in range(1, 60):
        actions.create_reply(topic, author=member, body=f"garden {n}")
    posts = search(member, "garden")["posts"]
    assert [p.body for p in posts] == [f"garden {n}" for n in range(59, 9, -1)]


def test_short_words_alone_are_looked_for_in_the_newest_rows_only(member, board, monkeypatch):
    import forum.search

    monkeypatch.setattr(forum.search, "WINDOW", 3)
    topic = actions.create_topic(board, author=member, title="t", body="会 long ago")
    for n in range(6):
        actions.create_reply(topic, author=member, body=f"later {n}")
    assert _found(member, "会")[0] == set()
    actions.create_reply(topic, author=member, body="会 today")
    assert _found(member, "会")[0] == {"会 today"}


@pytest.mark.parametrize("few", [3, 500])
def test_matches_the_searcher_may_not_see_among_the_first_candidates_are_passed_over(
    member, other_member, board, board_factory, monkeypatch, few
):
    """On SQLite the index's first few candidates are read, then all of them if need be."""
    import forum.search

    monkeypatch.setattr(forum.search, "FEW_CANDIDATES", few)
    monkeypatch.setattr(forum.search, "MAX_RESULTS", 4)
    older = actions.create_topic(board, author=other_member, title="t", body="lantern 0")
    for n in range(1, 4):
        actions.create_reply(older, author=other_member, body=f"lantern {n}")
    hidden = board_factory("keepers", visibility=Visibility.TRUSTED)  # a newcomer cannot see it
    newer = actions.create_topic(hidden, author=other_member, title="t", body="lantern 4")
    for n in range(5, 9):
        actions.create_reply(newer, author=other_member, body=f"lantern {n}")
    newcomer = member.__class__.objects.create_user("newish", "a long enough passphrase 42")
    assert [p.body for p in search(newcomer, "lantern")["posts"]] == [f"lantern {n}" for n in (3, 2, 1, 0)]
    assert [p.body for p in search(member, "lantern")["posts"]] == [f"lantern {n}" for n in (8, 7, 6, 5)]
