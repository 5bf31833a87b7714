"""The other list pages run a fixed number of queries whatever they list: search results,
the moderation log, a member's invites and the invite tree (boards, topics and the queue
are pinned in tests/forum/test_queries.py and tests/moderation/test_queue.py). The invite
tree is read one query per level of invitees, so it is pinned for a wider tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.invites import create_invite, use
from forum import actions
from moderation import actions as moderation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def _constant(client, url, grow, **params):
    client.get(url, params)  # the first visit stamps the session; later ones do not
    few = _count(client, url, **params)
    grow()
    assert _count(client, url, **params) == few


def test_search_results(client_for, member, board, user_factory):
    authors = [user_factory() for _ in range(4)]
    actions.create_topic(board, author=member, title="garden one", body="garden")

    def grow():
        for n in range(30):
            actions.create_topic(board, author=authors[n % 4], title=f"garden {n}", body=f"garden {n}")

    _constant(client_for(member), reverse("forum:search"), grow, q="garden")


def test_moderation_log(client_for, mod, board, member, topic):
    post = topic.posts.get()
    moderation.hide_post(post, actor=mod, reason="one")
    moderation.unhide_post(post, actor=mod, reason="two")

    def grow():
        for n in range(20):
            moderation.hide_post(post, actor=mod, reason=f"hide {n}")
            moderation.unhide_post(post, actor=mod, reason=f"show {n}")

    _constant(client_for(mod), reverse("moderation:log"), grow)


def test_my_invites(client_for, member):
    create_invite(member)
    _constant(client_for(member), reverse("accounts:invites"),
              lambda: [create_invite(member) for _ in range(10)])  # fmt: skip


def test_invite_tree(client_for, admin_user, give_totp, member, user_factory):
    give_totp(admin_user)

    def invite_someone(inviter):
        _invite, code = create_invite(inviter)
        invitee = user_factory()
        assert use(code, invitee)
        return invitee

    invite_someone(invite_someone(member))

    def grow():  # wider, not deeper: the tree is read one query per level
        for _ in range(4):
            invite_someone(invite_someone(member))

    _constant(client_for(admin_user), reverse("moderation:invite_tree", args=[member.pk]), grow)
