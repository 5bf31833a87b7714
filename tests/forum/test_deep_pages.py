"""A page in the second half is read from the other end and shows exactly the rows of the
plain forward OFFSET, for every reader, on every page: the first, the middle, the last
partial one, and numbers out of range."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from forum import actions, permissions
from forum.models import Status, Topic
from forum.views import _Pages

pytestmark = pytest.mark.django_db


def _forward(queryset, number, per_page):
    """Return the ids of page `number` by the plain forward OFFSET (as the pages were read before)."""
    ids = queryset.values_list("pk", flat=True)
    return list(ids[(number - 1) * per_page : number * per_page])


def _shown(client, url, number):
    response = client.get(url, {"page": number})
    assert response.status_code == 200
    page = response.context["page"]
    return page.number, [row.pk for row in page.object_list]


def _check_every_page(client, url, queryset, per_page):
    """Compare every page (and bad numbers) with the forward OFFSET; return the ends used."""
    count = queryset.count()
    last = max(1, -(-count // per_page))
    ends = set()
    for number in range(1, last + 1):
        bottom, top = (number - 1) * per_page, min(number * per_page, count)
        ends.add("back" if count - top < bottom else "front")
        assert _shown(client, url, number) == (number, _forward(queryset, number, per_page)), number
    assert _shown(client, url, last + 5) == (last, _forward(queryset, last, per_page))  # past the end
    assert _shown(client, url, "x") == (1, _forward(queryset, 1, per_page))
    assert _shown(client, url, 0) == (last, _forward(queryset, last, per_page))  # as Django's get_page
    return ends


@pytest.fixture
def readers(client_for, new_member, other_member, mod):
    """A visitor, the member whose topics and posts wait for a moderator, and a moderator."""
    return {"visitor": (None, client_for(None)), "member": (new_member, client_for(new_member)),
            "moderator": (mod, client_for(mod))}  # fmt: skip


@pytest.fixture
def busy_board(board, other_member, new_member, mod):
    """A board with pinned, held, hidden and visible topics, and ties in the page order."""
    topics = []
    for n in range(17):
        author = new_member if n % 5 == 2 else other_member  # new_member's topics wait (probation)
        topics.append(actions.create_topic(board, author=author, title=f"t{n}", body="b"))
    for n in (1, 6, 11):
        actions.set_topic_flags(topics[n], pinned=True)
    for n in (4, 9):
        actions.set_topic_flags(topics[n], status=Status.HIDDEN)
    actions.create_reply(topics[3], author=other_member, body="up again")  # moves t3 up
    # Ties: rows without a newest post (NULL in the page order) are ordered by id alone,
    # and the two ends must agree on where NULL goes (first read backwards on SQLite and
    # PostgreSQL alike).
    Topic.objects.filter(pk__in=[topics[0].pk, topics[8].pk, topics[12].pk, topics[6].pk]).update(last_post=None)
    return board


@pytest.fixture
def long_topic(board, other_member, new_member, member, mod):
    """A topic with held replies (new_member's) and hidden ones."""
    topic = actions.create_topic(board, author=other_member, title="long", body="first")
    posts = []
    for n in range(22):
        author = [other_member, new_member, member][n % 3]
        posts.append(actions.create_reply(topic, author=author, body=f"reply {n}"))
    for n in (0, 5, 13):
        actions.set_post_status(posts[n], Status.HIDDEN)
    topic.refresh_from_db()
    return topic


# What each kind of page lists, how many rows each reader sees, and the setting of its size.
KINDS = {
    "board": ("busy_board", "TOPICS_PER_PAGE", lambda user, board: permissions.topics_visible_to(user, board)
              .in_board_order(), {"visitor": 17 - 3 - 2, "member": 17 - 2, "moderator": 17}),
    "topic": ("long_topic", "POSTS_PER_PAGE", lambda user, topic: permissions.posts_visible_to(user, topic)
              .in_topic_order(), {"visitor": 23 - 6 - 3, "member": 23 - 3, "moderator": 23}),
}  # fmt: skip


@pytest.mark.parametrize("near", [-1, 4, None], ids=["all found on ids", "some read at once", "as set"])
@pytest.mark.parametrize("per_page", [3, 4, 5])
@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_page_shows_the_rows_of_the_forward_offset(request, readers, kind, who, per_page, near, settings,
                                                          monkeypatch):  # fmt: skip
    if near is not None:  # how far from an end a page is still read in one query (_Pages)
        monkeypatch.setattr(_Pages, "NEAR_ROWS", near)
    fixture, setting, visible, counts = KINDS[kind]
    listed = request.getfixturevalue(fixture)
    settings.HEARTH = {**settings.HEARTH, setting: per_page}
    user, client = readers[who]
    rows = visible(user or AnonymousUser(), listed)
    assert rows.count() == counts[who]  # the held and hidden rows are there or not as they should be
    ends = _check_every_page(client, listed.get_absolute_url(), rows, per_page)
    assert ends == {"front", "back"}


def test_a_post_link_leads_to_the_page_that_shows_it_in_the_second_half(client, long_topic, settings):
    settings.HEARTH = {**settings.HEARTH, "POSTS_PER_PAGE": 4}
    for post in long_topic.posts.filter(status=Status.VISIBLE):
        target = client.get(reverse("forum:post_detail", args=[post.pk]))
        page = client.get(target.url.split("#")[0])
        assert post.pk in [row.pk for row in page.context["page"].object_list]


def test_an_empty_board_shows_its_one_empty_page(client, board):
    response = client.get(board.get_absolute_url(), {"page": 3})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "No topics here yet." in response.text
