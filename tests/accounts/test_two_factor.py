"""Two-factor set-up names the site as pages do: authenticator apps show the neutral name in neutral mode."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.mfa.adapter import get_adapter
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _issuer(user):
    url = get_adapter().build_totp_url(user, "JBSWY3DPEHPK3PXP")
    return parse_qs(urlparse(url).query)["issuer"][0], url


def test_authenticator_apps_show_the_site_name(moderator, site):
    site.site_name = "Harbour"
    site.save()
    issuer, _url = _issuer(moderator)
    assert issuer == "Harbour"


def test_in_neutral_mode_authenticator_apps_show_only_the_neutral_name(moderator, site):
    site.neutral_mode = True
    site.neutral_name = "Garden Club"
    site.save()
    issuer, url = _issuer(moderator)
    assert issuer == "Garden Club"
    assert "Hearth" not in url and site.site_name not in url


def test_the_set_up_page_in_neutral_mode_never_names_the_site(client, moderator, password, site):
    site.neutral_mode = True
    site.save()
    client.post(reverse("account_login"), {"login": moderator.username, "password": password})
    client.post(reverse("account_reauthenticate"), {"password": password, "next": reverse("mfa_activate_totp")})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    issuer = parse_qs(urlparse(page.context["totp_url"]).query)["issuer"][0]
    assert issuer == site.neutral_title  # what the QR code tells the app
    assert "Hearth" not in page.text and "Hearth" not in page.context["totp_url"]
