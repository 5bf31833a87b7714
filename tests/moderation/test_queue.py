"""One queue: most urgent first, then oldest; a fixed number of queries; two-factor first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum import actions as forum_actions
from moderation import actions
from moderation.models import Reason

pytestmark = pytest.mark.django_db


def test_queue_orders_exposure_and_threats_before_spam_then_oldest(client_for, mod, user_factory, board, member, topic_factory):
    spam, threat, exposure, old_threat = (topic_factory(board, member, title=f"t{n}") for n in range(4))
    reporter = user_factory("reporter")
    actions.report(old_threat.posts.get(), reporter=reporter, reason=Reason.THREAT, note="A-old-threat")
    actions.report(spam.posts.get(), reporter=reporter, reason=Reason.SPAM, note="B-spam")
    actions.report(threat.posts.get(), reporter=reporter, reason=Reason.THREAT, note="C-threat")
    actions.report(exposure.posts.get(), reporter=reporter, reason=Reason.EXPOSURE, note="D-exposure")
    page = client_for(mod).get(reverse("moderation:queue")).text
    order = [page.index(n) for n in ("D-exposure", "A-old-threat", "C-threat", "B-spam")]
    assert order == sorted(order)


def test_queue_shows_held_posts_and_member_history(client_for, mod, new_member, topic, other_member, member):
    forum_actions.create_reply(topic, author=new_member, body="waiting words")
    post = topic.posts.order_by("id").first()
    actions.report(post, reporter=other_member, reason=Reason.SPAM)
    actions.warn_member(member, actor=mod, reason="earlier")
    page = client_for(mod).get(reverse("moderation:queue")).text
    assert "waiting words" in page
    assert "0 earlier upheld reports · 1 earlier moderator action" in page


def test_queue_runs_a_fixed_number_of_queries(still_clock, client_for, mod, user_factory, board, member, new_member, topic_factory):
    c = client_for(mod)
    c.get("/")  # the first visit stamps the session's idle deadline

    def add_entries(n):
        for i in range(n):
            topic = topic_factory(board, member, title=f"q{i}")
            actions.report(topic.posts.get(), reporter=user_factory(), reason=Reason.SPAM, note="n")
            actions.report(topic, reporter=user_factory(), reason=Reason.OFF_TOPIC)
            forum_actions.create_reply(topic, author=new_member, body="held")
        actions.report(user_factory(), reporter=user_factory(), reason=Reason.INFORMANT)

    add_entries(1)
    with CaptureQueriesContext(connection) as few:
        assert c.get(reverse("moderation:queue")).status_code == 200
    add_entries(6)
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("moderation:queue"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_board_moderators_see_only_their_boards(client_for, board_mod, board, board_factory, member, other_member, topic_factory):
    elsewhere = board_factory("elsewhere")
    mine = topic_factory(board, member, title="mine")
    theirs = topic_factory(elsewhere, member, title="theirs")
    actions.report(mine.posts.get(), reporter=other_member, reason=Reason.SPAM, note="in-my-board")
    actions.report(theirs.posts.get(), reporter=other_member, reason=Reason.SPAM, note="in-other-board")
    actions.report(member, reporter=other_member, reason=Reason.INFORMANT, note="about-a-member")
    c = client_for(board_mod)
    page = c.get(reverse("moderation:queue")).text
    assert "in-my-board" in page
    assert "in-other-board" not in page and "about-a-member" not in page
    assert c.get(reverse("moderation:post_tools", args=[theirs.posts.get().pk])).status_code == 404
    assert c.get(reverse("moderation:post_tools", args=[mine.posts.get().pk])).status_code == 200
    assert c.get(reverse("moderation:member_tools", args=[member.pk])).status_code == 404


def test_moderator_without_two_factor_is_sent_to_set_it_up(client_for, moderator):
    response = client_for(moderator).get(reverse("moderation:queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_admin_without_two_factor_is_sent_to_set_it_up(client_for, admin_user, give_totp):
    c = client_for(admin_user)
    response = c.get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")
    give_totp(admin_user)
    assert client_for(admin_user).get(reverse("admin:index")).status_code == 200


def test_members_get_404_from_moderation_pages(client_for, member, topic):
    c = client_for(member)
    for url in (reverse("moderation:queue"), reverse("moderation:log"),
                reverse("moderation:post_tools", args=[topic.posts.get().pk])):
        assert c.get(url).status_code == 404


def test_log_page_lists_actions_for_moderators(client_for, mod, member):
    actions.warn_member(member, actor=mod, reason="logged reason")
    page = client_for(mod).get(reverse("moderation:log")).text
    assert "logged reason" in page and mod.username in page


def test_a_moderator_can_reach_the_two_factor_setup_page(client, moderator, password):
    client.post("/accounts/login/", {"login": moderator.username, "password": password})
    confirm = client.get(reverse("mfa_activate_totp"), follow=True)
    assert confirm.status_code == 200
    assert "/accounts/password/reset/" not in confirm.text  # no link to a reset that cannot exist
    page = client.post(reverse("account_reauthenticate"),
                       {"password": password, "next": reverse("mfa_activate_totp")}, follow=True)  # fmt: skip
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.text
    assert "img-src 'self' data:" in page["Content-Security-Policy"]


@pytest.fixture
def full_queue(user_factory, board, member, new_member, topic_factory, site):
    """Return a function that adds `n` entries to every section of the queue."""
    site.registration_mode = "approval"
    site.save()

    def add(n):
        for i in range(n):
            topic = topic_factory(board, member, title=f"topic {i}", body=f"first words {i}")
            actions.report(topic.posts.get(), reporter=user_factory(), reason=Reason.SPAM, note=f"post-note-{i}")
            actions.report(topic, reporter=user_factory(), reason=Reason.THREAT, note=f"topic-note-{i}")
            forum_actions.create_reply(topic, author=new_member, body=f"held words {i}")
            user_factory(f"newcomer{i}", is_active=False, approval_pending=True, approval_answer=f"answer {i}")
        actions.report(user_factory(), reporter=user_factory(), reason=Reason.INFORMANT)

    return add


def test_queue_pinned_query_count(still_clock, client_for, mod, full_queue, django_assert_num_queries, monkeypatch):
    """The exact number, so that a change that adds a query is noticed and justified."""
    from moderation import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 3)
    c = client_for(mod)
    c.get("/")  # the first visit stamps the session's idle deadline
    full_queue(4)
    # Session, member, site settings, their authenticator; per section a count and a page
    # (3 + 3); the cases' reports; the reported topics' first posts; the members' history
    # (2); the moderator's own unread warnings, for the page around it.
    for url in (reverse("moderation:queue"), reverse("moderation:queue") + "?reports_page=2&held_page=2&signups_page=2"):
        with django_assert_num_queries(15):
            assert c.get(url).status_code == 200


def test_each_queue_section_has_pages_of_its_own(client_for, mod, full_queue, monkeypatch):
    from moderation import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 3)
    full_queue(4)  # 9 cases, 4 held posts, 4 requests to join
    c = client_for(mod)
    first = c.get(reverse("moderation:queue")).text
    assert "topic-note-0" in first and "post-note-3" not in first
    assert "held words 0" in first and "held words 3" not in first
    assert "answer 0" in first and "answer 3" not in first
    assert 'href="?reports_page=2#reports-heading"' in first
    later = c.get(reverse("moderation:queue"), {"reports_page": "3", "held_page": "2"}).text
    assert "post-note-3" in later and "topic-note-0" not in later
    assert "held words 3" in later and "held words 0" not in later
    assert "answer 0" in later  # the sign-ups stay on their first page
    assert 'href="?reports_page=3&amp;held_page=1#held-heading"' in later  # the other page is kept


def test_nothing_is_cut_from_the_queue_any_more(client_for, mod, full_queue):
    full_queue(2)
    page = client_for(mod).get(reverse("moderation:queue"), {"reports_page": "x" * 300, "held_page": "-1"})
    assert page.status_code == 200 and "held words 1" in page.text


def test_a_reported_topic_shows_its_first_post_in_the_queue(client_for, mod, other_member, board, member, topic_factory):
    topic = topic_factory(board, member, title="A title", body="What the first post **says**.", replies=1)
    actions.report(topic, reporter=other_member, reason=Reason.SPAM)
    page = client_for(mod).get(reverse("moderation:queue")).text
    assert "What the first post <strong>says</strong>." in page
    assert "Reply 1" not in page
