"""Members take their data out, delete their account, or wipe it in a hurry."""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import User
from forum import actions as forum_actions
from forum.models import Board, Post, Topic
from moderation import actions as moderation_actions
from moderation.models import Notice, Reason, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_member(member, other_member, board, topic_factory, mod):
    """A member with topics, replies in someone else's topic, a report made and a warning."""
    own = topic_factory(board, member, title="My own topic", body="my first words", replies=1)
    forum_actions.create_reply(own, author=other_member, body="someone else's reply")
    elsewhere = topic_factory(board, other_member, title="Their topic", body="their words")
    forum_actions.create_reply(elsewhere, author=member, body="my reply elsewhere")
    moderation_actions.report(elsewhere.posts.order_by("id").first(), reporter=member,
                              reason=Reason.SPAM, note="my note")  # fmt: skip
    moderation_actions.report(own.posts.order_by("id").first(), reporter=other_member,
                              reason=Reason.THREAT, note="note by the other member")  # fmt: skip
    moderation_actions.warn_member(member, actor=mod, reason="please be careful")
    return member


def _download(client, password):
    return client.post(reverse("accounts:data_export"), {"password": password})


def test_export_needs_the_password(client_for, busy_member):
    response = _download(client_for(busy_member), "not my password")
    assert response.status_code == 200
    assert "That is not your password." in response.text


def test_export_has_everything_about_me_and_nothing_about_others(client_for, busy_member, password, mod):
    response = _download(client_for(busy_member), password)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["pseudonym"] == "member"
    assert {t["title"] for t in data["forum"]["topics"]} == {"My own topic"}
    texts = {p["text"] for p in data["forum"]["posts"]}
    assert texts == {"my first words", "Reply 1", "my reply elsewhere"}
    assert [r["note"] for r in data["moderation"]["reports_made"]] == ["my note"]
    assert data["moderation"]["warnings_received"][0]["from"] == "a moderator"
    text = response.content.decode()
    for foreign in ("someone", "someone else's reply", "note by the other member", "their words",
                    mod.username, "password"):
        assert foreign not in text, foreign


# Where the export shows each table's rows, and which key holds each inventory field.
EXPORTED_RECORD = {
    "accounts_user": lambda data: data["account"],
    "accounts_invite": lambda data: data["account"]["invites_made"][0],
    "mfa_authenticator": lambda data: data["account"]["two_factor"][0],
    "forum_topic": lambda data: data["forum"]["topics"][0],
    "forum_post": lambda data: data["forum"]["posts"][0],
    "moderation_report": lambda data: data["moderation"]["reports_made"][0],
    "moderation_notice": lambda data: data["moderation"]["warnings_received"][0],
}
EXPORT_KEY = {
    "accounts_user": {"username": "pseudonym", "date_joined": "joined_on", "last_login": "last_sign_in_day",
                      "is_staff": "admin", "is_superuser": "superuser", "is_active": "active",
                      "is_global_moderator": "global_moderator", "posts_held": "posts_held",
                      "suspended_until": "suspended_until", "approved_post_count": "approved_posts",
                      "quick_exit_signs_out": "quick_exit_signs_out", "language": "language",
                      "approval_pending": "waiting_for_approval", "approval_answer": "answer_when_joining",
                      "invite": "joined_with_invite_from"},
    "accounts_invite": {"created_at": "made", "expires_at": "ends", "uses_left": "uses_left",
                        "used_at": "last_used"},
    "mfa_authenticator": {"type": "type", "created_at": "set_up_on", "last_used_at": "last_used_on"},
    "forum_topic": {"id": "id", "title": "title", "board": "board", "created_at": "started",
                    "status": "status", "expires_at": "disappears_on"},
    "forum_post": {"id": "id", "body": "text", "topic": "topic", "created_at": "written",
                   "edited_at": "edited", "status": "status", "expires_at": "disappears_on"},
    "moderation_report": {"reason": "reason", "note": "note", "created_at": "made"},
    "moderation_notice": {"text": "text", "created_at": "written", "seen_at": "read"},
}  # fmt: skip
# The account's own row is exported whole, whoever else sees each field.
WHOLE_TABLES = {"accounts_user"}
# Not content: ids of rows the export lists anyway, links back to the member themself,
# what is derived for the code, and what describes a topic rather than the member's writing.
NOT_CONTENT = {
    "accounts_user": {"id", "password", "username_skeleton"},
    "accounts_invite": {"id", "inviter"},
    "forum_topic": {"author", "last_activity_at", "pinned", "locked", "post_count", "last_post"},
    "forum_post": {"author", "body_html", "edited_by_moderator"},
    "moderation_report": {"reporter"},
    "moderation_notice": {"id", "member"},
}
# "who sees it" naming the member themself: the legend's "member(s)", or the member in
# their part (the inviter, the reporter, the author).
SEEN_BY_THE_MEMBER = re.compile(r"\b(member|members|inviter|reporter|author)\b")


def _fields_the_member_must_get() -> dict[str, set[str]]:
    """Return {table: fields} from the inventory: every personal field the member can see."""
    from tests.test_data_inventory import inventory_rows

    wanted: dict[str, set[str]] = {}
    for row in inventory_rows():
        table = row["table"]
        if "no personal data" in row["expires"] or not row["fields"]:
            continue
        if table in WHOLE_TABLES or SEEN_BY_THE_MEMBER.search(row["who"]):
            fields = set(row["fields"]) - NOT_CONTENT.get(table, set())
            if fields:
                wanted.setdefault(table, set()).update(fields)
    return wanted


def test_export_covers_every_personal_field_of_the_inventory(client_for, busy_member, password, other_member, give_totp):
    """Every field the inventory says the member sees (and all of their account) is in the export."""
    from allauth.mfa.models import Authenticator

    from accounts import invites
    from moderation.models import Notice

    invite, _code = invites.create_invite(busy_member, uses=2)
    invites.use(_code, other_member)
    give_totp(busy_member)
    Authenticator.objects.get(user=busy_member).record_usage()
    Notice.objects.filter(member=busy_member).update(seen_at=Notice.objects.get(member=busy_member).created_at)
    data = json.loads(_download(client_for(busy_member), password).content)
    wanted = _fields_the_member_must_get()
    assert {"accounts_user", "accounts_invite", "mfa_authenticator", "forum_topic", "forum_post",
            "moderation_report", "moderation_notice"} <= set(wanted)  # fmt: skip
    for table, fields in sorted(wanted.items()):
        assert table in EXPORTED_RECORD, f"{table} holds what the member sees: add it to the export and here"
        record = EXPORTED_RECORD[table](data)
        for field in sorted(fields):
            key = EXPORT_KEY[table].get(field)
            assert key is not None, f"{table}.{field} is personal data: add it to the export and to EXPORT_KEY"
            assert key in record, f"{table}.{field} ({key}) is missing from the export"
    stale = [f"{t}.{f}" for t, keys in EXPORT_KEY.items() for f in keys if f not in wanted.get(t, set())]
    assert not stale, f"EXPORT_KEY names fields the inventory does not list as the member's: {stale}"
    assert data["account"]["two_factor"][0]["last_used_on"] is not None
    assert data["moderation"]["warnings_received"][0]["read"] is not None
    assert data["account"]["invites_made"][0]["last_used"] is not None


def test_delete_account_and_posts(client_for, busy_member, password, board):
    c = client_for(busy_member)
    own = Topic.objects.get(title="My own topic")
    response = c.post(reverse("accounts:delete_account"), {"password": password, "content": "delete"})
    assert response.status_code == 200
    assert response["Clear-Site-Data"]
    assert not User.objects.filter(username="member").exists()
    assert not Post.objects.filter(body__in=["my first words", "Reply 1", "my reply elsewhere"]).exists()
    own.refresh_from_db()
    assert own.title == "" and own.author is None
    assert own.posts.get().body == "someone else's reply"
    assert "title removed" in client_for(None).get(own.get_absolute_url()).text
    assert Report.objects.get(note="my note").reporter is None
    assert not Notice.objects.exists()
    assert c.get(reverse("accounts:account")).status_code == 302
    board.refresh_from_db()
    assert board.post_count == Post.objects.filter(topic__board=board).count()


def test_delete_account_keeping_posts_as_former_member(client_for, busy_member, password):
    c = client_for(busy_member)
    c.post(reverse("accounts:delete_account"), {"password": password, "content": "keep"})
    post = Post.objects.get(body="my reply elsewhere")
    assert post.author is None
    assert "former member" in client_for(None).get(post.topic.get_absolute_url()).text


def test_delete_account_with_a_wrong_password_keeps_everything(client_for, busy_member):
    response = client_for(busy_member).post(
        reverse("accounts:delete_account"), {"password": "wrong", "content": "delete"}
    )
    assert response.status_code == 200
    assert "That is not your password." in response.text
    assert User.objects.filter(username="member").exists()


def test_panic_wipe_deletes_everything_at_once_and_clears_the_browser(client_for, busy_member, password):
    c = client_for(busy_member)
    page = c.get("/")
    assert reverse("accounts:panic_wipe") in page.text
    response = c.post(reverse("accounts:panic_wipe"), {"password": password})
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    for word in ("Hearth", "forum", "board", "member", "account"):
        assert word.lower() not in response.text.lower(), word
    assert not User.objects.filter(pk=busy_member.pk).exists()
    assert not Post.objects.filter(author__isnull=True, body__startswith="my").exists()
    assert c.get(reverse("accounts:account")).status_code == 302
    for board in Board.objects.all():
        assert board.post_count == Post.objects.filter(topic__board=board, status="visible").count()


def test_password_guessing_on_the_wipe_form_is_rate_limited(client_for, member):
    c = client_for(member)
    statuses = [c.post(reverse("accounts:panic_wipe"), {"password": f"guess{n}"}).status_code for n in range(12)]
    assert 429 in statuses
    assert User.objects.filter(pk=member.pk).exists()


def test_signed_in_pages_link_to_the_wipe(client_for, member, topic):
    text = client_for(member).get(topic.get_absolute_url()).text
    assert re.search(r'href="/account/wipe/"', text)


def test_the_wipe_ends_the_members_sessions_on_every_device(client_for, member, other_member, password):
    from django.contrib.sessions.models import Session

    phone, laptop, someone_else = client_for(member), client_for(member), client_for(other_member)
    assert Session.objects.count() == 3
    phone.post(reverse("accounts:panic_wipe"), {"password": password})
    assert Session.objects.count() == 1
    assert laptop.get(reverse("accounts:account")).status_code == 302
    assert someone_else.get(reverse("accounts:account")).status_code == 200


def test_the_neutral_page_loads_nothing_and_names_nothing(client_for, member, password, site):
    response = client_for(member).post(reverse("accounts:panic_wipe"), {"password": password})
    page = response.text
    assert "<link" not in page and "<script" not in page and "<img" not in page
    assert "/static/" not in page and site.site_name not in page
    assert 'href="/' not in page  # no way back into the site from the neutral page


def test_export_of_a_member_who_wrote_nothing_has_empty_sections(client_for, member, password):
    data = json.loads(_download(client_for(member), password).content)
    assert data["account"]["pseudonym"] == "member"
    assert data["forum"] == {"topics": [], "posts": []}
    assert data["moderation"]["reports_made"] == []


def test_deleting_an_account_keeps_every_counter_equal_to_a_recount(client_for, busy_member, password):
    client_for(busy_member).post(reverse("accounts:delete_account"), {"password": password, "content": "delete"})
    for topic in Topic.objects.all():
        visible = topic.posts.filter(status="visible")
        assert topic.post_count == visible.count()
        assert topic.last_post_id == visible.order_by("-id").first().pk
    for board in Board.objects.all():
        topics = Topic.objects.filter(board=board, status="visible")
        assert board.topic_count == topics.count()
        assert board.post_count == sum(t.post_count for t in topics)
