"""Neutral mode: tabs, history and the page show only a neutral name."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def neutral(site):
    site.neutral_mode = True
    site.neutral_name = "Recipes & Notes"
    site.save()
    return site


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_page_titles_are_the_neutral_name_only(client_for, member, topic, neutral):
    c = client_for(member)
    pages = [(c, url) for url in ("/", topic.board.get_absolute_url(), topic.get_absolute_url(),
                                  reverse("accounts:account"), "/missing/")]
    pages += [(client_for(None), url) for url in (reverse("account_login"), reverse("account_signup"))]
    for client, url in pages:
        page = client.get(url).text
        assert _title(page) == "Recipes &amp; Notes", url
        assert "Hearth" not in page, url
    assert "Where to meet" not in _title(c.get(topic.get_absolute_url()).text)


def test_addresses_carry_no_names(client, topic, neutral):
    page = client.get(topic.board.get_absolute_url()).text
    for href in re.findall(r'href="(/[^"]*)"', page):
        assert topic.board.slug not in href and "where-to-meet" not in href


def test_without_neutral_mode_titles_name_the_page(client, topic, site):
    assert _title(client.get(topic.get_absolute_url()).text) == "Where to meet · Hearth"
