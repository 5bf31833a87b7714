"""Each retention rule deletes exactly what is due, and nothing else."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from forum import actions as forum_actions
from forum.models import Board, Post, Status, Topic
from moderation import actions as moderation_actions
from moderation.models import Case, LogEntry, Reason
from retention import engine
from retention.models import BoardRetention, Kind, Measure, RetentionRule

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)


def later(days, hours=0):
    return time_machine.travel(START + datetime.timedelta(days=days, hours=hours), tick=False)


def expire(**kwargs):
    out = io.StringIO()
    call_command("expire", stdout=out, **kwargs)
    return out.getvalue()


def assert_counters_match_a_recount():
    for topic in Topic.objects.all():
        visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
        assert topic.post_count == visible.count()
        newest = visible.order_by("-id").first() or topic.posts.order_by("-id").first()
        assert topic.last_post_id == newest.pk
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, status=Status.VISIBLE)
        assert board.topic_count == topics.count()
        assert board.post_count == sum(t.post_count for t in topics)


@pytest.fixture
def at_start():
    with later(0):
        yield


def test_topics_go_90_days_after_their_last_activity(at_start, board, member):
    quiet = forum_actions.create_topic(board, author=member, title="quiet", body="b")
    with later(60):
        busy = forum_actions.create_topic(board, author=member, title="busy", body="b")
        revived = forum_actions.create_topic(board, author=member, title="revived", body="b")
    with later(100):
        forum_actions.create_reply(revived, author=member, body="still here")
    with later(91):
        assert "expired: 1 topic, 1 post in" in expire()
        assert set(Topic.objects.values_list("title", flat=True)) == {"busy", "revived"}
    with later(151):
        expire()
        assert set(Topic.objects.values_list("title", flat=True)) == {"revived"}
    assert not Post.objects.filter(topic_id__in=[quiet.pk, busy.pk]).exists()
    assert_counters_match_a_recount()


def test_rule_counted_from_creation(at_start, board, member):
    RetentionRule.objects.filter(kind=Kind.POSTS).update(days=30, measured_from=Measure.CREATION)
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    with later(29):
        forum_actions.create_reply(topic, author=member, body="r")
        expire()
        assert Topic.objects.exists()
    with later(31):
        expire()
        assert not Topic.objects.exists()


def test_a_board_rule_overrides_the_site_rule(at_start, board, board_factory, member):
    short = board_factory("short-lived")
    BoardRetention.objects.create(board=short, days=7)
    forum_actions.create_topic(short, author=member, title="brief", body="b")
    forum_actions.create_topic(board, author=member, title="normal", body="b")
    with later(8):
        expire()
    assert list(Topic.objects.values_list("title", flat=True)) == ["normal"]
    short.refresh_from_db()
    assert (short.topic_count, short.post_count) == (0, 0)


def test_a_members_chosen_end_deletes_just_that_post(at_start, board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    gone = forum_actions.create_reply(topic, author=other_member, body="for a day",
                                      expires_at=timezone.now() + datetime.timedelta(days=1))
    kept = forum_actions.create_reply(topic, author=other_member, body="kept")
    with later(0, hours=23):
        expire()
        assert Post.objects.filter(pk=gone.pk).exists()
    with later(1, hours=1):
        expire()
    assert not Post.objects.filter(pk=gone.pk).exists()
    assert Post.objects.filter(pk=kept.pk).exists()
    topic.refresh_from_db()
    assert topic.post_count == 2 and topic.last_post_id == kept.pk
    assert_counters_match_a_recount()


def test_a_topic_with_a_chosen_end_goes_with_all_its_replies(at_start, board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="t", body="b",
                                       expires_at=timezone.now() + datetime.timedelta(days=7))
    forum_actions.create_reply(topic, author=other_member, body="r")
    with later(8):
        expire()
    assert not Topic.objects.exists() and not Post.objects.exists()
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (0, 0)


def test_expiring_the_last_posts_of_a_topic_removes_the_topic(at_start, board, member):
    soon = timezone.now() + datetime.timedelta(days=1)
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    Post.objects.filter(topic=topic).update(expires_at=soon)
    with later(2):
        expire()
    assert not Topic.objects.exists()
    assert_counters_match_a_recount()


def test_reports_go_30_days_after_resolution(at_start, mod, other_member, topic):
    post = topic.posts.get()
    moderation_actions.report(post, reporter=other_member, reason=Reason.SPAM)
    open_case = Case.objects.get()
    with later(40):
        User.objects.filter(pk=mod.pk).update(last_login=timezone.now())  # an active moderator
        expire()
        assert Case.objects.filter(pk=open_case.pk).exists()  # open cases never expire
        moderation_actions.dismiss_case(open_case, actor=mod, reason="fine")
    with later(69):
        expire()
        assert Case.objects.exists()
    with later(71):
        expire()
        assert not Case.objects.exists()


def test_moderation_and_admin_logs_go_after_90_days(at_start, mod, member, admin_user):
    moderation_actions.warn_member(member, actor=mod, reason="x")
    AdminLogEntry.objects.log_actions(user_id=admin_user.pk, queryset=[member], action_flag=2,
                                      change_message="changed")  # fmt: skip
    with later(89):
        moderation_actions.warn_member(member, actor=mod, reason="y")
        expire()
        assert LogEntry.objects.count() == 2 and AdminLogEntry.objects.count() == 1
    with later(91):
        expire()
        assert list(LogEntry.objects.values_list("reason", flat=True)) == ["y"]
        assert not AdminLogEntry.objects.exists()


def test_accounts_unused_for_a_year_are_deleted_and_posts_stay_as_former_member(at_start, board, user_factory):
    sleeper = user_factory("sleeper")
    User.objects.filter(pk=sleeper.pk).update(last_login=START)
    active = user_factory("active")
    admin = User.objects.create_superuser("root", "x" * 12)
    with later(300):
        topic = forum_actions.create_topic(board, author=sleeper, title="t", body="b")
        User.objects.filter(pk=active.pk).update(last_login=timezone.now())
    with later(366):
        expire()
    assert not User.objects.filter(pk=sleeper.pk).exists()
    assert User.objects.filter(pk__in=[active.pk, admin.pk]).count() == 2
    topic.refresh_from_db()
    assert topic.author is None and topic.posts.get().author is None
    assert_counters_match_a_recount()


def test_expired_sessions_are_deleted(at_start, member):
    store = SessionStore()
    store["x"] = 1
    store.set_expiry(60)
    store.create()
    with later(1):
        expire()
    assert not Session.objects.filter(session_key=store.session_key).exists()


def test_dry_run_counts_and_deletes_nothing(at_start, board, member):
    forum_actions.create_topic(board, author=member, title="t", body="b")
    with later(100):
        out = expire(dry_run=True)
    assert "would delete 1 topic\n" in out and "none were" in out
    assert Topic.objects.count() == 1


def test_running_twice_is_harmless(at_start, board, member, topic_factory):
    for n in range(5):
        topic_factory(board, member, title=f"t{n}", replies=2)
    with later(100):
        first = engine.run(batch_size=2)
        second = engine.run(batch_size=2)
    assert first["topics"] == 5 and second["topics"] == 0
    assert_counters_match_a_recount()


def test_admin_shows_how_many_rows_the_next_run_deletes(client_for, admin_user, give_totp, at_start, board, member):
    forum_actions.create_topic(board, author=member, title="t", body="b")
    give_totp(admin_user)
    with later(100):
        page = client_for(admin_user).get("/admin/retention/retentionrule/")
    assert page.status_code == 200
    assert "Rows the next run deletes" in page.text
    cells = re.findall(r'<td class="field-due_now">(\d+)</td>', page.text)
    assert sorted(map(int, cells)) == sorted(engine.counts_by_kind(START + datetime.timedelta(days=100)).values())
    assert any(c != "0" for c in cells)


def test_expiring_reported_topics_takes_their_report_cases_along(at_start, board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    reply = forum_actions.create_reply(topic, author=member, body="r")
    moderation_actions.report(reply, reporter=other_member, reason=Reason.SPAM)
    moderation_actions.report(topic, reporter=other_member, reason=Reason.SPAM)
    with later(100):
        expire()
    assert not Topic.objects.exists() and not Case.objects.exists()


def test_the_run_deletes_rate_limit_counters_past_their_window_and_keeps_live_ones(database_cache):
    from django.db import connection

    with later(0):
        database_cache.set("counter:ended", [1.0], 60)
        database_cache.set("counter:live", [1.0], 3600)
    with later(0, hours=0.5 / 60 + 0.5):  # half an hour on: one window ended, one runs
        expire()
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM hearth_cache")
            keys = [row[0] for row in cursor.fetchall()]
        assert keys == [":1:counter:live"]  # the row itself is gone, not just unread
        assert database_cache.get("counter:live") == [1.0]


def test_live_rate_limit_counters_are_not_culled_when_many_members_are_active(database_cache):
    database_cache.set_many({f"counter:{n}": [1.0] for n in range(400)}, 3600)  # past Django's 300
    database_cache.set("counter:last", [1.0], 3600)
    assert all(database_cache.get(f"counter:{n}") == [1.0] for n in range(400))
