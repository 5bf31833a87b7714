"""SQLite: what an expiry run does to the FTS5 search index, on both of its paths."""

from collections import Counter

import pytest
from django.db import connection, transaction

from forum import actions
from forum.search import search
from retention import engine

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's"),
    pytest.mark.django_db(transaction=True),  # the purge runs only outside a transaction
]


def _config(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM forum_post_fts_config WHERE k = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def _segments_left_to_merge():
    """Return whether a full merge would still write anything (more than one segment)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        before = cursor.fetchone()[0]
        cursor.execute("INSERT INTO forum_post_fts(forum_post_fts, rank) VALUES ('merge', -1)")
        cursor.execute("SELECT total_changes()")
        merged = cursor.fetchone()[0] - before >= 2
        transaction.set_rollback(True)
    return merged


def _posts(board, author, words):
    topic = actions.create_topic(board, author=author, title="t", body="first")
    # One transaction each: every post adds an index segment of its own, as members' do.
    return topic, [actions.create_reply(topic, author=author, body=word) for word in words]


@pytest.mark.parametrize("rebuild_rows", [0, 10_000], ids=["merged in steps", "rebuilt"])
def test_the_run_leaves_one_segment_without_the_deleted_posts(monkeypatch, board, member, rebuild_rows):
    monkeypatch.setattr(engine, "SQLITE_FTS_REBUILD_ROWS", rebuild_rows)
    monkeypatch.setattr(engine, "SQLITE_FTS_MERGE_PAGES", 1)  # many short steps
    words = [f"kept{n:03d}" if n % 2 else f"gone{n:03d}" for n in range(40)]
    topic, posts = _posts(board, member, words)
    actions.delete_posts([p.pk for p in posts if p.body.startswith("gone")])
    assert _segments_left_to_merge()
    assert engine.purge_search_index() >= 1
    assert not _segments_left_to_merge()
    with connection.cursor() as cursor:  # the index matches the posts left, row for row
        cursor.execute("INSERT INTO forum_post_fts(forum_post_fts, rank) VALUES ('integrity-check', 1)")
    found = {p.body for p in search(member, "kept")["posts"]} | {p.body for p in search(member, "gone")["posts"]}
    assert found == {w for w in words if w.startswith("kept")}


def test_merging_after_each_write_waits_during_a_run_and_comes_back(board, member):
    seen = []

    def spy(part, ctx, ids):  # deletes nothing; looks at the setting while the run is on
        seen.append(_config("automerge"))
        return Counter()

    _posts(board, member, ["a reply"])
    part = engine.Part("posts", "spied", lambda ctx: type(board).objects.all(), spy)
    engine.run(parts=[part], batch_size=10)
    assert seen and all(value == 0 for value in seen)
    assert _config("automerge") == engine.SQLITE_FTS_AUTOMERGE


def test_a_killed_run_leaves_merging_off_until_the_next_run(board, member):
    with connection.cursor() as cursor:  # what a run killed mid-way leaves behind
        cursor.execute("INSERT INTO forum_post_fts(forum_post_fts, rank) VALUES ('automerge', 0)")
    _posts(board, member, ["written meanwhile"])
    assert {p.body for p in search(member, "meanwhile")["posts"]} == {"written meanwhile"}
    engine.run()
    assert _config("automerge") == engine.SQLITE_FTS_AUTOMERGE


def _index_matches_posts():
    with connection.cursor() as cursor:
        try:
            cursor.execute("INSERT INTO forum_post_fts(forum_post_fts, rank) VALUES ('integrity-check', 1)")
        except Exception:  # noqa: BLE001 - SQLite reports a mismatch as a corrupt index
            return False
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'forum_post_fts_delete'")
        assert cursor.fetchone()[0] == 1, "the delete trigger is always there outside a batch"
    return True


@pytest.fixture
def mostly_due(board, member, monkeypatch):
    """Posts of which more are due than stay: a run leaves them in the index, then rebuilds it."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(engine, "SQLITE_FTS_DEFER_MIN_ROWS", 1)
    past = timezone.now() - datetime.timedelta(minutes=1)
    topic = actions.create_topic(board, author=member, title="t", body="stays here")
    for n in range(12):
        actions.create_reply(topic, author=member, body=f"ephemeral {n:02d}", expires_at=past)
    actions.create_reply(topic, author=member, body="also stays")
    return topic


def test_a_run_may_leave_deleted_posts_in_the_index_and_rebuild_it(mostly_due, member, monkeypatch):
    from forum import search as search_module

    entered = []
    real = search_module.post_deletions_left_in_index

    def spy():
        entered.append(True)
        return real()

    monkeypatch.setattr(search_module, "post_deletions_left_in_index", spy)
    assert engine.run(batch_size=5)["posts"] == 12
    assert entered, "the deletions were left in the index"
    assert _index_matches_posts()
    assert {p.body for p in search(member, "stays")["posts"]} == {"stays here", "also stays"}
    assert search(member, "ephemeral")["posts"] == []
    assert _config("automerge") == engine.SQLITE_FTS_AUTOMERGE


def test_a_run_stopped_before_its_rebuild_is_finished_by_the_next(mostly_due, member, monkeypatch):
    from forum import actions as forum_actions

    real, calls = forum_actions.delete_posts, []

    def fail_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(forum_actions, "delete_posts", fail_on_the_second_batch)
    with pytest.raises(RuntimeError):
        engine.run(batch_size=5)
    # The first batch's posts are gone and still listed: the index is behind, and says so.
    assert not _index_matches_posts()
    assert _config("automerge") == 0
    # Searches meanwhile find what stays and nothing deleted (the due posts are past their end).
    assert {p.body for p in search(member, "stays")["posts"]} == {"stays here", "also stays"}
    assert search(member, "ephemeral")["posts"] == []
    monkeypatch.setattr(forum_actions, "delete_posts", real)
    engine.run()
    assert _index_matches_posts()
    assert _config("automerge") == engine.SQLITE_FTS_AUTOMERGE
    assert search(member, "ephemeral")["posts"] == []
