"""A visit leaves no address and no user agent anywhere: database, cache, logs."""

import logging

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
ADDRESS = "198.51.100.199"
FORWARDED = "203.0.113.201"
AGENT = "TrailTestAgent/9.9 (unique-7f3a)"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record) + repr(getattr(record, "__dict__", {})))


@pytest.fixture
def every_log_line():
    handler = _Collect()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    levels = {}
    for logger in loggers:
        logger.addHandler(handler)
        levels[logger] = logger.level
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger in loggers:
        logger.removeHandler(handler)
        logger.setLevel(levels[logger])


def _database_text() -> str:
    chunks = []
    for model in apps.get_models(include_auto_created=True):
        for row in model.objects.all().values_list():
            chunks.append(repr(row))
    return "\n".join(chunks)


def test_a_visit_leaves_no_address_or_user_agent_anywhere(every_log_line, board, topic, site):
    c = Client(REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=FORWARDED, HTTP_USER_AGENT=AGENT)
    password = "a long enough passphrase 42"
    c.post(reverse("account_signup"), {"username": "traveller", "password1": password, "password2": password})
    c.post(reverse("account_logout"))
    c.post(reverse("account_login"), {"login": "traveller", "password": "wrong one"})
    c.post(reverse("account_login"), {"login": "traveller", "password": password})
    c.post(reverse("forum:topic_create", args=[board.slug]), {"title": "hello", "body": "world"})
    c.post(reverse("reports:report_post", args=[topic.posts.get().pk]), {"reason": "spam"})
    c.get("/no-such-page/")
    c.get(reverse("forum:topic_detail", args=[999999]))
    stored = _database_text()
    cached = repr(list(cache._cache.keys())) + repr(list(cache._cache.values()))
    logged = "\n".join(every_log_line)
    for place, text in (("database", stored), ("cache", cached), ("logs", logged)):
        for secret in (ADDRESS, FORWARDED, AGENT, "unique-7f3a"):
            assert secret not in text, f"{secret} found in the {place}"
    assert "traveller" in stored  # the visit did write what it should


def test_gunicorn_keeps_no_access_log():
    import runpy
    from pathlib import Path

    from django.conf import settings

    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["accesslog"] is None
    assert "%(h)s" not in config.get("access_log_format", "")
