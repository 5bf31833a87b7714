"""The admin site: admins sign in through allauth (rate limits, second factor), and its
member forms refuse look-alike pseudonyms with a form error instead of a server error."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def admin_with_totp(admin_user):
    """An admin with a real TOTP authenticator; returns (admin, secret)."""
    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    return admin_user, secret


def test_the_admin_login_form_with_the_right_password_gives_no_admin_session(admin_with_totp, password):
    admin, _secret = admin_with_totp
    c = Client()
    response = c.post(reverse("admin:login"), {"username": admin.username, "password": password,
                                               "next": reverse("admin:index")})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in c.session
    assert c.get(reverse("admin:index")).status_code == 302
    assert c.get(reverse("admin:auth_group_changelist")).status_code == 302


def test_the_admin_login_sends_to_hearths_sign_in_with_the_page_asked_for(client):
    asked = reverse("admin:accounts_user_changelist")
    response = client.get(asked, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2F{asked[1:].replace('/', '%2F')}"
    assert f'value="{asked}"' in response.text  # the sign-in form carries the next page


def test_the_admin_login_ignores_a_next_page_on_another_site(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_an_admin_signing_in_needs_the_second_factor_before_the_admin(admin_with_totp, password):
    admin, secret = admin_with_totp
    c = Client()
    first = c.post(reverse("account_login"), {"login": admin.username, "password": password,
                                              "next": reverse("admin:index")})  # fmt: skip
    assert first["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in c.session
    assert c.get(reverse("admin:index")).status_code == 302
    second = c.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert second["Location"] == reverse("admin:index")
    assert c.get(reverse("admin:index")).status_code == 200


def test_an_admin_without_two_factor_signs_in_and_is_sent_to_set_it_up(admin_user, password):
    c = Client()
    c.post(reverse("account_login"), {"login": admin_user.username, "password": password})
    assert c.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_a_signed_in_admin_at_the_admin_login_goes_to_the_admin(client_for, admin_user, give_totp):
    response = client_for(give_totp(admin_user)).get(reverse("admin:login"))
    assert response["Location"] == reverse("admin:index")


def test_a_signed_in_member_at_the_admin_login_gets_404(client_for, member):
    assert client_for(member).get(reverse("admin:login")).status_code == 404


@pytest.fixture
def admin_client(client_for, admin_user, give_totp):
    return client_for(give_totp(admin_user))


def _add_form(username, password):
    return {"username": username, "password1": password, "password2": password, "usable_password": "true"}


def test_adding_a_look_alike_of_an_existing_pseudonym_in_the_admin_is_a_form_error(admin_client, user_factory, password):
    user_factory("will1")
    response = admin_client.post(reverse("admin:accounts_user_add"), _add_form("willl", password))
    assert response.status_code == 200
    assert "looks too much like one already in use" in response.text
    assert not User.objects.filter(username="willl").exists()


def test_renaming_a_member_to_a_look_alike_in_the_admin_is_a_form_error(admin_client, user_factory):
    user_factory("will1")
    other = user_factory("river")
    url = reverse("admin:accounts_user_change", args=[other.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = {"username": "will_1", "is_active": "on", "approved_post_count": "0",
            "suspended_until_0": "", "suspended_until_1": ""}  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "looks too much like one already in use" in response.text
    other.refresh_from_db()
    assert other.username == "river"


def test_an_admin_can_still_rename_a_member_to_a_free_pseudonym_or_keep_their_own(admin_client, user_factory):
    member = user_factory("river")
    url = reverse("admin:accounts_user_change", args=[member.pk])
    for name in ("river", "River", "brook"):
        response = admin_client.post(url, {"username": name, "is_active": "on"})
        assert response.status_code == 302, response.text[:2000]
        member.refresh_from_db()
        assert member.username == name


def test_create_user_refuses_a_look_alike_with_a_validation_error(user_factory):
    user_factory("will1")
    for look_alike in ("willl", "will_1", "WILL1", "wi11l"):
        with pytest.raises(ValidationError) as caught:
            User.objects.create_user(look_alike, "a long enough passphrase 42")
        assert caught.value.code == "username_confusable"
    assert User.objects.count() == 1


def test_the_admin_password_change_is_hearths_own(client_for, admin_user, give_totp):
    give_totp(admin_user)
    response = client_for(admin_user).get(reverse("admin:password_change"))
    assert response.status_code == 302 and response["Location"] == reverse("account_change_password")


def test_the_admin_site_has_no_email_addresses_to_show():
    from allauth.account.models import EmailAddress
    from django.contrib import admin

    assert not admin.site.is_registered(EmailAddress)
