"""Every rule on both sides of its boundary: an hour (or a day) before it nothing goes, after it
exactly what is due goes, and every counter still equals a recount.
"""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts import invites
from accounts.models import Invite, User
from forum import actions as forum_actions
from forum.models import Board, Post, Status, Topic
from moderation import actions as moderation_actions
from moderation.models import Case, LogEntry, Notice, Reason
from retention import engine
from retention.models import BoardRetention, Kind, Measure, RetentionRule

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 2, 2, 12, tzinfo=datetime.UTC)


def at(days=0, hours=0):
    return time_machine.travel(START + datetime.timedelta(days=days, hours=hours), tick=False)


@pytest.fixture(autouse=True)
def at_start():
    with at(0):
        yield


def run_at(days, hours=0) -> dict[str, int]:
    """Run the engine at START + days (+ hours); return what it deleted."""
    with at(days, hours):
        return engine.run()


def assert_counters_match_a_recount():
    for topic in Topic.objects.all():
        visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
        newest = visible.order_by("-id").first() or topic.posts.order_by("-id").first()
        assert newest is not None, f"topic {topic.pk} has no post left"
        assert (topic.post_count, topic.last_post_id) == (visible.count(), newest.pk), topic.title
    for board in Board.objects.all():
        shown = Topic.objects.filter(board=board, status=Status.VISIBLE)
        assert (board.topic_count, board.post_count) == (shown.count(), sum(t.post_count for t in shown))


def titles():
    return set(Topic.objects.values_list("title", flat=True))


def set_rule(kind, days, measure=None):
    fields = {"days": days} | ({"measured_from": measure} if measure else {})
    RetentionRule.objects.filter(kind=kind).update(**fields)


# Posts and topics -----------------------------------------------------------------------


def test_topics_by_last_activity_stay_until_90_days_after_their_last_reply(board, member, other_member):
    forum_actions.create_topic(board, author=member, title="quiet", body="b")
    lively = forum_actions.create_topic(board, author=member, title="lively", body="b")
    with at(30):
        forum_actions.create_reply(lively, author=other_member, body="a month later")
    assert run_at(90, hours=-1)["topics"] == 0  # 90 days less an hour since quiet's last activity
    assert titles() == {"quiet", "lively"}
    deleted = run_at(90, hours=1)
    assert (deleted["topics"], deleted["posts"]) == (1, 1)
    assert titles() == {"lively"}
    assert_counters_match_a_recount()
    assert run_at(120, hours=-1)["topics"] == 0
    deleted = run_at(120, hours=1)
    assert (deleted["topics"], deleted["posts"]) == (1, 2)
    assert not Topic.objects.exists() and not Post.objects.exists()
    assert_counters_match_a_recount()


def test_topics_by_creation_go_90_days_after_they_began_whatever_the_replies(board, member, other_member):
    set_rule(Kind.POSTS, 90, Measure.CREATION)
    topic = forum_actions.create_topic(board, author=member, title="old", body="b")
    with at(89):
        forum_actions.create_reply(topic, author=other_member, body="yesterday")
    with at(10):
        forum_actions.create_topic(board, author=member, title="younger", body="b")
    assert run_at(90, hours=-1)["topics"] == 0
    deleted = run_at(90, hours=1)
    assert (deleted["topics"], deleted["posts"]) == (1, 2)
    assert titles() == {"younger"}
    assert_counters_match_a_recount()


def test_a_boards_own_rule_applies_on_its_boundary_and_the_site_rule_elsewhere(board, board_factory, member):
    short = board_factory("short")
    BoardRetention.objects.create(board=short, days=10, measured_from=Measure.LAST_ACTIVITY)
    long = board_factory("long")
    BoardRetention.objects.create(board=long, days=200, measured_from=Measure.CREATION)
    for where in (board, short, long):
        forum_actions.create_topic(where, author=member, title=where.slug, body="b")
    assert run_at(10, hours=-1)["topics"] == 0
    assert run_at(10, hours=1)["topics"] == 1
    assert titles() == {board.slug, "long"}
    assert run_at(90, hours=1)["topics"] == 1
    assert titles() == {"long"}
    assert run_at(200, hours=-1)["topics"] == 0
    assert run_at(200, hours=1)["topics"] == 1
    assert not Topic.objects.exists()
    for each in Board.objects.all():
        assert (each.topic_count, each.post_count) == (0, 0)


def test_a_members_chosen_end_deletes_that_post_at_its_end_and_recounts_its_topic(board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="t", body="first")
    kept = forum_actions.create_reply(topic, author=other_member, body="kept")
    brief = forum_actions.create_reply(topic, author=other_member, body="for a week",
                                       expires_at=timezone.now() + datetime.timedelta(days=7))  # fmt: skip
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_post_id) == (3, brief.pk)
    assert run_at(7, hours=-1)["posts"] == 0
    deleted = run_at(7)  # at its end exactly
    assert (deleted["posts"], deleted["topics"]) == (1, 0)
    assert list(topic.posts.values_list("body", flat=True)) == ["first", "kept"]
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_post_id) == (2, kept.pk)
    assert topic.last_activity_at == kept.created_at
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 2)
    assert_counters_match_a_recount()


def test_a_topic_with_a_chosen_end_goes_whole_at_that_end(board, member, other_member):
    topic = forum_actions.create_topic(board, author=member, title="brief", body="b",
                                       expires_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
    forum_actions.create_reply(topic, author=other_member, body="no end of its own")
    forum_actions.create_topic(board, author=member, title="stays", body="b")
    assert run_at(0, hours=23)["topics"] == 0
    deleted = run_at(1, hours=1)
    assert (deleted["topics"], deleted["posts"]) == (1, 2)
    assert titles() == {"stays"}
    assert_counters_match_a_recount()


def test_when_every_post_of_a_topic_reaches_its_chosen_end_the_topic_goes_too(board, member):
    soon = timezone.now() + datetime.timedelta(days=2)
    topic = forum_actions.create_topic(board, author=member, title="t", body="b")
    forum_actions.create_reply(topic, author=member, body="r", expires_at=soon)
    Post.objects.filter(topic=topic).update(expires_at=soon)
    assert run_at(1)["posts"] == 0
    deleted = run_at(2, hours=1)
    assert (deleted["posts"], deleted["topics"]) == (2, 1)
    assert not Topic.objects.exists()
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (0, 0)


def test_a_chosen_end_in_a_hidden_topic_keeps_the_boards_counters_right(board, member, other_member, mod):
    shown = forum_actions.create_topic(board, author=member, title="shown", body="b")
    hidden = forum_actions.create_topic(board, author=member, title="hidden", body="b")
    end = timezone.now() + datetime.timedelta(days=3)
    for topic in (shown, hidden):
        forum_actions.create_reply(topic, author=other_member, body="brief", expires_at=end)
    moderation_actions.hide_topic(hidden, actor=mod, reason="x")
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 2)
    assert run_at(3, hours=1)["posts"] == 2
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 1)
    assert_counters_match_a_recount()


def test_a_backlog_goes_batch_by_batch_and_the_counters_are_right_after_every_batch(
    board, board_factory, member, other_member
):
    other = board_factory("other")
    topics = [forum_actions.create_topic(board if n % 2 else other, author=member, title=f"old{n}", body="b")
              for n in range(6)]  # fmt: skip
    for round_ in range(3):  # replies interleaved: every topic's posts are spread over the ids
        for topic in topics:
            forum_actions.create_reply(topic, author=other_member, body=f"r{round_}")
    with at(50):
        kept = forum_actions.create_topic(board, author=member, title="recent", body="b")
        forum_actions.create_reply(kept, author=other_member, body="r")
        for _n in range(2):  # ends of their own, in the topic that stays
            forum_actions.create_reply(kept, author=other_member, body="brief", expires_at=timezone.now())
    seen = []

    def progress(label, total):
        seen.append((label, total))
        assert_counters_match_a_recount()  # after every batch, not only at the end

    with at(91):
        deleted = engine.run(batch_size=5, progress=progress)
    assert (deleted["topics"], deleted["posts"]) == (6, 26)
    assert len(seen) >= 6
    assert {label for label, _total in seen} == {"topics", "posts"}
    assert titles() == {"recent"}
    assert_counters_match_a_recount()


# Reports, logs, warnings --------------------------------------------------------------


def test_report_cases_go_30_days_after_resolution_and_open_ones_stay(topic, other_member, mod):
    first, second = topic.posts.get(), forum_actions.create_reply(topic, author=topic.author, body="r")
    moderation_actions.report(first, reporter=other_member, reason=Reason.SPAM)
    moderation_actions.report(second, reporter=other_member, reason=Reason.SPAM)
    resolved = Case.objects.get(post=first)
    with at(5):
        moderation_actions.dismiss_case(resolved, actor=mod, reason="fine")
    User.objects.update(last_login=START + datetime.timedelta(days=30))
    assert run_at(35, hours=-1)["report cases"] == 0
    assert run_at(35, hours=1)["report cases"] == 1
    assert list(Case.objects.values_list("post_id", flat=True)) == [second.pk]
    assert run_at(300)["report cases"] == 0  # open: never


def test_moderation_and_admin_log_entries_go_90_days_after_they_were_written(mod, member, admin_user):
    moderation_actions.warn_member(member, actor=mod, reason="first")
    AdminLogEntry.objects.log_actions(user_id=admin_user.pk, queryset=[member], action_flag=2,
                                      change_message="changed")  # fmt: skip
    with at(10):
        moderation_actions.warn_member(member, actor=mod, reason="later")
    User.objects.update(last_login=START + datetime.timedelta(days=60))
    deleted = run_at(90, hours=-1)
    assert (deleted["moderation log entries"], deleted["admin log entries"]) == (0, 0)
    deleted = run_at(90, hours=1)
    assert (deleted["moderation log entries"], deleted["admin log entries"]) == (1, 1)
    assert list(LogEntry.objects.values_list("reason", flat=True)) == ["later"]


def test_warnings_stay_until_dismissed_and_90_days_at_most(member, other_member, mod):
    read = moderation_actions.warn_member(member, actor=mod, reason="read it")
    unread = moderation_actions.warn_member(other_member, actor=mod, reason="never opened")
    with at(30):
        later = moderation_actions.warn_member(member, actor=mod, reason="a month later")
    User.objects.update(last_login=START + datetime.timedelta(days=60))
    assert run_at(1)["warnings"] == 0
    with at(2):
        moderation_actions.dismiss_notice(read, member=member)
    assert run_at(2, hours=1)["warnings"] == 1  # dismissed: gone at the next run
    assert set(Notice.objects.values_list("pk", flat=True)) == {unread.pk, later.pk}
    assert run_at(90, hours=-1)["warnings"] == 0
    assert run_at(90, hours=1)["warnings"] == 1
    assert list(Notice.objects.values_list("pk", flat=True)) == [later.pk]
    assert run_at(120, hours=1)["warnings"] == 1
    assert not Notice.objects.exists()


def test_a_shorter_warnings_rule_is_followed(member, mod):
    set_rule(Kind.NOTICES, 7)
    moderation_actions.warn_member(member, actor=mod, reason="x")
    assert run_at(7, hours=-1)["warnings"] == 0
    assert run_at(7, hours=1)["warnings"] == 1


# Accounts, invites, sessions ----------------------------------------------------------


def test_accounts_go_365_days_after_their_last_sign_in(user_factory, board):
    signed_in = user_factory("signed-in", last_login=START)
    assert signed_in.last_login == START.replace(hour=0)  # kept to the day: the day is what counts
    user_factory("never", last_login=None, date_joined=START.date())
    recent = user_factory("recent", last_login=START + datetime.timedelta(days=2))
    admin = User.objects.create_superuser("root", "x" * 12)
    with at(300):
        forum_actions.create_topic(board, author=signed_in, title="mine", body="b")
    assert run_at(365, hours=-13)["accounts"] == 0  # 365 days after that midnight, less an hour
    assert run_at(365, hours=-11)["accounts"] == 1
    assert not User.objects.filter(pk=signed_in.pk).exists()
    assert run_at(366, hours=-13)["accounts"] == 0  # never signed in: 365 whole days after joining
    assert run_at(366, hours=-11)["accounts"] == 1
    assert set(User.objects.values_list("username", flat=True)) == {recent.username, admin.username}
    topic = Topic.objects.get(title="mine")  # the writing stays, as a former member's
    assert topic.author is None and topic.posts.get().author is None


def test_unused_invites_go_at_their_end_by_default(member):
    unused, _code = invites.create_invite(member, days=7)
    assert run_at(7, hours=-1)["invites"] == 0
    assert run_at(7, hours=1)["invites"] == 1
    assert not Invite.objects.filter(pk=unused.pk).exists()


def test_unused_invites_are_kept_past_their_end_as_long_as_the_rule_says(member):
    set_rule(Kind.INVITES, 3)
    invites.create_invite(member, days=7)
    assert run_at(10, hours=-1)["invites"] == 0
    assert run_at(10, hours=1)["invites"] == 1


def test_the_inviter_link_stays_179_days_after_the_last_use_and_is_gone_at_181(member, user_factory):
    used, code = invites.create_invite(member, days=7, uses=2)
    unused, _other = invites.create_invite(member, days=30)
    first = user_factory("first-friend")
    invites.use(code, first)
    with at(3):
        second = user_factory("second-friend")
        invites.use(code, second)  # the last use: the rule counts from here
    User.objects.update(last_login=START + datetime.timedelta(days=170))
    deleted = run_at(3 + 179)
    assert (deleted["inviter links"], deleted["invites"]) == (0, 1)  # the unused one went at its end
    assert set(User.objects.filter(invite=used).values_list("pk", flat=True)) == {first.pk, second.pk}
    deleted = run_at(3 + 181)
    assert deleted["inviter links"] == 1
    assert not Invite.objects.exists() and not Invite.objects.filter(pk=unused.pk).exists()
    assert User.objects.filter(pk__in=[first.pk, second.pk], invite__isnull=True).count() == 2  # accounts stay


def test_an_inviter_link_rule_of_0_days_cuts_the_link_at_the_next_run(member, user_factory):
    set_rule(Kind.INVITER_LINK, 0)
    _invite, code = invites.create_invite(member)
    friend = user_factory("friend")
    invites.use(code, friend)
    assert run_at(0, hours=1)["inviter links"] == 1
    friend.refresh_from_db()
    assert friend.invite is None


def _session(saved_days_ago):
    with at(-saved_days_ago):
        store = SessionStore()
        store["_auth_user_id"] = "1"
        store.create()
    return store.session_key


def test_sessions_go_14_days_after_they_were_last_saved(settings):
    settings.SESSION_COOKIE_AGE = 30 * 86400
    fresh, old = _session(13), _session(15)
    assert run_at(0)["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh]
    assert old != fresh
    assert run_at(1, hours=-1)["sessions"] == 0
    assert run_at(1, hours=1)["sessions"] == 1


def test_when_the_newest_post_reaches_its_end_the_topic_points_back_to_the_one_before(
    board, member, other_member, new_member
):
    topic = forum_actions.create_topic(board, author=member, title="t", body="first")
    with at(1):
        before = forum_actions.create_reply(topic, author=other_member, body="stays")
    with at(2):
        newest = forum_actions.create_reply(topic, author=other_member, body="brief",
                                            expires_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
    with at(3):
        held = forum_actions.create_reply(topic, author=new_member, body="waits for a moderator")
    assert held.status == Status.HELD
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_post_id) == (3, newest.pk)
    assert run_at(3, hours=1)["posts"] == 1
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_post_id, topic.last_activity_at) == (2, before.pk, before.created_at)
    assert_counters_match_a_recount()
