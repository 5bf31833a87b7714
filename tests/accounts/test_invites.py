"""Invite-only registration: codes shown once, hashed, with an end and a use count."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import invites
from accounts.models import Invite, InvitePermission, RegistrationMode, User
from retention import engine

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def invite_only(site):
    site.registration_mode = RegistrationMode.INVITE
    site.save()
    return site


def _join(code, username="friend"):
    c = Client()
    response = c.post(reverse("account_signup"), {
        "username": username, "password1": PASSWORD, "password2": PASSWORD, "invite": code,
    })  # fmt: skip
    return c, response


def test_a_member_makes_an_invite_and_sees_the_code_once(client_for, member):
    c = client_for(member)
    page = c.post(reverse("accounts:invites"), {"days": "7", "uses": "2"})
    code = page.text.split('<code dir="ltr">')[1].split("</code>")[0]
    invite = Invite.objects.get()
    assert invite.inviter == member and invite.uses_left == 2
    assert code not in invite.digest and len(code) >= 30
    assert code not in c.get(reverse("accounts:invites")).text


def test_an_invite_lasts_7_days_and_lets_one_person_in_by_default(client_for, member, invite_only):
    page = client_for(member).get(reverse("accounts:invites")).text
    assert re.search(r'name="days"[^>]*value="7"|value="7"[^>]*name="days"', page)
    assert re.search(r'name="uses"[^>]*value="1"|value="1"[^>]*name="uses"', page)
    made = datetime.datetime(2026, 3, 4, 10, 17, tzinfo=datetime.UTC)
    with time_machine.travel(made, tick=False):
        invite, code = invites.create_invite(member)
    assert invite.uses_left == 1
    assert invite.expires_at == datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.UTC)  # 7 days, to the hour
    with time_machine.travel(invite.expires_at - datetime.timedelta(minutes=1), tick=False):
        assert invites.find_usable(code) == invite
    with time_machine.travel(invite.expires_at, tick=False):
        assert invites.find_usable(code) is None
    with time_machine.travel(made + datetime.timedelta(days=1), tick=False):
        assert _join(code, username="first")[1].status_code == 302
        _client, second = _join(code, username="second")
    assert "This invite code cannot be used." in second.text
    assert list(User.objects.filter(invite=invite).values_list("username", flat=True)) == ["first"]


@pytest.mark.parametrize(("days", "uses"), [("0", "1"), ("31", "1"), ("7", "0"), ("7", "21"), ("x", "1")])
def test_absurd_invites_are_refused(client_for, member, days, uses):
    response = client_for(member).post(reverse("accounts:invites"), {"days": days, "uses": uses})
    assert response.status_code == 200 and not Invite.objects.exists()


def test_invite_only_sign_up_needs_a_valid_code_and_records_who_invited(invite_only, member):
    _invite, code = invites.create_invite(member)
    client, response = _join(code)
    assert response.status_code == 302
    friend = User.objects.get(username="friend")
    assert friend.invite.inviter == member
    assert client.get(reverse("accounts:account")).status_code == 200


def test_every_unusable_code_gets_the_same_answer(invite_only, member):
    used_invite, used = invites.create_invite(member)
    _join(used, username="first")
    _old, expired = invites.create_invite(member, days=1)
    revoked_invite, revoked = invites.create_invite(member)
    invites.revoke(revoked_invite)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        answers = set()
        for code in (used, expired, revoked, "mistyped-code", ""):
            _client, response = _join(code, username=f"x{abs(hash(code)) % 1000}")
            assert response.status_code == 200
            answers.add("This invite code cannot be used." in response.text or "Please enter your invite code." in response.text)
        assert answers == {True}
    assert User.objects.filter(invite__isnull=False).count() == 1


def test_use_counts_are_kept(invite_only, member):
    _invite, code = invites.create_invite(member, uses=2)
    for name in ("one", "two", "three"):
        _join(code, username=name)
    assert set(User.objects.filter(invite__isnull=False).values_list("username", flat=True)) == {"one", "two"}


def test_invite_guessing_is_rate_limited(invite_only):
    statuses = [_join(f"guess-{n}", username=f"guesser{n}")[1].status_code for n in range(8)]
    assert 429 in statuses


def test_who_may_invite_follows_the_admins_setting(client_for, member, new_member, moderator, site):
    assert client_for(member).get(reverse("accounts:invites")).status_code == 200
    assert client_for(new_member).get(reverse("accounts:invites")).status_code == 403
    site.invite_permission = InvitePermission.MODERATORS
    site.save()
    assert client_for(member).get(reverse("accounts:invites")).status_code == 403
    site.invite_permission = InvitePermission.EVERYONE
    site.save()
    assert client_for(new_member).get(reverse("accounts:invites")).status_code == 200


def test_members_revoke_only_their_own_invites(client_for, member, other_member):
    invite, code = invites.create_invite(member)
    assert client_for(other_member).post(reverse("accounts:invite_revoke", args=[invite.pk])).status_code == 404
    assert invites.find_usable(code) is not None
    client_for(member).post(reverse("accounts:invite_revoke", args=[invite.pk]))
    assert invites.find_usable(code) is None
    page = client_for(member).get(reverse("accounts:invites")).text
    assert "Its code no longer works." in page
    assert reverse("accounts:invite_revoke", args=[invite.pk]) not in page


def test_revoking_an_invite_after_a_friend_joined_keeps_who_invited_them(invite_only, member, admin_user, give_totp, client_for):
    invite, code = invites.create_invite(member, uses=3)
    _join(code)
    friend = User.objects.get(username="friend")
    client_for(member).post(reverse("accounts:invite_revoke", args=[invite.pk]))
    friend.refresh_from_db()
    invite.refresh_from_db()
    assert friend.invite == invite and invite.inviter == member
    assert invite.uses_left == 0 and invite.expires_at <= timezone.now()
    assert invite.used_at is not None
    _client, refused = _join(code, username="latecomer")
    assert "This invite code cannot be used." in refused.text
    tree = client_for(give_totp(admin_user)).get(reverse("moderation:invite_tree", args=[member.pk])).text
    assert "<bdi>friend</bdi>" in tree


def test_a_revoked_invite_goes_under_the_invites_rule(invite_only, member):
    unused, _code = invites.create_invite(member)
    used, code = invites.create_invite(member, uses=2)
    _join(code)
    assert invites.revoke(unused) and invites.revoke(used)
    assert not invites.revoke(used)  # nothing left to stop
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        engine.run()
    assert list(Invite.objects.all()) == [used]  # the unused one went at the next run
    User.objects.filter(username="friend").update(last_login=timezone.now() + datetime.timedelta(days=170))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=181), tick=False):
        engine.run()
    assert not Invite.objects.exists()
    assert User.objects.get(username="friend").invite is None


def test_the_inviter_link_expires_under_its_rule(invite_only, member):
    _invite, code = invites.create_invite(member)
    _join(code)
    friend = User.objects.get(username="friend")
    assert friend.invite is not None
    User.objects.filter(pk=friend.pk).update(last_login=timezone.now() + datetime.timedelta(days=170))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=181), tick=False):
        engine.run()
    friend.refresh_from_db()
    assert friend.invite is None and not Invite.objects.exists()
