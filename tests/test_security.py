"""Security headers on every response, CSRF on every POST, nothing from another origin."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _pages(topic):
    return ["/", topic.board.get_absolute_url(), topic.get_absolute_url(), "/no-such-page/",
            "/topics/999999/", reverse("account_login"), reverse("account_signup")]  # fmt: skip


def assert_protective_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    # No referrer to other sites; same-origin forms keep their Origin (CSRF needs it).
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_anonymous_pages_carry_every_protective_header(client, topic):
    for url in _pages(topic):
        assert_protective_headers(client.get(url))


def test_static_files_carry_every_protective_header_and_are_not_open_to_other_sites(client):
    response = client.get(f"/{settings.STATIC_URL.strip('/')}/css/hearth.css")
    assert response.status_code == 200
    assert type(response).__name__ == "WhiteNoiseFileResponse"  # served before the middleware
    assert_protective_headers(response)
    assert "Access-Control-Allow-Origin" not in response
    assert "no-store" not in response["Cache-Control"]  # the same for everyone: may be cached


def test_member_pages_carry_every_header_and_are_never_stored(client_for, member, topic):
    c = client_for(member)
    for url in [*_pages(topic)[:5], reverse("accounts:account")]:
        response = c.get(url)
        assert_protective_headers(response)
        assert "no-store" in response["Cache-Control"], url


def test_error_pages_carry_the_headers(client_for, other_member, topic):
    c = client_for(other_member)
    forbidden = c.get(reverse("forum:post_edit", args=[topic.posts.get().pk]))
    assert forbidden.status_code == 403
    assert_protective_headers(forbidden)


def test_post_without_csrf_token_is_refused_with_a_clear_page(member, topic):
    c = Client(enforce_csrf_checks=True)
    c.force_login(member)
    response = c.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "no token"})
    assert response.status_code == 403
    assert "Please try again" in response.text
    assert topic.posts.count() == 1
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("account_login"), {"login": "x", "password": "y"}).status_code == 403


def test_every_form_posts_with_a_csrf_token(client_for, member, topic):
    c = client_for(member)
    for url in [topic.get_absolute_url(), reverse("forum:topic_create", args=[topic.board.pk]),
                reverse("account_change_password"), "/"]:  # fmt: skip
        page = c.get(url).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S | re.I)
        assert forms, url
        for form in forms:
            assert "csrfmiddlewaretoken" in form, (url, form[:80])


def test_no_template_or_stylesheet_loads_from_another_origin():
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static"]
    pattern = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//|url\(\s*["']?(https?:)?//|@import""", re.I)
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in {".html", ".css", ".js", ".txt"}:
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if pattern.search(line):
                        offenders.append(f"{path}:{number}")
    assert not offenders


def test_pages_set_lang_and_dir(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").text
    assert '<html lang="ar" dir="rtl">' in page
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="de").text
    assert '<html lang="de" dir="ltr">' in page


def test_stylesheet_uses_logical_properties_only():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "hearth.css").read_text()
    physical = re.findall(
        r"(?<![-\w])(margin|padding|border)-(left|right|top|bottom)\b|(?<![-\w])(left|right)\s*:|text-align:\s*(left|right)|float:\s*(left|right)",
        css,
    )
    assert not physical


def test_templates_never_mark_text_safe():
    offenders = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b|{%\s*autoescape\s+off", text):
            offenders.append(str(path))
    assert not offenders


def test_every_test_the_threat_model_names_exists():
    """`tests/x.py::test_y` and the short `::test_z` (same file as the one before) must exist."""
    doc = (Path(settings.BASE_DIR) / "docs" / "threat-model.md").read_text(encoding="utf-8")
    missing, current = [], None
    for path, name in re.findall(r"`(tests/[\w/]+\.py)?(?:::(\w+))?", doc):
        if path:
            current = Path(settings.BASE_DIR) / path
            if not current.exists():
                missing.append(path)
                continue
        if name and (current is None or not re.search(rf"def {name}\(", current.read_text(encoding="utf-8"))):
            missing.append(f"{current}::{name}")
    assert not missing, f"docs/threat-model.md names tests that do not exist: {missing}"
