"""List pages run a fixed number of queries, whatever their size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import actions
from forum.views import _Pages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def clients(still_clock, client_for, member, site):
    signed_in = client_for(member)
    signed_in.get("/")  # the first visit stamps the session's idle deadline; later ones do not
    return {"anonymous": client_for(None), "member": signed_in}


def _warm(client, url):
    """Visit `url` once: its first visit reads what the process keeps (accounts.copies)."""
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_board_page_query_count_does_not_grow_with_topics(
    clients, who, board, other_member, settings, django_assert_num_queries
):
    actions.create_topic(board, author=other_member, title="first", body="b")
    few = _queries(clients[who], board.get_absolute_url())
    for n in range(settings.HEARTH["TOPICS_PER_PAGE"] + 3):
        actions.create_topic(board, author=other_member,
                             title=f"t{n}", body="b")
    with django_assert_num_queries(few):
        clients[who].get(board.get_absolute_url())
    with django_assert_num_queries(few):
        clients[who].get(board.get_absolute_url() + "?page=2")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_topic_page_query_count_does_not_grow_with_posts(
    clients, who, board, other_member, user_factory, settings, django_assert_num_queries
):
    topic = actions.create_topic(board, author=other_member, title="t", body="b")
    _warm(clients[who], topic.get_absolute_url())
    few = _queries(clients[who], topic.get_absolute_url())
    authors = [user_factory() for _ in range(5)]
    for n in range(settings.HEARTH["POSTS_PER_PAGE"] + 3):
        actions.create_reply(topic, author=authors[n % 5], body=f"reply {n}")
    with django_assert_num_queries(few):
        clients[who].get(topic.get_absolute_url())
    with django_assert_num_queries(few):
        clients[who].get(topic.get_absolute_url() + "?page=2")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_board_index_query_count_does_not_grow_with_boards(
    clients, who, board_factory, django_assert_num_queries
):
    board_factory()
    few = _queries(clients[who], "/")
    for _ in range(10):
        board_factory()
    with django_assert_num_queries(few):
        clients[who].get("/")


def test_pinned_query_counts(clients, board, topic, django_assert_num_queries, monkeypatch):
    """The exact numbers, so a change that adds a query is noticed and justified."""
    # A page near an end is read in one query; a deep page is found on ids alone (the
    # page-order index), then its rows are read by id: one query more.
    # A board's topics and a topic's posts are counted by their counters, not their rows.
    # The site settings were read by an earlier page of this process (SiteSettings.load).
    with django_assert_num_queries(2):  # board, page
        clients["anonymous"].get(board.get_absolute_url())
    # A topic page's board comes from the process's copy of the boards (forum.boards).
    _warm(clients["anonymous"], topic.get_absolute_url())
    with django_assert_num_queries(2):  # topic, page
        clients["anonymous"].get(topic.get_absolute_url())
    with monkeypatch.context() as patch:
        patch.setattr(_Pages, "NEAR_ROWS", -1)  # every page found as a deep one is
        with django_assert_num_queries(3):  # board, page ids, page rows
            clients["anonymous"].get(board.get_absolute_url())
        with django_assert_num_queries(3):  # topic, page ids, page rows
            clients["anonymous"].get(topic.get_absolute_url())
    # A member adds the session, the member row, the boards they moderate, their own waiting
    # posts (for the count) and their unread moderator notices. The reply form's expiry
    # choices come from the process's copy of the retention rules, read by the first visit.
    _warm(clients["member"], topic.get_absolute_url())
    with django_assert_num_queries(7):
        clients["member"].get(topic.get_absolute_url())


def test_the_board_page_counts_topics_by_the_counter_and_a_members_own_waiting_ones(
    client_for, board, other_member, new_member, settings
):
    settings.HEARTH = {**settings.HEARTH, "TOPICS_PER_PAGE": 2}
    for n in range(4):
        actions.create_topic(board, author=other_member, title=f"t{n}", body="b")
    actions.create_topic(board, author=new_member, title="waiting", body="b")  # held: on probation
    assert "Page 1 of 2" in client_for(None).get(board.get_absolute_url()).text
    assert "Page 1 of 3" in client_for(new_member).get(board.get_absolute_url()).text
