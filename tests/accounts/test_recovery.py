"""Recovery without email: codes shown once, stored hashed, single use, rate limited."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import recovery
from accounts.models import RecoveryCode

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase 77"


def _recover(client, code, username="member", password=NEW):
    return client.post(reverse("accounts:recover"), {
        "username": username, "code": code, "password1": password, "password2": password,
    })  # fmt: skip


def test_codes_are_stored_only_as_keyed_hashes(member):
    codes = recovery.regenerate(member)
    assert len(codes) == 8 and len(set(codes)) == 8
    stored = " ".join(RecoveryCode.objects.values_list("digest", flat=True))
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored


def test_a_new_member_is_offered_codes_right_after_joining(client, open_registration, password):
    response = client.post(reverse("account_signup"),
                           {"username": "fresh", "password1": password, "password2": password})  # fmt: skip
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = client.post(reverse("accounts:recovery_codes"), {"password": password})
    assert page.status_code == 200 and page.text.count("<code>") == 8


@pytest.mark.parametrize("codes_before", ["none yet", "all used"])
def test_making_codes_always_needs_the_password(client_for, member, password, codes_before):
    if codes_before == "all used":
        recovery.regenerate(member)
        RecoveryCode.objects.filter(user=member).delete()  # as if each had been used
    c = client_for(member)
    page = c.get(reverse("accounts:recovery_codes"))
    assert 'name="password"' in page.text
    for data in ({}, {"password": "not my password"}):
        refused = c.post(reverse("accounts:recovery_codes"), data)
        assert refused.status_code == 200 and "<code>" not in refused.text
        assert not RecoveryCode.objects.filter(user=member).exists()
    shown = c.post(reverse("accounts:recovery_codes"), {"password": password})
    assert shown.text.count("<code>") == 8
    assert RecoveryCode.objects.filter(user=member).count() == 8


def test_new_codes_later_need_the_password(client_for, member, password):
    recovery.regenerate(member)
    c = client_for(member)
    refused = c.post(reverse("accounts:recovery_codes"), {"password": "wrong"})
    assert "That is not your password." in refused.text and "<code>" not in refused.text
    shown = c.post(reverse("accounts:recovery_codes"), {"password": password})
    assert shown.text.count("<code>") == 8


def test_a_code_sets_a_new_password_once_and_ends_every_session(member, password):
    codes = recovery.regenerate(member)
    signed_in = Client()
    signed_in.post(reverse("account_login"), {"login": "member", "password": password})
    assert Session.objects.count() == 1
    response = _recover(Client(), codes[0].upper())
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert signed_in.get(reverse("accounts:account")).status_code == 302
    assert RecoveryCode.objects.filter(user=member).count() == 7
    again = _recover(Client(), codes[0], password="yet another passphrase 88")
    assert "do not fit together" in again.text


def test_wrong_pseudonym_and_wrong_code_get_the_same_answer(member):
    recovery.regenerate(member)
    wrong_code = _recover(Client(), "aaaa-bbbb-cccc-dddd")
    wrong_name = _recover(Client(), "aaaa-bbbb-cccc-dddd", username="nobody")
    for response in (wrong_code, wrong_name):
        assert response.status_code == 200
        assert "That pseudonym and code do not fit together." in response.text
        assert NEW not in response.text


def test_guessing_codes_is_rate_limited_per_account(member):
    recovery.regenerate(member)
    statuses = [_recover(Client(REMOTE_ADDR=f"203.0.113.{n}"), f"guess-{n}").status_code for n in range(7)]
    assert 429 in statuses
    member.refresh_from_db()
    assert not member.check_password(NEW)


# Nine spellings that all reach the account `member` (NFKC and case), none equal once lowered.
LOOK_ALIKE_SPELLINGS = ["member", "ｍember", "𝐦ember", "ｍｅｍｂｅｒ", "𝐦𝐞𝐦𝐛𝐞𝐫", "m𝐞mber",
                        "me𝐦ber", "mem𝐛er", "MEMBEＲ"]  # fmt: skip


def test_look_alike_spellings_of_a_pseudonym_share_one_guessing_limit(member):
    assert len({s.lower() for s in LOOK_ALIKE_SPELLINGS}) == 9
    recovery.regenerate(member)
    statuses = [_recover(Client(REMOTE_ADDR=f"203.0.113.{n}"), f"guess-{n}", username=spelling).status_code
                for n, spelling in enumerate(LOOK_ALIKE_SPELLINGS)]  # fmt: skip
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 4


def test_spellings_of_a_pseudonym_nobody_has_share_a_limit_too(db):
    spellings = ["nobody", "NOBODY", "ｎobody", "𝐧obody", "ｎｏｂｏｄｙ", "n𝐨body", "no𝐛ody", "nob𝐨dy", "nobod𝐲"]
    statuses = [_recover(Client(REMOTE_ADDR=f"203.0.113.{n}"), f"guess-{n}", username=spelling).status_code
                for n, spelling in enumerate(spellings)]  # fmt: skip
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 4


def test_the_guessing_limit_keeps_no_pseudonym_in_the_cache(member):
    from django.core.cache import cache

    _recover(Client(), "guess-1", username="ｍember")
    _recover(Client(), "guess-2", username="stranger")
    keys = " ".join(str(k) for k in cache._cache.keys())  # locmem in tests
    for name in ("member", "ｍember", "stranger"):
        assert name not in keys


def test_sign_in_page_points_to_recovery(client):
    assert reverse("accounts:recover") in client.get(reverse("account_login")).text


def test_the_page_says_how_many_codes_are_left(client_for, member):
    recovery.regenerate(member)
    assert "You have 8 unused codes." in client_for(member).get(reverse("accounts:recovery_codes")).text
