"""A moderator or an admin without two-factor sign-in is a plain member everywhere."""

import pytest
from django.urls import reverse

from accounts import permissions as roles
from forum import actions as forum_actions
from forum import permissions as forum_permissions
from moderation import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_and_held(board, topic, new_member, other_member, board_mod):
    """A held topic by a newcomer and a reply hidden by a moderator, both in `board`."""
    held = forum_actions.create_topic(board, author=new_member, title="Held topic", body="held words")
    reply = forum_actions.create_reply(topic, author=other_member, body="hidden words")
    actions.hide_post(reply, actor=board_mod, reason="names someone")
    return held, reply


def test_a_global_moderator_without_two_factor_sees_no_held_or_hidden_posts(
    client_for, moderator, topic, hidden_and_held
):
    held, _reply = hidden_and_held
    c = client_for(moderator)
    assert c.get(held.get_absolute_url()).status_code == 404
    assert "hidden words" not in c.get(topic.get_absolute_url()).text


def test_a_board_moderator_without_two_factor_sees_no_held_or_hidden_posts(
    client_for, user_factory, board, topic, hidden_and_held
):
    held, _reply = hidden_and_held
    keeper = user_factory("boardkeeper")
    board.moderators.add(keeper)
    c = client_for(keeper)
    assert c.get(held.get_absolute_url()).status_code == 404
    assert "hidden words" not in c.get(topic.get_absolute_url()).text
    assert c.get(reverse("moderation:post_tools", args=[held.posts.get().pk])).status_code == 302


def test_a_moderator_without_two_factor_cannot_reply_to_a_locked_topic(client_for, moderator, topic, board_mod):
    actions.lock_topic(topic, actor=board_mod, reason="heated")
    response = client_for(moderator).post(reverse("forum:reply_create", args=[topic.pk]), {"body": "x"})
    assert response.status_code == 403


def test_a_moderator_without_two_factor_posts_wait_like_a_members(board_factory, moderator, give_totp):
    strict = board_factory("strict", requires_approval=True)
    assert forum_permissions.post_needs_approval(moderator, strict)
    give_totp(moderator)
    moderator._hearth_has_totp = None  # a new request asks again
    assert not forum_permissions.post_needs_approval(moderator, strict)


def test_setting_up_two_factor_gives_the_role_back_on_the_next_request(
    client_for, moderator, give_totp, hidden_and_held
):
    held, _reply = hidden_and_held
    assert client_for(moderator).get(held.get_absolute_url()).status_code == 404
    give_totp(moderator)
    assert client_for(moderator).get(held.get_absolute_url()).status_code == 200


def test_an_admin_without_two_factor_is_not_an_admin_to_hearth(admin_user, give_totp):
    assert roles.needs_two_factor(admin_user)
    assert not roles.is_admin(admin_user) and not roles.is_global_moderator(admin_user)
    give_totp(admin_user)
    admin_user._hearth_has_totp = None
    assert roles.is_admin(admin_user) and roles.is_global_moderator(admin_user)
    assert not roles.needs_two_factor(admin_user)


def test_a_member_is_never_asked_for_two_factor_and_costs_no_query(member, django_assert_num_queries):
    with django_assert_num_queries(1):  # the boards they moderate: none
        assert not roles.needs_two_factor(member)
        assert not roles.is_moderator(member)
        assert not roles.is_global_moderator(member)


def test_the_two_factor_answer_is_asked_once_per_user_object(moderator, board, django_assert_num_queries):
    with django_assert_num_queries(2):  # the boards they moderate, their authenticator
        for _ in range(3):
            assert not forum_permissions.is_board_moderator(moderator, board)
            assert roles.needs_two_factor(moderator)


def test_a_moderator_without_two_factor_keeps_the_link_that_leads_to_the_set_up(client_for, moderator):
    c = client_for(moderator)
    assert reverse("moderation:queue") in c.get("/").text
    assert c.get(reverse("moderation:queue"))["Location"] == reverse("mfa_activate_totp")


def test_staff_without_two_factor_are_sent_to_set_it_up_from_the_admin_too(client_for, moderator, user_factory):
    staff = user_factory("staffer", is_staff=True)
    for user in (moderator, staff):
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_the_two_factor_rule_asks_once_per_page_and_only_role_holders(still_clock, client_for, member, mod, board_mod, topic):
    """A member's page asks nothing more. A global moderator's asks for the authenticator
    instead of the boards they moderate; a board moderator's asks for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for who, user in (("member", member), ("global", mod), ("board", board_mod)):
        c = client_for(user)
        # The first visit stamps the session's idle deadline and reads the process's copies.
        c.get(topic.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert c.get(topic.get_absolute_url()).status_code == 200
        counts[who] = [q["sql"] for q in queries.captured_queries]
    assert [sum("mfa_authenticator" in sql for sql in counts[who]) for who in counts] == [0, 1, 1]
    assert len(counts["global"]) == len(counts["member"])
    assert len(counts["board"]) == len(counts["member"]) + 1


def test_a_wrong_code_on_the_two_factor_check_is_refused_with_the_form(client_for, mod):
    # A moderator asked to confirm with their authenticator before a sensitive step.
    c = client_for(mod)
    for code in ("000000", "'; drop table x; --", "\x00"):
        response = c.post(reverse("mfa_reauthenticate"), {"code": code})
        assert response.status_code == 200, code
        assert 'name="code"' in response.text
