"""Posting is rate limited per member. Where the cache is the database (the default set-up),
a use is counted in the same transaction as the post it lets through."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import ratelimit
from forum import actions
from forum.models import Post

pytestmark = pytest.mark.django_db


def _reply(client, topic, n):
    return client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": f"reply number {n}"})


def test_the_seventh_reply_in_a_minute_is_refused_and_not_stored(client_for, member, topic):
    client = client_for(member)
    assert [_reply(client, topic, n).status_code for n in range(6)] == [302] * 6
    refused = _reply(client, topic, 6)
    assert refused.status_code == 429
    assert not Post.objects.filter(body="reply number 6").exists()


def test_a_reply_that_fails_uses_up_nothing(database_cache, client_for, member, topic, monkeypatch):
    client = client_for(member)
    real = actions.create_reply

    def failing(*args, **kwargs):
        raise RuntimeError("the write failed")

    monkeypatch.setattr(actions, "create_reply", failing)
    for n in range(3):
        with pytest.raises(RuntimeError):
            _reply(client, topic, n)
    monkeypatch.setattr(actions, "create_reply", real)
    assert [_reply(client, topic, n).status_code for n in range(6)] == [302] * 6  # all six still there


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="one writer at a time on SQLite only")
def test_a_use_of_a_limit_is_one_write_transaction_on_the_database_cache(database_cache, member):
    request = RequestFactory().post("/")
    request.user = member
    with CaptureQueriesContext(connection) as context:
        assert ratelimit.is_allowed(request, "post")  # two rates, each locked, read, set, unlocked
    begins = [q["sql"] for q in context.captured_queries if q["sql"].startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
