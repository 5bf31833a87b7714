"""Bad input gets a clear answer, keeps what was typed, and writes nothing."""

import re
from unittest import mock

import pytest
from django.urls import reverse

from forum import actions
from forum.models import Board, Post, Topic

pytestmark = pytest.mark.django_db


def _counts(board):
    board.refresh_from_db()
    return Topic.objects.count(), Post.objects.count(), board.topic_count, board.post_count


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("", "A body that stays", "Please give the topic a title."),
        ("   ", "A body that stays", "Please give the topic a title."),
        ("A title that stays", "", "Please write something."),
        ("A title that stays", "  \n\t ", "Please write something."),
        ("x" * 151, "A body that stays", "Please keep the title under 150 characters (it has 151)."),
        ("A title that stays", "y" * 20_001, "Please keep a post under 20000 characters (it has 20001)."),
    ],
)
def test_new_topic_with_bad_input_keeps_the_text_and_writes_nothing(
    client_for, member, board, title, body, message
):
    before = _counts(board)
    response = client_for(member).post(
        reverse("forum:topic_create", args=[board.pk]), {"title": title, "body": body}
    )
    assert response.status_code == 200
    assert message in response.text
    for typed in (title.strip(), body.strip()):
        if typed and len(typed) < 200:
            assert typed in response.text
    if len(body) > 20_000:
        assert body in response.text
    assert 'aria-invalid="true"' in response.text
    assert _counts(board) == before


def test_bad_input_errors_are_translated(client_for, member, board):
    response = client_for(member).post(
        reverse("forum:topic_create", args=[board.pk]),
        {"title": "", "body": "Texte gardé"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
    assert "Texte gardé" in response.text


def test_reply_with_empty_body_keeps_nothing_and_says_why(client_for, other_member, topic):
    response = client_for(other_member).post(reverse("forum:reply_create", args=[topic.pk]), {"body": ""})
    assert response.status_code == 200
    assert "Please write something." in response.text
    assert topic.posts.count() == 1


def test_edit_with_oversized_body_keeps_the_typed_text_and_the_old_post(client_for, member, topic):
    post = topic.posts.get()
    typed = "z" * 20_001
    response = client_for(member).post(reverse("forum:post_edit", args=[post.pk]), {"body": typed})
    assert response.status_code == 200
    assert typed in response.text
    post.refresh_from_db()
    assert post.body == "Somewhere **quiet**."


@pytest.mark.parametrize(
    "payload",
    ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "{{ 7*7 }} {% debug %}"],
)
def test_injection_in_title_and_body_is_shown_as_text(client_for, member, board, payload):
    c = client_for(member)
    c.post(reverse("forum:topic_create", args=[board.pk]), {"title": payload, "body": payload})
    topic = Topic.objects.get()
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;")
    # The topic page, the board's list and search results (the lists written in Python).
    word = max(re.findall(r"[a-z]+", payload), key=len)  # something to search for
    for url in [topic.get_absolute_url(), board.get_absolute_url(), reverse("forum:search") + f"?q={word}"]:
        page = c.get(url).text
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert escaped in page, url  # the title, shown as the text that was typed


@pytest.mark.parametrize("page", ["abc", "99999", "-1", "0", "1.5", ""])
def test_odd_page_numbers_never_fail(client, topic, page):
    assert client.get(f"{topic.get_absolute_url()}?page={page}").status_code == 200
    assert client.get(f"{topic.board.get_absolute_url()}?page={page}").status_code == 200


def test_suspended_member_cannot_post_and_is_told_why(client_for, user_factory, board, topic):
    from django.utils import timezone

    suspended = user_factory("paused", suspended_until=timezone.now() + timezone.timedelta(days=3))
    c = client_for(suspended)
    response = c.post(reverse("forum:topic_create", args=[board.pk]), {"title": "t", "body": "b"})
    assert response.status_code == 403
    assert "suspended until" in response.text
    assert c.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "b"}).status_code == 403
    assert c.get(topic.get_absolute_url()).status_code == 200
    assert Post.objects.count() == 1


def test_a_failure_inside_an_action_writes_nothing(member, board):
    before = _counts(board)
    with mock.patch("forum.actions.Post.objects.create", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            actions.create_topic(board, author=member, title="Half", body="written")
    assert _counts(board) == before
    assert not Topic.objects.filter(title="Half").exists()
    member.refresh_from_db()


def test_a_failed_reply_leaves_counters_as_they_were(member, topic):
    board = Board.objects.get(pk=topic.board_id)
    before = _counts(board)
    with mock.patch("forum.actions.render_markdown", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            actions.create_reply(topic, author=member, body="lost")
    assert _counts(board) == before
    topic.refresh_from_db()
    assert topic.post_count == 1


def test_get_only_and_post_only_views_refuse_other_methods(client_for, member, topic):
    c = client_for(member)
    assert c.put(reverse("forum:reply_create", args=[topic.pk])).status_code == 405
    assert c.get(reverse("account_logout")).status_code in (200, 302)
