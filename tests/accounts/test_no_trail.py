"""A visit leaves no address and no user agent anywhere (database, cache, logs), and the
times Hearth and its libraries store say no more than they must."""

import datetime
import logging

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import TOTP_SECRET

pytestmark = pytest.mark.django_db
ADDRESS = "198.51.100.199"
FORWARDED = "203.0.113.201"
AGENT = "TrailTestAgent/9.9 (unique-7f3a)"
PASSWORD = "a long enough passphrase 42"


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
    """Return every row of every table in the database, and the decoded session data."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    assert any("accounts_user" in t for t in connection.introspection.table_names())
    for session in Session.objects.all():  # signed and compressed: look inside
        chunks.append(repr(session.get_decoded()))
    return "\n".join(chunks)


@pytest.mark.parametrize("proxies", [0, 1], ids=["direct", "behind-a-proxy"])
def test_a_visit_leaves_no_address_or_user_agent_anywhere(every_log_line, board, topic, open_registration, settings, proxies):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies  # behind nginx, the forwarded address is used
    c = Client(REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=FORWARDED, HTTP_USER_AGENT=AGENT)
    password = "a long enough passphrase 42"
    c.post(reverse("account_signup"), {"username": "traveller", "password1": password, "password2": password})
    c.post(reverse("account_logout"))
    c.post(reverse("account_login"), {"login": "traveller", "password": "wrong one"})
    c.post(reverse("account_login"), {"login": "traveller", "password": password})
    c.post(reverse("forum:topic_create", args=[board.pk]), {"title": "hello", "body": "world"})
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


PROBE_APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _raw_request(port: int, payload: bytes) -> bytes:
    import socket
    import time

    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(payload)
                chunks = []
                while chunk := s.recv(65536):
                    chunks.append(chunk)
                return b"".join(chunks)
        except ConnectionRefusedError:  # gunicorn is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_gunicorn_with_hearths_config_writes_no_address_or_agent(tmp_path):
    """Run gunicorn for real: a normal request and a malformed one leave no address in its output."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    (tmp_path / "probe_app.py").write_text(PROBE_APP)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "DJANGO_"))}
    env.update(HEARTH_BIND=f"127.0.0.1:{port}", HEARTH_WORKERS="1")
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(Path(settings.BASE_DIR) / "gunicorn.conf.py"),
         "--pythonpath", str(tmp_path), "probe_app:app"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        normal = _raw_request(port, (
            f"GET /topics/1/ HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: {FORWARDED}\r\n"
            f"User-Agent: {AGENT}\r\nConnection: close\r\n\r\n"
        ).encode())  # fmt: skip
        broken = _raw_request(port, b"\x16\x03 not http at all\r\n\r\n")
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert normal.startswith(b"HTTP/1.1 200") and broken.startswith(b"HTTP/1.1 400")
    log.seek(0)
    output = log.read()
    assert "Invalid request from ip=[address]" in output  # gunicorn did log, without the address
    for secret in ("127.0.0.1", FORWARDED, AGENT, "unique-7f3a", "/topics/1/"):
        assert secret not in output, f"{secret} in gunicorn's output"


# Stored times say no more than they must ------------------------------------------------

ODD_MOMENT = datetime.datetime(2026, 3, 4, 10, 17, 23, 456789, tzinfo=datetime.UTC)


def test_a_sessions_stored_end_is_rounded_up_to_the_whole_hour(member, password, settings):
    from django.contrib.sessions.models import Session

    with time_machine.travel(ODD_MOMENT, tick=False):
        c = Client()
        c.post(reverse("account_login"), {"login": "member", "password": password})
        session = Session.objects.get()
    expected = datetime.datetime(2026, 3, 18, 11, 0, tzinfo=datetime.UTC)  # 14 days, next whole hour
    assert session.expire_date == expected
    assert expected - ODD_MOMENT >= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_a_session_whose_end_falls_on_the_hour_is_not_lengthened():
    from accounts.sessions import next_whole_hour

    whole = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)
    assert next_whole_hour(whole) == whole
    assert next_whole_hour(whole + datetime.timedelta(microseconds=1)) == whole + datetime.timedelta(hours=1)


def test_a_second_factor_keeps_only_the_day_it_was_set_up_and_last_used(member):
    from allauth.mfa.models import Authenticator

    with time_machine.travel(ODD_MOMENT, tick=False):
        authenticator = Authenticator.objects.create(user=member, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
        authenticator.record_usage()
    authenticator.refresh_from_db()
    midnight = datetime.datetime(2026, 3, 4, tzinfo=datetime.UTC)
    assert authenticator.created_at == midnight
    assert authenticator.last_used_at == midnight


def test_an_invites_last_use_is_kept_to_the_day_like_the_join_date(member, site):
    from accounts import invites
    from accounts.models import Invite, User

    site.registration_mode = "invite"
    site.save()
    invite, code = invites.create_invite(member)
    with time_machine.travel(ODD_MOMENT, tick=False):
        Client().post(reverse("account_signup"), {"username": "friend", "password1": PASSWORD,
                                                  "password2": PASSWORD, "invite": code})  # fmt: skip
    invite = Invite.objects.get(pk=invite.pk)
    assert User.objects.get(username="friend").invite == invite
    assert invite.used_at == datetime.datetime(2026, 3, 4, tzinfo=datetime.UTC)


def test_every_key_a_signed_in_session_holds_is_in_the_inventory(admin_user, password):
    """Sign in with a password and a second factor, then read what the session stores."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
    from django.conf import settings
    from django.contrib.sessions.models import Session

    secret = generate_totp_secret()
    TOTP.activate(admin_user, secret)
    c = Client()
    c.post(reverse("account_login"), {"login": admin_user.username, "password": password})
    keys = {k for s in Session.objects.all() for k in s.get_decoded()}
    c.post(reverse("mfa_authenticate"), {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
    c.get("/")
    keys |= {k for s in Session.objects.all() for k in s.get_decoded()}
    assert "account_authentication_methods" in keys and "_auth_user_id" in keys
    inventory = (settings.BASE_DIR / "docs" / "data-inventory.md").read_text(encoding="utf-8")
    row = next(line for line in inventory.split("### `django_session`", 1)[1].splitlines()
               if line.startswith("| session_data"))  # fmt: skip
    missing = sorted(k for k in keys if f"`{k}`" not in row)
    assert not missing, f"describe these session keys in docs/data-inventory.md: {missing}"
