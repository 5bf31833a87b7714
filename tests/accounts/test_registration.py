"""Registration by approval (the default): newcomers wait for a moderator."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RegistrationMode, SiteSettings, User
from moderation.models import LogEntry

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


def _join(client, answer="A friend from the Thursday group told me."):
    return client.post(reverse("account_signup"), {
        "username": "newcomer", "password1": PASSWORD, "password2": PASSWORD, "answer": answer,
    })  # fmt: skip


def test_a_new_site_registers_by_approval(db):
    assert SiteSettings.load().registration_mode == RegistrationMode.APPROVAL


def test_sign_up_asks_the_admins_question(client, site):
    site.approval_question = "Which group sent you?"
    site.save()
    page = client.get(reverse("account_signup")).text
    assert "Which group sent you?" in page and 'name="answer"' in page


def test_the_answer_is_required_and_length_limited_and_kept_on_error(client, site):
    response = _join(client, answer="")
    assert "Please answer the question." in response.text
    long = "x" * 501
    response = _join(client, answer=long)
    assert "under 500 characters" in response.text and long in response.text
    assert not User.objects.exists()


def test_a_newcomer_waits_and_cannot_sign_in(client, site):
    response = _join(client, answer="<script>alert(1)</script> hello\x07")
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.approval_pending and not user.is_active
    assert user.approval_answer == "<script>alert(1)</script> hello"
    c = Client()
    page = c.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD}, follow=True)
    assert "Not open yet" in page.text  # only with the right password: no enumeration
    assert c.get(reverse("accounts:account")).status_code == 302


def test_open_mode_lets_newcomers_in_at_once(client, open_registration):
    page = client.get(reverse("account_signup")).text
    assert 'name="answer"' not in page
    _join(client)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_the_queue_shows_newcomers_with_their_answer_escaped(client_for, mod, site):
    _join(Client(), answer="<b>hi</b> from the coast")
    page = client_for(mod).get(reverse("moderation:queue")).text
    assert "Waiting to join" in page
    assert "&lt;b&gt;hi&lt;/b&gt; from the coast" in page


def test_a_moderator_lets_a_newcomer_in(client_for, mod, site):
    _join(Client())
    user = User.objects.get(username="newcomer")
    response = client_for(mod).post(
        reverse("moderation:signup_action", args=[user.pk, "approve"]), {f"signup-{user.pk}-reason": "vouched"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and not user.approval_pending
    c = Client()
    c.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD})
    assert c.get(reverse("accounts:account")).status_code == 200
    assert LogEntry.objects.get().action == "approve_signup"


def test_a_moderator_refuses_a_newcomer_and_the_account_is_deleted(client_for, mod, site):
    _join(Client())
    user = User.objects.get(username="newcomer")
    client_for(mod).post(reverse("moderation:signup_action", args=[user.pk, "refuse"]),
                         {f"signup-{user.pk}-reason": "unknown to everyone"})  # fmt: skip
    assert not User.objects.filter(username="newcomer").exists()
    entry = LogEntry.objects.get()
    assert (entry.action, entry.target_member_name) == ("refuse_signup", "newcomer")


def test_deciding_needs_a_reason_and_a_global_moderator(client_for, mod, board_mod, site):
    _join(Client())
    user = User.objects.get(username="newcomer")
    url = reverse("moderation:signup_action", args=[user.pk, "approve"])
    client_for(mod).post(url, {f"signup-{user.pk}-reason": ""})
    user.refresh_from_db()
    assert user.approval_pending
    assert client_for(board_mod).post(url, {f"signup-{user.pk}-reason": "x"}).status_code == 404
    assert "newcomer" not in client_for(board_mod).get(reverse("moderation:queue")).text


def test_deciding_twice_changes_nothing(client_for, mod, site):
    _join(Client())
    user = User.objects.get(username="newcomer")
    url = reverse("moderation:signup_action", args=[user.pk, "approve"])
    client_for(mod).post(url, {f"signup-{user.pk}-reason": "ok"})
    response = client_for(mod).post(url, {f"signup-{user.pk}-reason": "again"}, follow=True)
    assert response.status_code in (200, 404)
    assert LogEntry.objects.count() == 1


def test_an_approved_newcomers_first_sign_in_lands_on_the_recovery_codes_page(client_for, mod, site):
    from moderation import actions as moderation_actions

    _join(Client())
    newcomer = User.objects.get(username="newcomer")
    moderation_actions.approve_signup(newcomer, actor=mod, reason="vouched")
    c = Client()
    response = c.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:recovery_codes")
    page = c.get(response["Location"])
    assert "You have no recovery codes." in page.text
    made = c.post(reverse("accounts:recovery_codes"), {"password": PASSWORD})
    assert made.text.count("<code>") == 8
    c.post(reverse("account_logout"))
    again = c.post(reverse("account_login"), {"login": "newcomer", "password": PASSWORD})
    assert again["Location"] == reverse("forum:board_index")


def test_a_member_who_used_every_code_is_asked_to_make_new_ones_at_sign_in(client, member):
    from accounts import recovery
    from accounts.models import RecoveryCode

    recovery.regenerate(member)
    assert client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})["Location"] == "/"
    client.post(reverse("account_logout"))
    RecoveryCode.objects.filter(user=member).delete()  # as if each had been used
    response = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:recovery_codes")
