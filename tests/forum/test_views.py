"""Every forum page for an anonymous visitor, a member and the author."""

import re

import pytest
from django.urls import reverse

from forum import actions
from forum.models import Post, Status, Topic, Visibility

pytestmark = pytest.mark.django_db


def test_board_index_lists_public_boards_to_anonymous_visitors(client, board, members_board):
    response = client.get(reverse("forum:board_index"))
    assert response.status_code == 200
    assert board.name in response.text
    assert members_board.name not in response.text


def test_board_index_lists_members_boards_to_members(client_for, member, board, members_board):
    response = client_for(member).get(reverse("forum:board_index"))
    assert members_board.name in response.text


def test_trusted_board_is_invisible_to_new_members(client_for, new_member, member, board_factory):
    trusted = board_factory("trusted-board", visibility=Visibility.TRUSTED, name="Inner circle")
    assert "Inner circle" not in client_for(new_member).get("/").text
    assert client_for(new_member).get(trusted.get_absolute_url()).status_code == 404
    assert client_for(member).get(trusted.get_absolute_url()).status_code == 200


def test_members_board_answers_404_to_anonymous_exactly_like_a_missing_board(client, members_board):
    hidden = client.get(members_board.get_absolute_url())
    missing = client.get("/boards/999999/")
    assert hidden.status_code == missing.status_code == 404

    def normalised(response, path):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        return text.replace(path, "PATH")

    assert normalised(hidden, members_board.get_absolute_url()) == normalised(missing, "/boards/999999/")


def test_board_page_lists_topics(client, topic):
    response = client.get(topic.board.get_absolute_url())
    assert response.status_code == 200
    assert "Where to meet" in response.text
    assert "Start a topic" not in response.text


def test_board_page_offers_a_new_topic_to_members(client_for, member, board):
    assert "Start a topic" in client_for(member).get(board.get_absolute_url()).text


def test_topic_page_shows_posts_and_reply_form_to_members(client, client_for, topic, other_member):
    anonymous = client.get(topic.get_absolute_url())
    assert anonymous.status_code == 200
    assert "<strong>quiet</strong>" in anonymous.text
    assert 'name="body"' not in anonymous.text
    assert "Sign in to reply" in anonymous.text
    as_member = client_for(other_member).get(topic.get_absolute_url())
    assert 'name="body"' in as_member.text
    assert "Edit</a>" not in as_member.text


def test_topic_page_offers_edit_and_delete_to_the_author(client_for, topic, member):
    response = client_for(member).get(topic.get_absolute_url())
    post = topic.posts.get()
    assert reverse("forum:post_edit", args=[post.pk]) in response.text
    assert reverse("forum:post_delete", args=[post.pk]) in response.text


def test_unknown_ids_answer_404(client_for, member):
    c = client_for(member)
    for url in ("/topics/999999/", "/topics/999999/reply/", "/posts/999999/",
                "/posts/999999/edit/", "/posts/999999/delete/", "/boards/999999/new/"):
        assert c.get(url).status_code == 404, url


def test_held_topic_is_404_for_other_members_and_visible_to_its_author(
    client_for, board, new_member, other_member, mod
):
    topic = actions.create_topic(board, author=new_member, title="Held one", body="Waiting")
    assert topic.status == Status.HELD
    assert client_for(other_member).get(topic.get_absolute_url()).status_code == 404
    assert client_for(None).get(topic.get_absolute_url()).status_code == 404
    own = client_for(new_member).get(topic.get_absolute_url())
    assert own.status_code == 200
    assert "Waiting for a moderator" in own.text
    assert client_for(mod).get(topic.get_absolute_url()).status_code == 200
    assert "Held one" not in client_for(other_member).get(board.get_absolute_url()).text


def test_member_starts_a_topic(client_for, member, board):
    response = client_for(member).post(
        reverse("forum:topic_create", args=[board.pk]),
        {"title": "Safe clinics", "body": "Ask for the *evening* doctor."},
    )
    topic = Topic.objects.get(title="Safe clinics")
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert topic.author == member
    assert topic.posts.get().body_html.strip() == "<p>Ask for the <em>evening</em> doctor.</p>"


def test_anonymous_visitor_is_sent_to_sign_in_to_write(client, board, topic):
    for url in (reverse("forum:topic_create", args=[board.pk]),
                reverse("forum:reply_create", args=[topic.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "x"}).status_code == 302
    assert topic.posts.count() == 1


def test_member_replies(client_for, other_member, topic):
    response = client_for(other_member).post(
        reverse("forum:reply_create", args=[topic.pk]), {"body": "Thank you"}
    )
    reply = Post.objects.get(body="Thank you")
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()
    topic.refresh_from_db()
    assert topic.post_count == 2
    assert topic.last_post == reply


def test_reply_form_page_renders(client_for, other_member, topic):
    assert client_for(other_member).get(reverse("forum:reply_create", args=[topic.pk])).status_code == 200


def test_post_permalink_redirects_to_its_page(client, settings, board, member, topic_factory):
    settings.HEARTH = {**settings.HEARTH, "POSTS_PER_PAGE": 2}
    topic = topic_factory(board, member, replies=4)
    last = topic.posts.order_by("id").last()
    response = client.get(last.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{topic.get_absolute_url()}?page=3#post-{last.pk}"


def test_author_edits_their_post(client_for, member, topic):
    post = topic.posts.get()
    c = client_for(member)
    form = c.get(reverse("forum:post_edit", args=[post.pk]))
    assert form.status_code == 200
    assert "Somewhere **quiet**." in form.text
    response = c.post(reverse("forum:post_edit", args=[post.pk]), {"body": "Changed"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Changed"
    assert "Edited" in c.get(topic.get_absolute_url()).text


def test_others_cannot_edit_or_delete_a_post(client_for, other_member, moderator, topic):
    post = topic.posts.get()
    for user in (other_member,):
        c = client_for(user)
        assert c.get(reverse("forum:post_edit", args=[post.pk])).status_code == 403
        assert c.post(reverse("forum:post_edit", args=[post.pk]), {"body": "hijack"}).status_code == 403
        assert c.post(reverse("forum:post_delete", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.body == "Somewhere **quiet**."


def test_author_deletes_a_reply_and_the_row_is_gone(client_for, member, topic):
    reply = actions.create_reply(topic, author=member, body="Oops")
    c = client_for(member)
    assert c.get(reverse("forum:post_delete", args=[reply.pk])).status_code == 200
    response = c.post(reverse("forum:post_delete", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert not Post.objects.filter(pk=reply.pk).exists()


def test_deleting_the_only_post_deletes_the_topic(client_for, member, topic):
    post = topic.posts.get()
    response = client_for(member).post(reverse("forum:post_delete", args=[post.pk]))
    assert response["Location"] == topic.board.get_absolute_url()
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_a_deleted_members_posts_show_former_member(client, member, topic):
    member.delete()
    response = client.get(topic.get_absolute_url())
    assert "former member" in response.text
    assert "member</bdi>" not in response.text


def test_pages_show_only_the_pseudonym_of_a_member(client, topic, member):
    text = client.get(topic.get_absolute_url()).text
    assert f"<bdi class=\"pseudonym\">{member.username}</bdi>" in text
    assert "last_login" not in text and str(member.date_joined) not in text


def test_locked_topic_refuses_replies(client_for, other_member, topic):
    actions.set_topic_flags(topic, locked=True)
    c = client_for(other_member)
    page = c.get(topic.get_absolute_url())
    assert 'name="body"' not in page.text
    assert "locked" in page.text
    response = c.post(reverse("forum:reply_create", args=[topic.pk]), {"body": "still here?"})
    assert response.status_code == 403
    assert "locked" in response.text
    assert topic.posts.count() == 1


def test_account_page_needs_sign_in_and_shows_the_pseudonym(client, client_for, member):
    assert client.get(reverse("accounts:account")).status_code == 302
    response = client_for(member).get(reverse("accounts:account"))
    assert response.status_code == 200
    assert "member" in response.text


def test_quick_exit_leaves_for_the_neutral_site_without_a_referrer(client, site):
    response = client.get(reverse("quick_exit"))
    assert response.status_code == 302
    assert response["Location"] == site.quick_exit_url
    assert response["Referrer-Policy"] == "no-referrer"


def test_every_page_has_the_quick_exit_link(client, client_for, member, topic):
    pages = ["/", topic.get_absolute_url(), topic.board.get_absolute_url(), "/nowhere/"]
    for url in [*pages, reverse("account_login"), reverse("account_signup")]:
        assert reverse("quick_exit") in client.get(url).text, url
    for url in [*pages, reverse("accounts:account"), reverse("account_change_password")]:
        assert reverse("quick_exit") in client_for(member).get(url).text, url


def test_board_addresses_carry_ids_and_old_slug_addresses_redirect(client, board, members_board):
    assert board.get_absolute_url() == f"/boards/{board.pk}/"
    response = client.get(f"/boards/{board.slug}/")
    assert response.status_code == 302 and response["Location"] == board.get_absolute_url()
    assert client.get(f"/boards/{members_board.slug}/").status_code == 404
