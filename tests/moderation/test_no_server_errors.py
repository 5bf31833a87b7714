"""No 500 for anything a user can send: junk to every URL, as every role."""

import pytest
from django.test import Client

from .test_access_matrix import ROLES, expectations, world  # noqa: F401 - `world` is a fixture

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {"body": "x" * 30_000, "title": "y" * 500, "reason": "z" * 5000, "note": "n" * 5000},
    {"body": "\x00\x01\ufffd<script>", "page": "-1", "days": "1e9", "uses": "NaN", "board": "abc",
     "action": "nonsense", "reason": "r", "content": "other", "expires_in": "99999",
     "hide-reason": "r", "move-board": "999999", "suspend-days": "-5", "suspend-reason": "r"},
    {"username": "ab", "password1": "x", "password2": "y", "answer": "\x00", "invite": "\x00",
     "code": "'; drop table x; --", "login": "nobody", "password": ""},
]


def test_junk_posted_anywhere_never_gives_a_server_error(world):  # noqa: F811
    users = world["users"]
    clients = {role: Client(raise_request_exception=False) for role in ROLES}
    errors = []
    urls = {(name, visit.url) for name, visits in expectations(world).items() for visit in visits}
    for name, url in sorted(urls):
        for role in ROLES:
            client = clients[role]
            if role in users and "_auth_user_id" not in client.session:
                client.force_login(users[role])  # again, after a sign-out route signed them out
            for data in JUNK:
                response = client.post(url, data)
                if response.status_code >= 500:
                    errors.append(f"{name} {url} as {role} with {sorted(data)}: {response.status_code}")
            query = client.get(url, {"page": "x" * 300, "q": "\x00", "next": "//evil.example"})
            if query.status_code >= 500:
                errors.append(f"{name} {url} GET junk as {role}: {query.status_code}")
    assert not errors, "\n".join(errors[:20])
