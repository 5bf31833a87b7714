"""A topic page reads its board from the process's copy; writes and counters read the row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import copies
from forum import boards
from forum.models import Board, Post, Status, Topic, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(board, topic, monkeypatch):
    """The board and topic (taken as committed by board_factory), and a clock the test moves."""
    now = [1000.0]
    monkeypatch.setattr(copies, "FRESH_SECONDS", 5.0)
    monkeypatch.setattr(copies.time, "monotonic", lambda: now[0])
    return now


def _board_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if 'FROM "forum_board"' in q["sql"]]


def test_the_boards_are_read_once_and_a_change_saved_here_shows_at_once(
    client_for, board, topic, settled, django_capture_on_commit_callbacks
):
    visitor = client_for(None)
    response, read = _board_queries(visitor, topic.get_absolute_url())
    assert response.status_code == 200 and len(read) == 1
    response, read = _board_queries(visitor, topic.get_absolute_url())
    assert response.status_code == 200 and read == []
    assert f">{board.name}</a></nav>" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        board.name = "Safe places"
        board.save()
    assert ">Safe places</a></nav>" in visitor.get(topic.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        board.visibility = Visibility.MEMBERS
        board.save()
    assert visitor.get(topic.get_absolute_url()).status_code == 404


def test_a_change_made_by_another_process_shows_within_the_freshness_limit(
    client_for, board, topic, settled
):
    visitor = client_for(None)
    assert visitor.get(topic.get_absolute_url()).status_code == 200
    Board.objects.filter(pk=board.pk).update(visibility=Visibility.MEMBERS)  # no signal
    settled[0] += 5.0
    assert visitor.get(topic.get_absolute_url()).status_code == 404


def test_a_board_made_by_another_process_is_found_at_once(client_for, board, topic, member, settled):
    visitor = client_for(None)
    assert visitor.get(topic.get_absolute_url()).status_code == 200
    [new] = Board.objects.bulk_create([Board(slug="new", name="New", visibility=Visibility.PUBLIC)])
    [moved] = Topic.objects.bulk_create([Topic(board=new, title="Elsewhere", author=member)])
    Post.objects.bulk_create([Post(topic=moved, author=member, body="b", body_html="<p>b</p>")])
    page = visitor.get(moved.get_absolute_url())
    assert page.status_code == 200 and ">New</a></nav>" in page.text


def test_a_copy_is_the_callers_own_and_reads_its_counters_from_the_row(board, settled):
    first = boards.board_as_set(board.pk)
    first.name = "changed by a caller"
    assert boards.board_as_set(board.pk).name == board.name
    Board.objects.filter(pk=board.pk).update(topic_count=41)
    with CaptureQueriesContext(connection) as queries:
        assert boards.board_as_set(board.pk).topic_count == 41
    assert len(queries.captured_queries) == 1  # the deferred counter, read afresh
    assert boards.board_as_set(987654) is None


def test_a_reply_reads_the_boards_row_not_the_copy(client_for, board, topic, other_member, settled):
    c = client_for(other_member)
    c.post(f"/topics/{topic.pk}/reply/", {"body": "Shown at once"})
    assert Post.objects.get(body="Shown at once").status == Status.VISIBLE
    assert c.get(topic.get_absolute_url()).status_code == 200  # the copy holds the board
    Board.objects.filter(pk=board.pk).update(requires_approval=True)  # no signal: as elsewhere
    c.post(f"/topics/{topic.pk}/reply/", {"body": "Held, as the board now says"})
    assert Post.objects.get(body="Held, as the board now says").status == Status.HELD
