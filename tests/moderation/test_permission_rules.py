"""Permission rules live in permissions.py; the views only call them."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.http import Http404
from django.urls import reverse

from moderation import actions, permissions
from moderation.models import LogEntry

pytestmark = pytest.mark.django_db

ROLE_ATTRIBUTES = {"is_staff", "is_superuser", "is_global_moderator", "is_active", "is_authenticated",
                   "moderated_boards", "approval_pending"}  # fmt: skip


def test_moderation_views_test_no_role_themselves():
    tree = ast.parse(pathlib.Path(settings.BASE_DIR, "moderation", "views.py").read_text())
    found = sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} & ROLE_ATTRIBUTES)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names if node.module == "accounts"}  # fmt: skip
    assert not found, f"move these role checks into moderation/permissions.py: {found}"
    assert "permissions" not in imported, "views call moderation.permissions, not the role helpers"


def test_the_author_of_a_post_can_be_reported_only_while_a_member(client_for, other_member, member, topic, mod):
    post = topic.posts.get()
    url = reverse("reports:report_author", args=[post.pk])
    assert client_for(other_member).get(url).status_code == 200
    actions.ban_member(member, actor=mod, reason="x")
    assert client_for(other_member).get(url).status_code == 404
    post.refresh_from_db()
    with pytest.raises(Http404):
        permissions.check_report_author(other_member, post)


def test_board_moderators_read_only_their_boards_log(board_mod, mod, member, board, board_factory, topic_factory):
    mine = topic_factory(board, member, title="mine")
    theirs = topic_factory(board_factory("elsewhere"), member, title="theirs")
    actions.lock_topic(mine, actor=mod, reason="in my board")
    actions.lock_topic(theirs, actor=mod, reason="elsewhere")
    actions.warn_member(member, actor=mod, reason="about a member")
    assert list(permissions.log_entries_visible_to(board_mod).values_list("reason", flat=True)) == ["in my board"]
    assert permissions.log_entries_visible_to(mod).count() == LogEntry.objects.count() == 3


def test_only_admins_are_offered_the_invite_tree(client_for, mod, member, admin_user, give_totp):
    admin = give_totp(admin_user)
    link = reverse("moderation:invite_tree", args=[member.pk])
    assert link not in client_for(mod).get(reverse("moderation:member_tools", args=[member.pk])).text
    assert link in client_for(admin).get(reverse("moderation:member_tools", args=[member.pk])).text
    assert permissions.can_view_invite_tree(admin) and not permissions.can_view_invite_tree(mod)
