"""Every query of the busiest pages uses an index, on SQLite and on PostgreSQL.

The database is asked for its plan of each query a page runs (SQLite's EXPLAIN QUERY PLAN;
PostgreSQL's EXPLAIN with sequential scans priced out, so a scan in the plan means no index
could serve). Only tables that stay small by nature (a handful of boards, one row of site
settings) may be read whole.
"""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from forum import actions

pytestmark = pytest.mark.django_db

# Tables an admin fills by hand, a few rows each: reading them whole costs nothing.
SMALL_TABLES = {
    "accounts_sitesettings", "forum_board", "forum_board_moderators", "retention_expirychoice",
    "retention_retentionrule", "retention_boardretention", "django_content_type",
}  # fmt: skip
BIG_TABLES = ("forum_post", "forum_topic", "accounts_user")


class Recorder:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and not many:
            self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _sqlite_problems(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        details = [row[3] for row in cursor.fetchall()]
    problems = []
    for detail in details:
        scan = re.match(r"SCAN (\w+)", detail)
        if scan and scan.group(1) not in SMALL_TABLES and "INDEX" not in detail and "VIRTUAL TABLE" not in detail:
            problems.append(detail)
        if "TEMP B-TREE FOR ORDER BY" in detail and any(t in sql for t in BIG_TABLES):
            problems.append(detail)
    return problems


def _postgres_problems(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    problems = []

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") not in SMALL_TABLES:
            problems.append(f"Seq Scan on {node.get('Relation Name')}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return problems


def _unindexed(client, url, method="get", data=None):
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    explain = _postgres_problems if connection.vendor == "postgresql" else _sqlite_problems
    found = {}
    for sql, params in recorder.queries:
        problems = explain(sql, params)
        if problems:
            found[sql[:300]] = problems
    return found


@pytest.fixture
def pages(board_factory, member, other_member, mod, client_for):
    board = board_factory("busy")
    for n in range(30):
        actions.create_topic(board, author=other_member, title=f"Evening library {n}", body=f"library talk {n}")
    topic = actions.create_topic(board, author=other_member, title="Long one", body="first")
    for n in range(45):
        actions.create_reply(topic, author=member if n % 2 else other_member, body=f"reply {n} about the library")
    signed_in = client_for(member)
    signed_in.get("/")
    moderator = client_for(mod)
    moderator.get("/")
    # Pages in the second half are read backwards (forum.views._Pages): the board's page 2
    # of 2 and the topic's pages 2 and 3 of 3.
    return {
        "board index": (reverse("forum:board_index"), "get", None),
        "board page": (board.get_absolute_url(), "get", None),
        "board, last page": (board.get_absolute_url() + "?page=2", "get", None),
        "topic, first page": (topic.get_absolute_url(), "get", None),
        "topic, middle page": (topic.get_absolute_url() + "?page=2", "get", None),
        "topic, last page": (topic.get_absolute_url() + "?page=3", "get", None),
        "search": (reverse("forum:search"), "get", {"q": "library"}),
        "search, short and long words": (reverse("forum:search"), "get", {"q": "of library"}),
        "post a reply": (reverse("forum:reply_create", args=[topic.pk]), "post", {"body": "one more"}),
    }, signed_in, client_for(None), moderator


@pytest.mark.parametrize("page", ["board index", "board page", "board, last page", "topic, first page",
                                  "topic, middle page", "topic, last page", "search",
                                  "search, short and long words", "post a reply"])  # fmt: skip
def test_every_query_of_the_page_uses_an_index(pages, page):
    urls, member_client, anonymous, moderator = pages
    url, method, data = urls[page]
    clients = [member_client] if page.startswith(("search", "post")) else [member_client, anonymous, moderator]
    for client in clients:
        found = _unindexed(client, url, method, data)
        assert not found, json.dumps(found, indent=1)


@pytest.mark.parametrize("page", ["board page", "board, last page", "topic, middle page", "topic, last page"])
def test_every_query_of_a_deep_page_uses_an_index(pages, page, monkeypatch):
    """Far from both ends a page is found on ids, then its rows read by id (forum.views._Pages)."""
    from forum.views import _Pages

    monkeypatch.setattr(_Pages, "NEAR_ROWS", -1)
    urls, member_client, anonymous, moderator = pages
    url, method, data = urls[page]
    for client in [member_client, anonymous, moderator]:
        found = _unindexed(client, url, method, data)
        assert not found, json.dumps(found, indent=1)


@pytest.mark.parametrize("page", ["board, last page", "topic, last page"])
def test_a_page_in_the_second_half_reads_the_page_order_index_backwards(pages, page):
    urls, member_client, anonymous, moderator = pages
    url, _method, _data = urls[page]
    # The list's values are read by name (forum.models.Listed), and Django orders by a read
    # column's place: the board's pinned is its list's fourth column, a post's id its first.
    backwards = {"board, last page": 'ORDER BY 4 ASC', "topic, last page": 'ORDER BY 1 DESC'}
    for client in (member_client, anonymous, moderator):
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            assert client.get(url).status_code == 200
        assert any(backwards[page] in sql for sql, _params in recorder.queries), page


def test_the_plan_check_notices_a_query_no_index_serves(topic):
    from forum.models import Post

    queryset = Post.objects.filter(edited_by_moderator=True, body__startswith="x")
    sql, params = queryset.query.sql_with_params()
    explain = _postgres_problems if connection.vendor == "postgresql" else _sqlite_problems
    assert explain(sql, params)
