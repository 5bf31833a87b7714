"""Who may act on whom: global moderators on members, only admins on staff, nobody on themselves."""

import pytest
from django.urls import reverse

from accounts import invites
from accounts.models import User
from moderation.models import LogEntry

pytestmark = pytest.mark.django_db

ACTIONS = {
    "warn": {"warn-reason": "x"},
    "suspend": {"suspend-reason": "x", "suspend-days": "30"},
    "ban": {"ban-reason": "x"},
    "hold": {"hold-reason": "x"},
}


@pytest.fixture
def other_mod(user_factory, give_totp):
    return give_totp(user_factory("othermod", is_global_moderator=True))


@pytest.fixture
def staff(user_factory, give_totp):
    return give_totp(user_factory("staffer", is_staff=True))


@pytest.fixture
def admin(admin_user, give_totp):
    return give_totp(admin_user)


def _unchanged(member):
    member.refresh_from_db()
    return member.is_active and not member.is_suspended and not member.posts_held


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target", ["other_mod", "staff", "admin"])
def test_a_global_moderator_cannot_act_on_an_admin_or_another_global_moderator(
    request, client_for, mod, target, action
):
    member = request.getfixturevalue(target)
    c = client_for(mod)
    response = c.post(reverse("moderation:member_action", args=[member.pk, action]), ACTIONS[action])
    assert response.status_code == 403
    assert "Only an admin can act on an admin" in response.text
    assert _unchanged(member)
    assert not member.notices.exists()
    assert not LogEntry.objects.exclude(action="view_history").exists()
    assert c.get(reverse("moderation:member_tools", args=[member.pk])).status_code == 403


def test_an_admin_can_act_on_a_global_moderator_and_on_staff(client_for, admin, other_mod, staff):
    c = client_for(admin)
    for member in (other_mod, staff):
        response = c.post(reverse("moderation:member_action", args=[member.pk, "suspend"]), ACTIONS["suspend"])
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.is_suspended
    assert LogEntry.objects.filter(action="suspend").count() == 2


def test_an_admin_without_every_permission_cannot_act_on_a_superuser(client_for, user_factory, give_totp, admin):
    staff = give_totp(user_factory("staffmod", is_staff=True, is_global_moderator=True))
    response = client_for(staff).post(reverse("moderation:member_action", args=[admin.pk, "ban"]), ACTIONS["ban"])
    assert response.status_code == 403
    assert _unchanged(admin)


@pytest.mark.parametrize("who", ["mod", "admin"])
def test_nobody_acts_on_themselves(request, client_for, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(reverse("moderation:member_action", args=[user.pk, "ban"]), ACTIONS["ban"])
    assert response.status_code == 403
    assert "You cannot act on your own account." in response.text
    assert _unchanged(user)


def test_a_global_moderator_without_two_factor_is_protected_too(client_for, mod, user_factory):
    newly_made = user_factory("newmod", is_global_moderator=True)
    response = client_for(mod).post(reverse("moderation:member_action", args=[newly_made.pk, "ban"]), ACTIONS["ban"])
    assert response.status_code == 403
    assert _unchanged(newly_made)


def test_post_tools_offer_to_act_on_the_author_only_when_allowed(client_for, mod, other_mod, board, topic_factory, member):
    by_member = topic_factory(board, member).posts.get()
    by_mod = topic_factory(board, other_mod).posts.get()
    c = client_for(mod)
    assert reverse("moderation:member_tools", args=[member.pk]) in c.get(
        reverse("moderation:post_tools", args=[by_member.pk])).text  # fmt: skip
    assert reverse("moderation:member_tools", args=[other_mod.pk]) not in c.get(
        reverse("moderation:post_tools", args=[by_mod.pk])).text  # fmt: skip


def test_a_branch_suspension_leaves_out_the_admin_who_orders_it(client_for, admin, user_factory):
    invite, _code = invites.create_invite(admin)
    invitee = user_factory("invitee", invite=invite)
    client_for(admin).post(reverse("moderation:invite_tree_action", args=[admin.pk]),
                           {"action": "suspend", "days": "3", "reason": "review"})  # fmt: skip
    admin.refresh_from_db()
    invitee.refresh_from_db()
    assert invitee.is_suspended and not admin.is_suspended
    assert set(LogEntry.objects.filter(action="suspend").values_list("target_member", flat=True)) == {invitee.pk}
    assert User.objects.get(pk=admin.pk).is_active
