"""The engine's own guarantees: rechecks under lock, rules per board, sessions, skipped kinds."""

import datetime
import io
import re
from collections import Counter

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts import invites
from forum import actions as forum_actions
from forum.models import Board, Post, Status, Topic
from moderation import actions as moderation_actions
from retention import engine
from retention.models import BoardRetention, Kind, Measure, RetentionRule

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)


def later(days, hours=0):
    return time_machine.travel(START + datetime.timedelta(days=days, hours=hours), tick=False)


@pytest.fixture(autouse=True)
def at_start():
    with later(0):
        yield


def recount_matches():
    for topic in Topic.objects.all():
        visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
        newest = visible.order_by("-id").first() or topic.posts.order_by("-id").first()
        if topic.post_count != visible.count() or topic.last_post_id != newest.pk:
            return False
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, status=Status.VISIBLE)
        if (board.topic_count, board.post_count) != (topics.count(), sum(t.post_count for t in topics)):
            return False
    return True


def test_a_topic_revived_after_it_was_picked_is_not_deleted(board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    with later(91):
        ctx = engine.Context.load()
        part = next(p for p in engine.REGISTRY if p.due is engine.due_topics)
        picked = part.next_batch(ctx, 100)
        assert picked == [topic.pk]
        with later(91, hours=2):  # a reply lands between the pick and the delete
            forum_actions.create_reply(topic, author=other_member, body="still here")
        assert part.delete(part, ctx, picked) == Counter()
    assert Topic.objects.filter(pk=topic.pk).exists() and topic.posts.count() == 2


def test_an_account_that_signed_in_after_it_was_picked_is_kept(user_factory):
    sleeper = user_factory("sleeper", last_login=START)
    with later(366):
        ctx = engine.Context.load()
        part = next(p for p in engine.REGISTRY if p.kind == Kind.ACCOUNTS)
        picked = part.next_batch(ctx, 100)
        assert sleeper.pk in picked
        sleeper.last_login = timezone.now()
        sleeper.save(update_fields=["last_login"])
        part.delete(part, ctx, picked)
    assert type(sleeper).objects.filter(pk=sleeper.pk).exists()


def test_a_board_rule_counted_from_creation_ignores_later_replies(board_factory, board, member):
    fast = board_factory("fast")
    BoardRetention.objects.create(board=fast, days=10, measured_from=Measure.CREATION)
    started = forum_actions.create_topic(fast, author=member, title="fast", body="b")
    elsewhere = forum_actions.create_topic(board, author=member, title="normal", body="b")
    with later(9):
        forum_actions.create_reply(started, author=member, body="late reply")
        forum_actions.create_reply(elsewhere, author=member, body="late reply")
    with later(11):
        engine.run()
    assert list(Topic.objects.values_list("title", flat=True)) == ["normal"]
    assert recount_matches()


def test_a_longer_board_rule_keeps_what_the_site_rule_would_delete(board_factory, board, member):
    archive = board_factory("archive")
    BoardRetention.objects.create(board=archive, days=365)
    forum_actions.create_topic(archive, author=member, title="kept", body="b")
    forum_actions.create_topic(board, author=member, title="gone", body="b")
    with later(100):
        deleted = engine.run()
    assert deleted["topics"] == 1 and deleted["posts"] == 1
    assert list(Topic.objects.values_list("title", flat=True)) == ["kept"]


def test_a_members_choice_ends_a_post_sooner_than_a_long_board_rule(board_factory, member, other_member):
    archive = board_factory("archive")
    BoardRetention.objects.create(board=archive, days=365)
    topic = forum_actions.create_topic(archive, author=member, title="t", body="b")
    brief = forum_actions.create_reply(topic, author=other_member, body="brief",
                                       expires_at=timezone.now() + datetime.timedelta(days=7))  # fmt: skip
    with later(6):
        assert engine.run()["posts"] == 0
    with later(8):
        assert engine.run()["posts"] == 1
    assert not Post.objects.filter(pk=brief.pk).exists()
    assert recount_matches()


def test_expiring_hidden_and_held_topics_keeps_board_counters_right(board, member, new_member, mod):
    shown = forum_actions.create_topic(board, author=member, title="shown", body="b")
    held = forum_actions.create_topic(board, author=new_member, title="held", body="b")
    hidden = forum_actions.create_topic(board, author=member, title="hidden", body="b")
    moderation_actions.hide_topic(hidden, actor=mod, reason="x")
    assert held.status == Status.HELD
    with later(60):
        fresh = forum_actions.create_topic(board, author=member, title="fresh", body="b")
    with later(91):
        engine.run()
    assert list(Topic.objects.all()) == [fresh]
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 1)
    assert recount_matches() and shown.pk not in Topic.objects.values_list("pk", flat=True)


def _session(last_saved_days_ago):
    with later(-last_saved_days_ago):
        store = SessionStore()
        store["_auth_user_id"] = "1"
        store.create()
    return store.session_key


def test_sessions_idle_past_the_rule_go_and_recent_ones_stay():
    RetentionRule.objects.filter(kind=Kind.SESSIONS).update(days=7)
    idle = _session(8)
    recent = _session(6)
    engine.run()
    assert list(Session.objects.values_list("session_key", flat=True)) == [recent]
    assert idle != recent


def test_expired_sessions_go_even_with_a_long_idle_rule(settings):
    RetentionRule.objects.filter(kind=Kind.SESSIONS).update(days=365)
    stale = _session(settings.SESSION_COOKIE_AGE // 86400 + 1)
    fresh = _session(1)
    engine.run()
    assert not Session.objects.filter(session_key=stale).exists()
    assert Session.objects.filter(session_key=fresh).exists()


def test_kinds_without_a_model_yet_are_skipped():
    if engine._model("accounts.Invite", "used_at", "expires_at") is None:
        assert engine.due_invites(engine.Context.load()) is None  # issue 5 is not there yet
    assert engine._model("nowhere.Nothing") is None
    assert engine._model("forum.Post", "no_such_field") is None
    result = engine.run()
    assert result["invites"] == 0
    assert engine.counts()["invites"] == 0


def test_a_missing_rule_falls_back_to_its_default_not_to_keeping_forever(board, member):
    RetentionRule.objects.filter(kind=Kind.POSTS).delete()
    forum_actions.create_topic(board, author=member, title="t", body="b")
    with later(91):
        assert engine.run()["topics"] == 1


def test_every_run_ends_even_if_a_batch_deletes_nothing(board, member):
    """Batches move forward by id, so a row that cannot be deleted is not picked forever."""
    for n in range(5):
        forum_actions.create_topic(board, author=member, title=f"t{n}", body="b")
    stubborn = engine.Part(Kind.POSTS, "topics", engine.due_topics,
                           delete=lambda part, ctx, ids: Counter())  # fmt: skip
    with later(100):
        assert engine.run(parts=[stubborn], batch_size=2)["topics"] == 0
    assert Topic.objects.count() == 5


def test_counts_match_what_a_run_then_deletes(board, board_factory, member, other_member):
    other = board_factory("other")
    for n in range(3):
        forum_actions.create_topic(board, author=member, title=f"old{n}", body="b")
    with later(50):
        keep = forum_actions.create_topic(other, author=member, title="new", body="b")
        forum_actions.create_reply(keep, author=other_member, body="for a day",
                                   expires_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
        forum_actions.create_reply(keep, author=other_member, body="stays")
    with later(95):
        due = engine.counts()
        by_board = engine.counts_by_board()
        by_kind = engine.counts_by_kind()
        deleted = engine.run()
    assert due["topics"] == deleted["topics"] == 3
    assert due["posts"] == deleted["posts"] == 4
    assert by_board == {board.pk: {"topics": 3, "posts": 3}, other.pk: {"topics": 0, "posts": 1}}
    assert by_kind[Kind.POSTS] == 7
    assert recount_matches()


def test_dry_run_names_the_boards_and_deletes_nothing(board, member):
    forum_actions.create_topic(board, author=member, title="t", body="b")
    out = io.StringIO()
    with later(100):
        call_command("expire", dry_run=True, stdout=out)
    assert f"in board {board.slug}: 1 topic, 1 post" in out.getvalue()
    assert "2 rows would be deleted, none were" in out.getvalue()
    assert Topic.objects.count() == 1


def test_progress_is_printed_batch_by_batch_at_verbosity_2(board, member):
    for n in range(3):
        forum_actions.create_topic(board, author=member, title=f"t{n}", body="b")
    out = io.StringIO()
    with later(100):
        call_command("expire", batch_size=2, verbosity=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line for line in lines if "deleted so far" in line][0].strip().startswith("1 topic deleted so far")
    assert [line for line in lines if line.startswith("expired:")] == [lines[-2]]
    assert lines[-2].startswith("expired: 3 topics, 3 posts in")
    assert re.fullmatch(r"  6 rows in \d+\.\ds \(3 batches, longest \d+\.\d\ds\): "
                        r"topics past their rule or their author's end, with every post in them", lines[-1])


def test_the_admin_page_shows_what_the_next_run_deletes_board_by_board(
    client_for, admin_user, give_totp, board, board_factory, member
):
    quiet = board_factory("quiet")
    BoardRetention.objects.create(board=quiet, days=30)
    forum_actions.create_topic(board, author=member, title="t", body="b")
    forum_actions.create_topic(quiet, author=member, title="q", body="b")
    give_totp(admin_user)
    with later(40):
        admin = client_for(admin_user)
        page = admin.get("/admin/retention/retentionrule/next-run/")
        overrides = admin.get("/admin/retention/boardretention/")
        listing = admin.get("/admin/retention/retentionrule/")
    assert page.status_code == 200
    assert "would delete 2 rows" in page.text
    assert "the board's own rule" in page.text
    assert '<td class="field-due_now">2</td>' in overrides.text
    assert "/admin/retention/retentionrule/next-run/" in listing.text


def test_the_next_run_page_is_for_admins_only(client_for, member):
    response = client_for(member).get("/admin/retention/retentionrule/next-run/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_sessions_past_the_admins_idle_sign_out_go_without_waiting_for_a_visit():
    from accounts.middleware import IDLE_KEY

    def session(**data):
        store = SessionStore()
        store.update({"_auth_user_id": "1", **data})
        store.create()
        return store.session_key

    now = int(START.timestamp())
    lapsed = session(**{IDLE_KEY: now - 60})
    idle_soon = session(**{IDLE_KEY: now + 600})
    kept_signed_in = session()
    assert engine.counts()["sessions"] == 1
    assert engine.run()["sessions"] == 1
    assert set(Session.objects.values_list("session_key", flat=True)) == {idle_soon, kept_signed_in}
    assert lapsed not in Session.objects.values_list("session_key", flat=True)



def test_the_next_run_page_shows_warnings_invites_and_inviter_links_with_their_rules(
    client_for, admin_user, give_totp, member, user_factory, mod
):
    moderation_actions.dismiss_notice(moderation_actions.warn_member(member, actor=mod, reason="x"), member=member)
    invites.create_invite(member, days=1)
    _used, code = invites.create_invite(member, days=7)
    invites.use(code, user_factory("friend"))
    give_totp(admin_user)
    with later(200):
        page = client_for(admin_user).get("/admin/retention/retentionrule/next-run/").text
    for text in ("Warnings to members", "90 days after creation", "1 warning",
                 "Invites never used", "0 days after the end of its validity", "1 unused invite",
                 "Who invited whom (used invites)", "180 days after last use", "1 used invite (inviter link)"):  # fmt: skip
        assert text in page, text
