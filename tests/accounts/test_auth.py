"""Sign-up, sign-in and password change through django-allauth: pseudonym only."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_registration")]
PASSWORD = "a long enough passphrase 42"
SECRET_IP = "203.0.113.77"


def _signup(client, username, password=PASSWORD, password2=None, **extra):
    return client.post(
        reverse("account_signup"),
        {"username": username, "password1": password, "password2": password2 or password},
        **extra,
    )


def test_sign_up_with_a_pseudonym_and_password(client):
    response = _signup(client, "quietfox")
    assert response.status_code == 302
    user = User.objects.get(username="quietfox")
    assert user.check_password(PASSWORD)
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert isinstance(user.date_joined, datetime.date)
    assert not isinstance(user.date_joined, datetime.datetime)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_user_model_has_no_email_column():
    names = {f.name for f in get_user_model()._meta.get_fields()}
    assert not {"email", "first_name", "last_name"} & names


def test_sign_up_page_has_no_email_field_and_says_so(client):
    page = client.get(reverse("account_signup")).text
    assert 'name="email"' not in page
    assert "no email" in page.lower()
    assert '<label for="id_username"' in page


@pytest.mark.parametrize(
    ("taken", "wanted", "message"),
    [
        ("paul", "PAUL", "This pseudonym is taken"),
        ("paul", "pаul", "This pseudonym"),
        ("paul", "paul_", "looks too much like one already in use"),
        ("will1", "willl", "looks too much like one already in use"),
    ],
)
def test_sign_up_refuses_taken_and_look_alike_pseudonyms(client, user_factory, taken, wanted, message):
    user_factory(taken)
    response = _signup(client, wanted)
    assert response.status_code == 200
    assert message in response.text
    assert wanted in response.text  # what was typed is kept
    assert User.objects.count() == 1


@pytest.mark.parametrize("name", ["نور_الهدى", "Саша", "小明同学"])
def test_sign_up_accepts_names_in_other_scripts(client, name):
    assert _signup(client, name).status_code == 302
    assert User.objects.filter(username=name).exists()


@pytest.mark.parametrize("name", ["ab", "two words", "bad!name", "x" * 31])
def test_sign_up_refuses_malformed_pseudonyms(client, name):
    response = _signup(client, name)
    assert response.status_code == 200
    assert User.objects.count() == 0
    assert 'aria-invalid="true"' in response.text or "errors" in response.text


def test_sign_up_refuses_weak_and_mismatched_passwords(client):
    assert "too short" in _signup(client, "quietfox", "short").text
    assert _signup(client, "quietfox", PASSWORD, PASSWORD + "x").status_code == 200
    assert User.objects.count() == 0


def test_sign_in_with_pseudonym_any_case(client, member):
    response = client.post(reverse("account_login"), {"login": "MEMBER", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200


def test_sign_in_error_is_the_same_for_unknown_pseudonym_and_wrong_password(client, member):
    wrong = client.post(reverse("account_login"), {"login": "member", "password": "nope nope nope"})
    unknown = client.post(reverse("account_login"), {"login": "nobody", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 200

    def error(response):
        return response.text.split('role="alert"', 1)[1].split("</div>", 1)[0]

    assert error(wrong) == error(unknown)
    assert "The pseudonym or the password is not right." in wrong.text


def test_banned_member_cannot_sign_in(client, user_factory):
    user_factory("banned", is_active=False)
    response = client.post(reverse("account_login"), {"login": "banned", "password": PASSWORD})
    assert client.get(reverse("accounts:account")).status_code == 302
    assert response.status_code in (200, 302)


def test_failed_sign_ins_are_rate_limited_with_429(client, member):
    statuses = [
        client.post(reverse("account_login"), {"login": "member", "password": "wrong password x"},
                    REMOTE_ADDR=SECRET_IP).status_code
        for _ in range(8)
    ]  # fmt: skip
    assert statuses[0] == 200
    assert 429 in statuses
    blocked = client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Please slow down" in blocked.text


def test_rate_limit_cache_keys_hold_no_ip_address(client, member):
    for _ in range(3):
        client.post(
            reverse("account_login"),
            {"login": "member", "password": "wrong password x"},
            REMOTE_ADDR=SECRET_IP,
            HTTP_X_FORWARDED_FOR="198.51.100.23",
        )
        _signup(client, f"someone{_}", REMOTE_ADDR=SECRET_IP)
    keys = list(cache._cache.keys())  # locmem in tests
    assert any("allauth" in key for key in keys)
    for key in keys:
        assert SECRET_IP not in key and "198.51.100.23" not in key
        assert "203-0-113" not in key and "203.0.113" not in key


def test_database_cache_keys_hold_no_ip_address(client, member, settings):
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hearth_test_cache"}
    }
    call_command("createcachetable", "hearth_test_cache", verbosity=0)
    try:
        client.post(reverse("account_login"), {"login": "member", "password": "wrong password x"},
                    REMOTE_ADDR=SECRET_IP)
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key, value FROM hearth_test_cache")
            rows = cursor.fetchall()
        assert rows
        for key, value in rows:
            assert SECRET_IP not in key and SECRET_IP not in str(value)
    finally:
        caches["default"].clear()


def test_hashed_client_key_rotates_daily_and_is_not_the_address(rf):
    from accounts.adapter import hashed_client_key

    request = rf.get("/", REMOTE_ADDR=SECRET_IP)
    today = hashed_client_key(request, now=86400 * 100 + 5)
    assert today == hashed_client_key(request, now=86400 * 100 + 80000)
    assert today != hashed_client_key(request, now=86400 * 101 + 5)
    assert SECRET_IP not in today
    assert today != hashed_client_key(rf.get("/", REMOTE_ADDR="203.0.113.78"), now=86400 * 100 + 5)


@pytest.mark.parametrize(
    "url",
    ["/accounts/password/reset/", "/accounts/password/reset/done/", "/accounts/email/",
     "/accounts/confirm-email/", "/accounts/confirm-email/abc/",
     "/accounts/password/reset/key/1-set-password/", "/accounts/login/code/"],
)
def test_email_and_password_reset_routes_answer_404(client, member, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@example.org"}).status_code == 404
    client.force_login(member)
    assert client.post(url, {"email": "x@example.org"}).status_code == 404


def test_last_login_is_kept_to_the_day(client, member):
    client.post(reverse("account_login"), {"login": "member", "password": PASSWORD})
    member.refresh_from_db()
    assert member.last_login is not None
    assert (member.last_login.hour, member.last_login.minute, member.last_login.second) == (0, 0, 0)


def test_password_change(client_for, member):
    c = client_for(member)
    page = c.get(reverse("account_change_password"))
    assert page.status_code == 200
    assert '<label for="id_oldpassword"' in page.text
    response = c.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "another long passphrase 7",
         "password2": "another long passphrase 7"},
    )  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another long passphrase 7")


def test_sign_out_needs_a_post(client_for, member):
    c = client_for(member)
    assert c.post(reverse("account_logout")).status_code == 302
    assert c.get(reverse("accounts:account")).status_code == 302


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_entrance_pages_label_every_field(client, url_name):
    page = client.get(reverse(url_name)).text
    import re

    ids = re.findall(r'<input[^>]+type="(?:text|password)"[^>]+id="([^"]+)"', page)
    ids += re.findall(r'<input[^>]+id="([^"]+)"[^>]+type="(?:text|password)"', page)
    assert ids
    for field_id in ids:
        assert f'<label for="{field_id}"' in page, field_id
