"""Acting on what another moderator already changed says so, and changes nothing."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from forum import actions as forum_actions
from forum.models import Post, Status
from moderation import actions
from moderation.models import Case, LogEntry, Reason

pytestmark = pytest.mark.django_db


def _act(client, kind, pk, action, **data):
    url = reverse(f"moderation:{kind}_action", args=[pk, action])
    return client.post(url, {f"{action}-{k}": v for k, v in data.items()}, follow=True)


# Suspensions: a running one changes only when the moderator says so. -------------------


def test_a_second_suspension_is_refused_and_says_until_when(client_for, mod, member):
    c = client_for(mod)
    _act(c, "member", member.pk, "suspend", reason="cool down", days=30)
    member.refresh_from_db()
    until = member.suspended_until
    response = _act(c, "member", member.pk, "suspend", reason="just a day", days=1)
    assert "This member is already suspended until" in response.text
    assert "nothing was changed" in response.text
    member.refresh_from_db()
    assert member.suspended_until == until
    assert LogEntry.objects.filter(action="suspend").count() == 1


def test_a_running_suspension_changes_when_the_moderator_ticks_change(client_for, mod, member):
    c = client_for(mod)
    _act(c, "member", member.pk, "suspend", reason="cool down", days=30)
    response = _act(c, "member", member.pk, "suspend", reason="shorter after all", days=1, replace="on")
    assert "The member is suspended." in response.text
    member.refresh_from_db()
    assert member.suspended_until < timezone.now() + datetime.timedelta(days=2)
    assert list(LogEntry.objects.filter(action="suspend").values_list("reason", flat=True).order_by("id")) == [
        "cool down", "shorter after all"]  # fmt: skip


def test_an_ended_suspension_does_not_need_change_ticked(mod, user_factory):
    past = user_factory("pastpaused", suspended_until=timezone.now() - datetime.timedelta(days=1))
    actions.suspend_member(past, actor=mod, reason="again", days=2)
    past.refresh_from_db()
    assert past.is_suspended


def test_the_member_page_shows_until_when_a_member_is_suspended(client_for, mod, member):
    actions.suspend_member(member, actor=mod, reason="x", days=3)
    page = client_for(mod).get(reverse("moderation:member_tools", args=[member.pk])).text
    assert "Suspended until" in page


def test_suspending_a_branch_leaves_a_running_suspension_as_it_is(client_for, admin_user, give_totp, user_factory):
    from accounts import invites

    admin = give_totp(admin_user)
    root = user_factory("root1")
    invite, _code = invites.create_invite(root)
    child = user_factory("child", invite=invite)
    actions.suspend_member(child, actor=admin, reason="earlier", days=200)
    child.refresh_from_db()
    until = child.suspended_until
    response = client_for(admin).post(reverse("moderation:invite_tree_action", args=[root.pk]),
                                      {"action": "suspend", "days": "2", "reason": "review"}, follow=True)  # fmt: skip
    assert "Done for 1 member." in response.text
    child.refresh_from_db()
    root.refresh_from_db()
    assert child.suspended_until == until and root.is_suspended


# Forms about something gone. ------------------------------------------------------------


def test_a_form_about_a_removed_post_says_it_is_gone(client_for, mod, member, board, topic_factory):
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    pk = reply.pk
    actions.remove_post(reply, actor=mod, reason="exposes someone")
    logs = LogEntry.objects.count()
    response = client_for(mod).post(reverse("moderation:post_action", args=[pk, "hide"]), {"hide-reason": "x"})
    assert response.status_code == 404
    assert "No longer there" in response.text and "another moderator may have removed it" in response.text
    assert LogEntry.objects.count() == logs


def test_a_form_about_a_removed_topic_or_case_says_it_is_gone(client_for, mod, member, other_member, topic):
    actions.report(topic, reporter=other_member, reason=Reason.SPAM)
    case, pk = Case.objects.get(), topic.pk
    actions.remove_topic(topic, actor=mod, reason="spam")
    c = client_for(mod)
    for url, data in ((reverse("moderation:topic_action", args=[pk, "lock"]), {"lock-reason": "x"}),
                      (reverse("moderation:case_dismiss", args=[case.pk]), {"reason": "x"})):  # fmt: skip
        response = c.post(url, data)
        assert response.status_code == 404
        assert "No longer there" in response.text


def test_a_form_about_another_boards_post_answers_as_for_a_missing_one(client_for, board_mod, board_factory, member, topic_factory):
    elsewhere = topic_factory(board_factory("elsewhere"), member).posts.get()
    c = client_for(board_mod)
    theirs = c.post(reverse("moderation:post_action", args=[elsewhere.pk, "hide"]), {"hide-reason": "x"})
    missing = c.post(reverse("moderation:post_action", args=[999999, "hide"]), {"hide-reason": "x"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.headers.keys() == missing.headers.keys()
    assert "No longer there" in theirs.text and "No longer there" in missing.text
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.VISIBLE


def test_members_get_the_plain_not_found_page_from_a_moderator_form(client_for, member, topic):
    response = client_for(member).post(reverse("moderation:post_action", args=[topic.posts.get().pk, "hide"]),
                                       {"hide-reason": "x"})  # fmt: skip
    assert response.status_code == 404
    assert "No longer there" not in response.text


# Edits. ---------------------------------------------------------------------------------


def test_a_moderator_edit_of_a_post_changed_meanwhile_changes_nothing(client_for, mod, board_mod, topic):
    post = topic.posts.get()
    seen = actions.body_version(post.body)
    actions.edit_post(post, actor=board_mod, reason="first", body="First moderator's text.")
    response = _act(client_for(mod), "post", post.pk, "edit", reason="second", body="Second text.", version=seen)
    assert "This post was changed after you opened it" in response.text
    post.refresh_from_db()
    assert post.body == "First moderator's text."
    assert LogEntry.objects.filter(action="edit").count() == 1


def test_the_edit_form_carries_the_version_of_the_text_it_shows(client_for, mod, topic):
    post = topic.posts.get()
    page = client_for(mod).get(reverse("moderation:post_tools", args=[post.pk])).text
    assert actions.body_version(post.body) in page


def test_a_moderator_edit_that_changes_nothing_is_not_made_or_logged(mod, topic):
    post = topic.posts.get()
    with pytest.raises(actions.AlreadyHandled):
        actions.edit_post(post, actor=mod, reason="x", body=post.body)
    post.refresh_from_db()
    assert not post.edited_by_moderator
    assert not LogEntry.objects.exists()


def test_a_moderator_edit_of_a_removed_post_changes_nothing(mod, member, board, topic_factory):
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    Post.objects.filter(pk=reply.pk).delete()
    with pytest.raises(actions.AlreadyHandled):
        actions.edit_post(reply, actor=mod, reason="x", body="new")
    assert not LogEntry.objects.exists()


def test_unhiding_a_topic_dismisses_its_open_reports(mod, other_member, topic):
    actions.report(topic, reporter=other_member, reason=Reason.EXPOSURE)
    actions.unhide_topic(topic, actor=mod, reason="nothing in it")
    case = Case.objects.get()
    assert case.resolution == Case.Resolution.DISMISSED
    topic.refresh_from_db()
    assert topic.status == Status.VISIBLE


# Two moderators at the same moment (row locks; SQLite runs one writer at a time anyway). -


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are real on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_moderators_unhiding_at_once_log_it_once(mod, board_mod, member, board, topic_factory, monkeypatch):
    topic = topic_factory(board, member, replies=1)
    reply = topic.posts.order_by("id").last()
    actions.hide_post(reply, actor=mod, reason="x")
    both_read = threading.Barrier(2)
    real = forum_actions.set_post_status

    def slow(post, status):
        try:
            both_read.wait(timeout=2)  # without a lock, both moderators get here together
        except threading.BrokenBarrierError:
            pass
        return real(post, status)

    monkeypatch.setattr(forum_actions, "set_post_status", slow)
    handled = []

    def unhide(actor):
        try:
            actions.unhide_post(Post.objects.get(pk=reply.pk), actor=actor, reason="fine")
        except actions.AlreadyHandled:
            handled.append(actor)
        finally:
            connection.close()

    threads = [threading.Thread(target=unhide, args=(who,)) for who in (mod, board_mod)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert LogEntry.objects.filter(action="unhide").count() == 1
    assert len(handled) == 1
