"""Each moderator action changes what members see, and writes its log row."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum import actions as forum_actions
from forum.models import Post, Status, Topic
from moderation import actions
from moderation.models import Case, LogEntry, Notice, Reason

pytestmark = pytest.mark.django_db


def _act(client, kind, pk, action, **data):
    url = reverse(f"moderation:{kind}_action", args=[pk, action])
    return client.post(url, {f"{action}-{k}": v for k, v in data.items()})


def _last_log():
    return LogEntry.objects.newest_first().first()


def _assert_logged(action, actor, reason, member, label, board):
    """Assert that the newest log row says who did what to what, why, and where."""
    entry = _last_log()
    assert (entry.action, entry.actor, entry.actor_name, entry.reason) == (action, actor, actor.username, reason)
    assert (entry.target_member, entry.target_member_name) == (member, member.username if member else "")
    assert (entry.target_label, entry.board) == (label, board)


def test_approve_publishes_a_held_post(client_for, mod, new_member, topic):
    held = forum_actions.create_reply(topic, author=new_member, body="my first words")
    assert "my first words" not in client_for(None).get(topic.get_absolute_url()).text
    response = _act(client_for(mod), "post", held.pk, "approve", reason="welcome")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Status.VISIBLE
    assert "my first words" in client_for(None).get(topic.get_absolute_url()).text
    entry = _last_log()
    assert (entry.action, entry.actor_name, entry.reason) == ("approve", mod.username, "welcome")
    assert entry.target_member == new_member


def test_approving_a_held_topic_publishes_it(client_for, mod, new_member, board):
    topic = forum_actions.create_topic(board, author=new_member, title="New here", body="hi")
    _act(client_for(mod), "post", topic.posts.get().pk, "approve", reason="ok")
    topic.refresh_from_db()
    board.refresh_from_db()
    assert topic.status == Status.VISIBLE and board.topic_count == 1


def test_every_action_needs_a_reason_and_keeps_what_was_typed(client_for, mod, topic):
    post = topic.posts.get()
    response = _act(client_for(mod), "post", post.pk, "edit", reason="", body="Typed text stays")
    assert response.status_code == 400
    assert "Please give a reason." in response.text
    assert "Typed text stays" in response.text
    post.refresh_from_db()
    assert post.body == "Somewhere **quiet**."
    assert not LogEntry.objects.exists()


def test_hide_and_unhide_a_post(client_for, mod, other_member, topic_factory, board, member):
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    c = client_for(mod)
    _act(c, "post", reply.pk, "hide", reason="unkind")
    assert "Reply 1" not in client_for(other_member).get(topic.get_absolute_url()).text
    assert "Reply 1" in c.get(topic.get_absolute_url()).text  # moderators still see it, marked
    _act(c, "post", reply.pk, "unhide", reason="on reflection fine")
    assert "Reply 1" in client_for(other_member).get(topic.get_absolute_url()).text
    assert list(LogEntry.objects.order_by("id").values_list("action", flat=True)) == ["hide", "unhide"]


def test_hiding_resolves_open_reports_as_upheld(mod, other_member, topic):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.SPAM)
    actions.hide_post(post, actor=mod, reason="spam")
    case = Case.objects.get()
    assert case.resolution == Case.Resolution.UPHELD and case.resolved_at


def test_dismissing_restores_what_the_reports_hid(client_for, mod, other_member, topic):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.EXPOSURE)
    post.refresh_from_db()
    assert post.status == Status.HIDDEN
    case = Case.objects.get()
    response = client_for(mod).post(reverse("moderation:case_dismiss", args=[case.pk]), {"reason": "no name in it"})
    assert response.status_code == 302
    post.refresh_from_db()
    case.refresh_from_db()
    assert post.status == Status.VISIBLE
    assert case.resolution == Case.Resolution.DISMISSED
    assert _last_log().action == "dismiss"


def test_acting_on_a_case_already_resolved_changes_nothing_and_says_so(client_for, mod, moderator, other_member, topic, give_totp):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.SPAM)
    case = Case.objects.get()
    actions.dismiss_case(case, actor=mod, reason="first")
    logs = LogEntry.objects.count()
    response = client_for(mod).post(reverse("moderation:case_dismiss", args=[case.pk]), {"reason": "second"}, follow=True)
    assert "Another moderator already dealt with this" in response.text
    assert LogEntry.objects.count() == logs
    with pytest.raises(actions.AlreadyHandled):
        actions.approve_post(post, actor=mod, reason="not held")


def test_remove_post_deletes_the_row_and_logs_no_content(client_for, mod, member, board, topic_factory):
    topic = topic_factory(board, member, replies=1, body="secret address 12")
    reply = topic.posts.order_by("id").last()
    _act(client_for(mod), "post", reply.pk, "remove", reason="exposes someone")
    assert not Post.objects.filter(pk=reply.pk).exists()
    entry = _last_log()
    assert entry.action == "remove_post" and "Reply 1" not in entry.target_label
    topic.refresh_from_db()
    assert topic.post_count == 1


def test_remove_topic_deletes_topic_and_posts(client_for, mod, member, board, topic_factory):
    topic = topic_factory(board, member, replies=2)
    pk = topic.pk
    _act(client_for(mod), "topic", topic.pk, "remove", reason="spam")
    assert not Topic.objects.filter(pk=pk).exists()
    assert not Post.objects.filter(topic_id=pk).exists()
    board.refresh_from_db()
    assert (board.topic_count, board.post_count) == (0, 0)
    _assert_logged("remove_topic", mod, "spam", member, f"topic:{pk}", board)


def test_moderator_edit_marks_the_post(client_for, mod, other_member, topic):
    post = topic.posts.get()
    _act(client_for(mod), "post", post.pk, "edit", reason="removed a street name", body="Somewhere [removed].")
    _assert_logged("edit", mod, "removed a street name", topic.author, f"post:{post.pk}:{topic.pk}", topic.board)
    page = client_for(other_member).get(topic.get_absolute_url()).text
    assert "Somewhere [removed]." in page
    assert "Edited by a moderator" in page
    assert mod.username not in page


@pytest.mark.parametrize(("action", "field", "value"), [("lock", "locked", True), ("pin", "pinned", True)])
def test_lock_and_pin_and_their_opposites(client_for, mod, topic, action, field, value):
    c = client_for(mod)
    _act(c, "topic", topic.pk, action, reason="because")
    topic.refresh_from_db()
    assert getattr(topic, field) is value
    _act(c, "topic", topic.pk, "un" + action, reason="done")
    topic.refresh_from_db()
    assert getattr(topic, field) is not value
    assert list(LogEntry.objects.order_by("id").values_list("action", flat=True)) == [action, "un" + action]


def test_locked_topic_shows_to_members_as_locked(client_for, mod, other_member, topic):
    actions.lock_topic(topic, actor=mod, reason="heated")
    page = client_for(other_member).get(topic.get_absolute_url()).text
    assert 'name="body"' not in page and "locked" in page


def test_move_topic(client_for, mod, topic, board_factory):
    target = board_factory("new-home")
    _act(client_for(mod), "topic", topic.pk, "move", reason="better fit", board=target.pk)
    topic.refresh_from_db()
    target.refresh_from_db()
    assert topic.board == target and target.topic_count == 1
    _assert_logged("move", mod, "better fit", topic.author, f"topic:{topic.pk}", target)


def test_warning_shows_on_the_next_visit_until_read(client_for, mod, member):
    _act(client_for(mod), "member", member.pk, "warn", reason="Please keep addresses out of posts.")
    c = client_for(member)
    page = c.get("/").text
    assert "Please keep addresses out of posts." in page and "A message from a moderator" in page
    notice = Notice.objects.get()
    c.post(reverse("reports:notice_dismiss", args=[notice.pk]), {"next": "/"})
    assert "Please keep addresses out of posts." not in c.get("/").text


def test_suspension_lets_a_member_read_but_not_write(client_for, mod, member, topic):
    response = _act(client_for(mod), "member", member.pk, "suspend", reason="cool down", days=3)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.suspended_until > timezone.now() + datetime.timedelta(days=2)
    _assert_logged("suspend", mod, "cool down", member, f"member:{member.pk}", None)
    c = client_for(member)
    assert c.get(topic.get_absolute_url()).status_code == 200
    assert c.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "x"}).status_code == 403


@pytest.mark.parametrize("days", ["-1", "0", "366", "100000", "abc", ""])
def test_absurd_suspensions_are_refused_in_the_form(client_for, mod, member, days):
    response = _act(client_for(mod), "member", member.pk, "suspend", reason="x", days=days)
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.suspended_until is None
    assert not LogEntry.objects.exists()


def test_ban_ends_every_session_at_once(client_for, mod, member, password):
    c1, c2 = Client(), Client()
    for c in (c1, c2):
        c.post(reverse("account_login"), {"login": "member", "password": password})
        assert c.get(reverse("accounts:account")).status_code == 200
    assert Session.objects.count() >= 2
    _act(client_for(mod), "member", member.pk, "ban", reason="informant")
    member.refresh_from_db()
    assert not member.is_active
    for c in (c1, c2):
        assert c.get(reverse("accounts:account")).status_code == 302
    for session in Session.objects.all():
        assert session.get_decoded().get("_auth_user_id") != str(member.pk)
    assert Client().post(reverse("account_login"), {"login": "member", "password": password}).status_code in (200, 302)
    assert _last_log().action == "ban"


def test_hold_posts_holds_every_new_post_until_released(client_for, mod, member, topic):
    c = client_for(mod)
    _act(c, "member", member.pk, "hold", reason="watch")
    member.refresh_from_db()
    _assert_logged("hold", mod, "watch", member, f"member:{member.pk}", None)
    assert forum_actions.create_reply(topic, author=member, body="x").status == Status.HELD
    _act(c, "member", member.pk, "release", reason="fine")
    member.refresh_from_db()
    _assert_logged("release", mod, "fine", member, f"member:{member.pk}", None)
    assert forum_actions.create_reply(topic, author=member, body="y").status == Status.VISIBLE


def test_log_rows_outlive_the_moderator_and_the_member(mod, member, topic):
    actions.warn_member(member, actor=mod, reason="first warning")
    mod_name, member_name = mod.username, member.username
    mod.delete()
    member.delete()
    entry = LogEntry.objects.get()
    assert (entry.actor, entry.actor_name) == (None, mod_name)
    assert (entry.target_member, entry.target_member_name) == (None, member_name)


def test_members_see_moderators_only_as_a_moderator(client_for, mod, member, other_member, topic):
    post = topic.posts.get()
    actions.edit_post(post, actor=mod, reason="x", body="edited text")
    actions.warn_member(member, actor=mod, reason="note")
    for c in (client_for(member), client_for(other_member)):
        for url in ("/", topic.get_absolute_url(), reverse("accounts:account")):
            assert mod.username not in c.get(url).text


def test_upholding_an_exposure_report_keeps_the_post_hidden_and_closes_the_case(client_for, mod, other_member, topic):
    post = topic.posts.get()
    actions.report(post, reporter=other_member, reason=Reason.EXPOSURE)
    tools = client_for(mod).get(reverse("moderation:post_tools", args=[post.pk])).text
    assert "Keep hidden: the reports are right" in tools
    _act(client_for(mod), "post", post.pk, "hide", reason="it names a person")
    post.refresh_from_db()
    case = Case.objects.get()
    assert post.status == Status.HIDDEN
    assert case.resolution == Case.Resolution.UPHELD
    assert _last_log().action == "hide"
    again = _act(client_for(mod), "post", post.pk, "hide", reason="twice")
    assert again.status_code == 302
    assert LogEntry.objects.filter(action="hide").count() == 1


def test_opening_a_members_history_is_logged(client_for, mod, member):
    actions.warn_member(member, actor=mod, reason="earlier")
    page = client_for(mod).get(reverse("moderation:member_tools", args=[member.pk]))
    assert page.status_code == 200
    viewed = LogEntry.objects.filter(action="view_history").get()
    assert (viewed.actor_name, viewed.target_member) == (mod.username, member)
    assert "0 earlier upheld reports · 1 earlier moderator action" in page.text


def test_hide_and_unhide_a_topic(client_for, mod, other_member, topic):
    c = client_for(mod)
    assert _act(c, "topic", topic.pk, "hide", reason="names a street").status_code == 302
    topic.refresh_from_db()
    assert topic.status == Status.HIDDEN and topic.posts.get().status == Status.HIDDEN
    _assert_logged("hide", mod, "names a street", topic.author, f"topic:{topic.pk}", topic.board)
    assert client_for(other_member).get(topic.get_absolute_url()).status_code == 404
    assert c.get(topic.get_absolute_url()).status_code == 200  # moderators still see it
    topic.board.refresh_from_db()
    assert topic.board.topic_count == 0
    assert _act(c, "topic", topic.pk, "unhide", reason="the street was changed").status_code == 302
    topic.refresh_from_db()
    assert topic.status == Status.VISIBLE and topic.posts.get().status == Status.VISIBLE
    _assert_logged("unhide", mod, "the street was changed", topic.author, f"topic:{topic.pk}", topic.board)
    assert client_for(other_member).get(topic.get_absolute_url()).status_code == 200
    topic.board.refresh_from_db()
    assert topic.board.topic_count == 1


def test_hiding_a_topic_twice_changes_nothing_and_says_so(client_for, mod, topic):
    c = client_for(mod)
    _act(c, "topic", topic.pk, "hide", reason="first")
    again = c.post(reverse("moderation:topic_action", args=[topic.pk, "hide"]), {"hide-reason": "second"}, follow=True)
    assert "Another moderator already dealt with this" in again.text
    assert LogEntry.objects.filter(action="hide").count() == 1


@pytest.mark.parametrize("name", ["hide_post", "unhide_post", "edit_post", "remove_post", "approve_post",
                                  "hide_topic", "lock_topic", "move_topic", "remove_topic", "dismiss_case",
                                  "suspend_member", "ban_member", "hold_posts", "warn_member"])  # fmt: skip
def test_an_action_whose_log_row_fails_changes_nothing(monkeypatch, name, mod, member, other_member, board,
                                                       board_factory, topic_factory, new_member):  # fmt: skip
    """The state change and its log row are one transaction: no row, no change."""
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    held = forum_actions.create_reply(topic, author=new_member, body="waiting")
    elsewhere = board_factory("elsewhere")
    actions.report(reply, reporter=other_member, reason=Reason.EXPOSURE)
    if name == "unhide_post":
        actions.hide_post(topic.posts.order_by("id").first(), actor=mod, reason="set up")
    case = Case.objects.get()

    def snapshot():
        return (
            list(Post.objects.order_by("id").values_list("id", "status", "body")),
            list(Topic.objects.order_by("id").values_list("id", "status", "locked", "board_id", "post_count")),
            list(Case.objects.order_by("id").values_list("id", "resolved_at", "resolution")),
            list(type(member).objects.order_by("id").values_list("id", "is_active", "suspended_until", "posts_held")),
            Notice.objects.count(), LogEntry.objects.count(),
        )  # fmt: skip

    before = snapshot()
    first = topic.posts.order_by("id").first()
    run = {
        "hide_post": lambda: actions.hide_post(reply, actor=mod, reason="r"),
        "unhide_post": lambda: actions.unhide_post(first, actor=mod, reason="r"),
        "edit_post": lambda: actions.edit_post(reply, actor=mod, reason="r", body="new text"),
        "remove_post": lambda: actions.remove_post(reply, actor=mod, reason="r"),
        "approve_post": lambda: actions.approve_post(held, actor=mod, reason="r"),
        "hide_topic": lambda: actions.hide_topic(topic, actor=mod, reason="r"),
        "lock_topic": lambda: actions.lock_topic(topic, actor=mod, reason="r"),
        "move_topic": lambda: actions.move_topic(topic, actor=mod, reason="r", board=elsewhere),
        "remove_topic": lambda: actions.remove_topic(topic, actor=mod, reason="r"),
        "dismiss_case": lambda: actions.dismiss_case(case, actor=mod, reason="r"),
        "suspend_member": lambda: actions.suspend_member(member, actor=mod, reason="r", days=3),
        "ban_member": lambda: actions.ban_member(member, actor=mod, reason="r"),
        "hold_posts": lambda: actions.set_hold_posts(member, actor=mod, reason="r", hold=True),
        "warn_member": lambda: actions.warn_member(member, actor=mod, reason="r"),
    }[name]

    def broken_log(*args, **kwargs):
        raise RuntimeError("the log is full")

    monkeypatch.setattr(actions, "log", broken_log)
    with pytest.raises(RuntimeError):
        run()
    assert snapshot() == before
