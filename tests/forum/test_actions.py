"""Actions keep counters equal to a recount, and hold what the rules say to hold."""

import datetime

import pytest

from forum import actions
from forum.models import Board, Post, Status, Topic
from forum.permissions import posts_visible_to

pytestmark = pytest.mark.django_db


def assert_counters_match_a_recount():
    for topic in Topic.objects.all():
        visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
        assert topic.post_count == visible.count(), topic
        newest = visible.order_by("-id").first() or Post.objects.filter(topic=topic).order_by("-id").first()
        assert topic.last_post_id == newest.pk
        assert topic.last_activity_at == newest.created_at
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, status=Status.VISIBLE)
        assert board.topic_count == topics.count(), board
        assert board.post_count == sum(t.post_count for t in topics), board


def test_creating_topics_and_replies_counts_them(board, member, other_member):
    topic = actions.create_topic(board, author=member, title="One", body="first")
    actions.create_reply(topic, author=other_member, body="second")
    actions.create_topic(board, author=other_member, title="Two", body="x")
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (2, 3)
    assert_counters_match_a_recount()


def test_deleting_posts_and_topics_keeps_counters(board, member, topic_factory):
    topic = topic_factory(board, member, replies=3)
    other = topic_factory(board, member, replies=1)
    last = topic.posts.order_by("-id").first()
    assert actions.delete_post(last) is False
    assert_counters_match_a_recount()
    actions.delete_topic(other)
    assert_counters_match_a_recount()
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (1, 3)


def test_deleting_the_last_post_deletes_the_topic(board, member):
    topic = actions.create_topic(board, author=member, title="Alone", body="only")
    assert actions.delete_post(topic.posts.get()) is True
    assert not Topic.objects.filter(pk=topic.pk).exists()
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (0, 0)


def test_hiding_and_unhiding_a_reply_changes_counts(board, member, topic_factory):
    topic = topic_factory(board, member, replies=2)
    reply = topic.posts.order_by("-id").first()
    assert actions.set_post_status(reply, Status.HIDDEN) is True
    assert actions.set_post_status(reply, Status.HIDDEN) is False
    topic.refresh_from_db()
    assert topic.post_count == 2
    assert_counters_match_a_recount()
    actions.set_post_status(reply, Status.VISIBLE)
    topic.refresh_from_db()
    assert topic.post_count == 3


def test_hiding_the_first_post_hides_the_topic(board, member, topic):
    actions.set_post_status(topic.posts.get(), Status.HIDDEN)
    topic.refresh_from_db()
    board.refresh_from_db()
    assert topic.status == Status.HIDDEN
    assert (board.topic_count, board.post_count) == (0, 0)
    assert_counters_match_a_recount()


def test_topic_flags_and_moving(board, board_factory, member, topic):
    assert actions.set_topic_flags(topic, pinned=True, locked=True) is True
    assert actions.set_topic_flags(topic, pinned=True) is False
    topic.refresh_from_db()
    assert topic.pinned and topic.locked
    target = board_factory("elsewhere")
    assert actions.move_topic(topic, board=target) is True
    assert actions.move_topic(topic, board=target) is False
    assert_counters_match_a_recount()
    target.refresh_from_db()
    assert (target.topic_count, target.post_count) == (1, 1)


def test_new_members_posts_are_held_and_seen_only_by_them_and_moderators(
    board, new_member, other_member, mod, topic
):
    held = actions.create_reply(topic, author=new_member, body="hello?")
    assert held.status == Status.HELD
    assert held in posts_visible_to(new_member, topic)
    assert held in posts_visible_to(mod, topic)
    assert held not in posts_visible_to(other_member, topic)
    topic.refresh_from_db()
    assert topic.post_count == 1
    assert_counters_match_a_recount()


def test_approving_held_posts_ends_probation(board, new_member, site, topic):
    new_member.date_joined -= datetime.timedelta(days=site.probation_days)
    new_member.save()
    for n in range(site.new_member_held_posts):
        post = actions.create_reply(topic, author=new_member, body=f"held {n}")
        assert post.status == Status.HELD
        actions.set_post_status(post, Status.VISIBLE)
    new_member.refresh_from_db()
    assert new_member.approved_post_count == site.new_member_held_posts
    assert actions.create_reply(topic, author=new_member, body="free").status == Status.VISIBLE


def test_probation_lifts_when_the_account_is_old_enough(board, user_factory, site, topic):
    import time_machine

    young = user_factory("young", approved_post_count=50, established=False)
    assert actions.create_reply(topic, author=young, body="early").status == Status.HELD
    joined = datetime.datetime.combine(young.date_joined, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(joined + datetime.timedelta(days=site.probation_days - 1), tick=False):
        assert actions.create_reply(topic, author=young, body="still early").status == Status.HELD
    with time_machine.travel(joined + datetime.timedelta(days=site.probation_days), tick=False):
        assert actions.create_reply(topic, author=young, body="on time").status == Status.VISIBLE


def test_boards_that_need_approval_hold_every_post(board_factory, member, mod):
    strict = board_factory("strict", requires_approval=True)
    assert actions.create_topic(strict, author=member, title="t", body="b").status == Status.HELD
    assert actions.create_topic(strict, author=mod, title="t", body="b").status == Status.VISIBLE


def test_a_member_on_hold_posts_are_held(board, user_factory, topic):
    held_member = user_factory("watched", posts_held=True)
    assert actions.create_reply(topic, author=held_member, body="b").status == Status.HELD


def test_content_times_are_coarse(board, member):
    topic = actions.create_topic(board, author=member, title="t", body="b")
    post = topic.posts.get()
    for moment in (topic.created_at, topic.last_activity_at, post.created_at):
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)
