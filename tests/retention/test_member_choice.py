"""Members may choose a sooner end for what they write; the board's rule is the upper bound."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import copies
from accounts.timeutil import coarse_now
from forum.models import Post, Topic
from retention.models import BoardRetention, ExpiryChoice, Kind, RetentionRule

pytestmark = pytest.mark.django_db


def test_new_topic_form_offers_the_allowed_choices(client_for, member, board):
    page = client_for(member).get(reverse("forum:topic_create", args=[board.pk])).text
    assert 'name="expires_in"' in page
    for days in (1, 7, 30):
        assert f'value="{days}"' in page


@time_machine.travel(datetime.datetime(2026, 5, 4, 10, 37, 12, tzinfo=datetime.UTC), tick=False)
def test_choosing_a_day_sets_the_end_of_the_topic_and_its_post(client_for, member, board):
    client_for(member).post(reverse("forum:topic_create", args=[board.pk]),
                            {"title": "brief", "body": "gone tomorrow", "expires_in": "1"})  # fmt: skip
    topic = Topic.objects.get()
    expected = coarse_now() + datetime.timedelta(days=1)
    assert topic.expires_at == expected  # to the hour: an exact end would date the post
    assert (topic.expires_at.minute, topic.expires_at.second, topic.expires_at.microsecond) == (0, 0, 0)
    assert topic.posts.get().expires_at == topic.expires_at


def test_a_reply_can_choose_its_own_end(client_for, other_member, topic):
    client_for(other_member).post(reverse("forum:reply_create", args=[topic.pk]),
                                  {"body": "short-lived", "expires_in": "7"})  # fmt: skip
    assert Post.objects.get(body="short-lived").expires_at is not None
    topic.refresh_from_db()
    assert topic.expires_at is None


def test_choices_at_or_past_the_boards_rule_are_not_offered_or_accepted(client_for, member, board):
    BoardRetention.objects.create(board=board, days=7)
    c = client_for(member)
    page = c.get(reverse("forum:topic_create", args=[board.pk])).text
    assert 'value="1"' in page and 'value="7"' not in page and 'value="30"' not in page
    response = c.post(reverse("forum:topic_create", args=[board.pk]),
                      {"title": "t", "body": "kept text", "expires_in": "30"})  # fmt: skip
    assert response.status_code == 200
    assert "Please pick one of the offered choices." in response.text
    assert "kept text" in response.text
    assert not Topic.objects.exists()


def test_no_choices_no_field(client_for, member, board):
    ExpiryChoice.objects.all().delete()
    page = client_for(member).get(reverse("forum:topic_create", args=[board.pk])).text
    assert 'name="expires_in"' not in page


def test_the_topic_form_says_replies_go_with_the_topic(client_for, member, board, topic):
    c = client_for(member)
    assert "with every reply in it" in c.get(reverse("forum:topic_create", args=[board.pk])).text
    assert "with every reply in it" not in c.get(reverse("forum:reply_create", args=[topic.pk])).text


def _offered(client, board):
    page = client.get(reverse("forum:topic_create", args=[board.pk])).text
    return [int(days) for days in re.findall(r'<option value="(\d+)"', page)]


def test_the_rules_are_read_once_per_process_and_a_change_saved_here_shows_at_once(
    client_for, member, board, board_factory
):
    c = client_for(member)
    assert _offered(c, board) == [1, 7, 30]
    with CaptureQueriesContext(connection) as queries:
        assert _offered(c, board) == [1, 7, 30]
    assert not [q for q in queries.captured_queries if "retention_" in q["sql"]]
    own = BoardRetention.objects.create(board=board, days=7)
    assert _offered(c, board) == [1]
    assert _offered(c, board_factory()) == [1, 7, 30]  # the other boards keep the site's rule
    own.days = 31
    own.save()
    assert _offered(c, board) == [1, 7, 30]
    own.delete()
    rule = RetentionRule.for_kind(Kind.POSTS)
    rule.days = 20
    rule.save()
    assert _offered(c, board) == [1, 7]
    ExpiryChoice.objects.create(days=14)
    assert _offered(c, board) == [1, 7, 14]
    ExpiryChoice.objects.filter(days=1).delete()
    assert _offered(c, board) == [7, 14]


def test_a_change_made_by_another_process_shows_within_the_freshness_limit(
    client_for, member, board, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(copies, "FRESH_SECONDS", 5.0)
    monkeypatch.setattr(copies.time, "monotonic", lambda: now[0])
    c = client_for(member)
    assert _offered(c, board) == [1, 7, 30]
    ExpiryChoice.objects.filter(days=30).update(days=60)  # no signal: as if another process
    assert _offered(c, board) == [1, 7, 30]
    now[0] += 5.0
    assert _offered(c, board) == [1, 7, 60]
