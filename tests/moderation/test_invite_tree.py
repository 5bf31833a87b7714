"""The invite tree: admins review a branch and hold or suspend it at once, logged."""

import pytest
from django.urls import reverse

from accounts import invites
from accounts.models import User
from moderation.models import LogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(user_factory):
    """root invited a and b; a invited c."""
    root = user_factory("root1")
    people = {"root1": root}
    for parent, child in (("root1", "aa"), ("root1", "bb"), ("aa", "cc")):
        invite, _code = invites.create_invite(people[parent])
        people[child] = user_factory(child, invite=invite)
    return people


@pytest.fixture
def admin(admin_user, give_totp):
    return give_totp(admin_user)


def test_admins_see_the_inviter_and_the_whole_branch_and_it_is_logged(client_for, admin, branch):
    page = client_for(admin).get(reverse("moderation:invite_tree", args=[branch["aa"].pk])).text
    assert "Invited by" in page and "root1" in page and "cc" in page
    whole = client_for(admin).get(reverse("moderation:invite_tree", args=[branch["root1"].pk])).text
    for name in ("aa", "bb", "cc"):
        assert f"<bdi>{name}</bdi>" in whole
    viewed = LogEntry.objects.filter(action="view_invite_tree")
    assert viewed.count() == 2 and viewed.first().actor == admin


def test_moderators_who_are_not_admins_get_404(client_for, mod, branch):
    assert client_for(mod).get(reverse("moderation:invite_tree", args=[branch["aa"].pk])).status_code == 404
    response = client_for(mod).post(reverse("moderation:invite_tree_action", args=[branch["aa"].pk]),
                                    {"action": "hold", "reason": "x"})  # fmt: skip
    assert response.status_code == 404
    assert not User.objects.filter(posts_held=True).exists()


def test_holding_a_branch_holds_every_member_in_it(client_for, admin, branch):
    response = client_for(admin).post(reverse("moderation:invite_tree_action", args=[branch["aa"].pk]),
                                      {"action": "hold", "reason": "an informant's invitees"})  # fmt: skip
    assert response.status_code == 302
    held = set(User.objects.filter(posts_held=True).values_list("username", flat=True))
    assert held == {"aa", "cc"}
    assert LogEntry.objects.filter(action="hold").count() == 2


def test_suspending_a_branch_needs_days_and_a_reason(client_for, admin, branch):
    url = reverse("moderation:invite_tree_action", args=[branch["root1"].pk])
    refused = client_for(admin).post(url, {"action": "suspend", "reason": "x"})
    assert refused.status_code == 400 and "how many days" in refused.text
    client_for(admin).post(url, {"action": "suspend", "days": "30", "reason": "review"})
    suspended = {u.username for u in User.objects.all() if u.is_suspended}
    assert suspended == {"root1", "aa", "bb", "cc"}
