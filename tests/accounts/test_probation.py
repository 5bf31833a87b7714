"""Probation ends at the right moment: enough approved posts AND an old enough account.

Until then a new member cannot invite (by default only members past probation may) and
trusted-only boards answer 404 as if they did not exist; from that moment both open.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from forum import actions as forum_actions
from forum.models import Visibility
from moderation import actions as moderation_actions

pytestmark = pytest.mark.django_db
JOINED = datetime.date(2026, 3, 2)


def _moment(days: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """Return the moment `days` after the join day (UTC), at hour:minute."""
    return datetime.datetime.combine(JOINED + datetime.timedelta(days=days), datetime.time(hour, minute),
                                     tzinfo=datetime.UTC)  # fmt: skip


@pytest.fixture
def newbie(user_factory):
    return user_factory("newbie", established=False, date_joined=JOINED)


@pytest.fixture
def approve(board, mod):
    """Return a function: the newbie writes `n` posts (held) and a moderator approves each."""

    def run(member, n):
        for number in range(n):
            topic = forum_actions.create_topic(board, author=member, title=f"Hello {number}", body="Hi.")
            post = topic.posts.get()
            assert post.status == "held"  # on probation, posts wait for a moderator
            moderation_actions.approve_post(post, actor=mod, reason="welcome")
        member.refresh_from_db()

    return run


@pytest.fixture
def trusted_board(board_factory, topic_factory, member):
    trusted = board_factory("inner-circle", visibility=Visibility.TRUSTED)
    return trusted, topic_factory(trusted, member, title="Safe houses")


def _can_invite(client_for, member) -> int:
    return client_for(member).get(reverse("accounts:invites")).status_code


def _trusted_pages(client_for, member, trusted_board) -> set[int]:
    board, topic = trusted_board
    c = client_for(member)
    return {c.get(board.get_absolute_url()).status_code, c.get(topic.get_absolute_url()).status_code}


def test_a_new_member_may_invite_once_both_posts_and_days_are_enough(client_for, newbie, approve, site):
    assert (site.new_member_held_posts, site.probation_days) == (3, 7)
    with time_machine.travel(_moment(0, 12), tick=False):
        assert _can_invite(client_for, newbie) == 403
    approve(newbie, 3)
    with time_machine.travel(_moment(6, 23, 59), tick=False):
        assert _can_invite(client_for, newbie) == 403  # enough posts, one day too young
    with time_machine.travel(_moment(7), tick=False):
        assert _can_invite(client_for, newbie) == 200


def test_days_alone_do_not_end_probation_for_invites(client_for, newbie, approve):
    approve(newbie, 2)
    with time_machine.travel(_moment(60), tick=False):
        assert _can_invite(client_for, newbie) == 403  # old enough, one approved post short
        approve(newbie, 1)
        assert _can_invite(client_for, newbie) == 200


def test_trusted_only_boards_answer_404_during_probation_and_open_when_it_ends(client_for, newbie, approve, trusted_board):
    with time_machine.travel(_moment(1), tick=False):
        assert _trusted_pages(client_for, newbie, trusted_board) == {404}
    approve(newbie, 3)
    with time_machine.travel(_moment(6, 23, 59), tick=False):
        assert _trusted_pages(client_for, newbie, trusted_board) == {404}
        assert "Inner Circle" not in client_for(newbie).get("/").text  # not even listed
    with time_machine.travel(_moment(7), tick=False):
        assert _trusted_pages(client_for, newbie, trusted_board) == {200}
        assert "Inner Circle" in client_for(newbie).get("/").text


def test_days_alone_do_not_open_trusted_only_boards(client_for, newbie, approve, trusted_board):
    approve(newbie, 2)
    with time_machine.travel(_moment(60), tick=False):
        assert _trusted_pages(client_for, newbie, trusted_board) == {404}
        approve(newbie, 1)
        assert _trusted_pages(client_for, newbie, trusted_board) == {200}


def test_the_admins_probation_settings_move_the_moment(client_for, newbie, approve, trusted_board, site):
    site.new_member_held_posts, site.probation_days = 1, 2
    site.save()
    approve(newbie, 1)
    with time_machine.travel(_moment(1, 23, 59), tick=False):
        assert _can_invite(client_for, newbie) == 403
        assert _trusted_pages(client_for, newbie, trusted_board) == {404}
    with time_machine.travel(_moment(2), tick=False):
        assert _can_invite(client_for, newbie) == 200
        assert _trusted_pages(client_for, newbie, trusted_board) == {200}
