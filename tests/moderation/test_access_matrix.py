"""Every URL of the project, for every role: the exact status each one gets.

A new URL in one of Hearth's namespaces fails this test until it is given its row here:
decide who may see it, and write it down.
"""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from forum import actions as forum_actions
from forum.models import Visibility
from moderation import actions
from moderation.models import Case, Notice, Reason

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "new_member", "suspended", "banned", "other_board_mod",
         "board_mod", "global_mod", "admin"]  # fmt: skip
OUR_NAMESPACES = {"forum", "accounts", "moderation", "reports"}
OUR_PLAIN_NAMES = {"quick_exit", "set_language"}


def row(anonymous, member, new_member, suspended, banned, other_board_mod, board_mod, global_mod, admin):
    return dict(zip(ROLES, (anonymous, member, new_member, suspended, banned, other_board_mod,
                            board_mod, global_mod, admin), strict=True))  # fmt: skip


def everyone(status):
    return row(*[status] * len(ROLES))


SIGNED_IN = row(302, 200, 200, 200, 302, 200, 200, 200, 200)
WRITER = row(302, 200, 200, 403, 302, 200, 200, 200, 200)
NOT_AUTHOR = row(302, 403, 403, 403, 302, 403, 403, 403, 403)
ANY_MODERATOR = row(302, 404, 404, 404, 302, 200, 200, 200, 200)
THIS_BOARDS_MODERATOR = row(302, 404, 404, 404, 302, 404, 200, 200, 200)
GLOBAL_MODERATOR = row(302, 404, 404, 404, 302, 404, 404, 200, 200)
MODERATOR_POST_ONLY = row(302, 404, 404, 404, 302, 405, 405, 405, 405)
ENTRANCE = row(200, 302, 302, 302, 200, 302, 302, 302, 302)


@pytest.fixture
def world(user_factory, board_factory, give_totp, site):
    author = user_factory("author")
    board = board_factory("open", visibility=Visibility.PUBLIC)
    members_board = board_factory("closed", visibility=Visibility.MEMBERS)
    trusted_board = board_factory("inner", visibility=Visibility.TRUSTED)
    other_board = board_factory("other")
    topic = forum_actions.create_topic(board, author=author, title="visible", body="b")
    forum_actions.create_reply(topic, author=author, body="reply")
    post = topic.posts.order_by("id").first()
    members_topic = forum_actions.create_topic(members_board, author=author, title="m", body="b")
    users = {
        "member": user_factory("plainmember"),
        "new_member": user_factory("newbie", established=False),
        "suspended": user_factory("paused", suspended_until=timezone.now() + datetime.timedelta(days=2)),
        "banned": user_factory("gone", is_active=False),
        "other_board_mod": give_totp(user_factory("othermod")),
        "board_mod": give_totp(user_factory("boardmod")),
        "global_mod": give_totp(user_factory("globalmod", is_global_moderator=True)),
        "admin": give_totp(user_factory("admin", is_staff=True, is_superuser=True)),
    }
    other_board.moderators.add(users["other_board_mod"])
    board.moderators.add(users["board_mod"])
    held_topic = forum_actions.create_topic(board, author=users["new_member"], title="held", body="held")
    actions.report(post, reporter=users["member"], reason=Reason.SPAM)
    case = Case.objects.get(post=post)
    notice = Notice.objects.create(member=author, text="x")
    from accounts.invites import create_invite

    invite, _code = create_invite(author)
    return {"users": users, "author": author, "board": board, "members_board": members_board,
            "trusted_board": trusted_board, "topic": topic, "post": post,
            "members_topic": members_topic, "held_topic": held_topic, "case": case,
            "notice": notice, "invite": invite}  # fmt: skip


def expectations(w):
    """Return {name: [(url, {role: status}), ...]} for every URL name."""
    p, t, b = w["post"].pk, w["topic"].pk, w["board"].pk
    return {
        "forum:board_index": [("/", everyone(200))],
        "forum:rules": [(reverse("forum:rules"), everyone(200))],
        "set_language": [(reverse("set_language"), everyone(302))],
        "forum:search": [(reverse("forum:search") + "?q=visible", SIGNED_IN)],
        "forum:board_detail": [
            (reverse("forum:board_detail", args=[b]), everyone(200)),
            (reverse("forum:board_detail", args=[w["members_board"].pk]),
             row(404, 200, 200, 200, 404, 200, 200, 200, 200)),
            (reverse("forum:board_detail", args=[w["trusted_board"].pk]),
             row(404, 200, 404, 200, 404, 200, 200, 200, 200)),
            (reverse("forum:board_detail", args=[999999]), everyone(404)),
        ],
        "forum:board_by_address": [
            (reverse("forum:board_by_address", args=[w["board"].slug]), everyone(302)),
            (reverse("forum:board_by_address", args=[w["members_board"].slug]),
             row(404, 302, 302, 302, 404, 302, 302, 302, 302)),
            (reverse("forum:board_by_address", args=["missing"]), everyone(404)),
        ],
        "forum:topic_create": [(reverse("forum:topic_create", args=[b]), WRITER),
                               (reverse("forum:topic_create", args=[w["trusted_board"].pk]),
                                row(302, 200, 404, 403, 302, 200, 200, 200, 200))],
        "forum:topic_detail": [
            (reverse("forum:topic_detail", args=[t]), everyone(200)),
            (reverse("forum:topic_detail", args=[w["held_topic"].pk]),
             row(404, 404, 200, 404, 404, 404, 200, 200, 200)),
            (reverse("forum:topic_detail", args=[w["members_topic"].pk]),
             row(404, 200, 200, 200, 404, 200, 200, 200, 200)),
            (reverse("forum:topic_detail", args=[999999]), everyone(404)),
        ],
        "forum:reply_create": [
            (reverse("forum:reply_create", args=[t]), WRITER),
            (reverse("forum:reply_create", args=[w["held_topic"].pk]),
             row(302, 404, 403, 404, 302, 404, 200, 200, 200)),
        ],
        "forum:post_detail": [(reverse("forum:post_detail", args=[p]), everyone(302)),
                              (reverse("forum:post_detail", args=[999999]), everyone(404))],
        "forum:post_edit": [(reverse("forum:post_edit", args=[p]), NOT_AUTHOR)],
        "forum:post_delete": [(reverse("forum:post_delete", args=[p]), NOT_AUTHOR)],
        "accounts:account": [(reverse("accounts:account"), SIGNED_IN)],
        "accounts:recovery_codes": [(reverse("accounts:recovery_codes"), SIGNED_IN)],
        "accounts:recover": [(reverse("accounts:recover"), everyone(200))],
        # Invites: members past probation (the default setting); moderators always are.
        "accounts:invites": [(reverse("accounts:invites"), row(302, 200, 403, 403, 302, 200, 200, 200, 200))],
        "accounts:invite_revoke": [(reverse("accounts:invite_revoke", args=[w["invite"].pk]),
                                    row(302, 405, 405, 405, 302, 405, 405, 405, 405))],
        "accounts:data_export": [(reverse("accounts:data_export"), SIGNED_IN)],
        "accounts:delete_account": [(reverse("accounts:delete_account"), SIGNED_IN)],
        "accounts:panic_wipe": [(reverse("accounts:panic_wipe"), SIGNED_IN)],
        "quick_exit": [(reverse("quick_exit"), everyone(302))],
        "moderation:queue": [(reverse("moderation:queue"), ANY_MODERATOR)],
        "moderation:log": [(reverse("moderation:log"), ANY_MODERATOR)],
        "moderation:case_detail": [(reverse("moderation:case_detail", args=[w["case"].pk]), THIS_BOARDS_MODERATOR)],
        "moderation:case_dismiss": [(reverse("moderation:case_dismiss", args=[w["case"].pk]), MODERATOR_POST_ONLY)],
        "moderation:post_tools": [(reverse("moderation:post_tools", args=[p]), THIS_BOARDS_MODERATOR)],
        "moderation:post_action": [(reverse("moderation:post_action", args=[p, "hide"]), MODERATOR_POST_ONLY)],
        "moderation:topic_tools": [(reverse("moderation:topic_tools", args=[t]), THIS_BOARDS_MODERATOR)],
        "moderation:topic_action": [(reverse("moderation:topic_action", args=[t, "lock"]), MODERATOR_POST_ONLY)],
        "moderation:invite_tree": [(reverse("moderation:invite_tree", args=[w["author"].pk]),
                                    row(302, 404, 404, 404, 302, 404, 404, 404, 200))],
        "moderation:invite_tree_action": [(reverse("moderation:invite_tree_action", args=[w["author"].pk]),
                                           MODERATOR_POST_ONLY)],
        "moderation:signup_action": [(reverse("moderation:signup_action", args=[w["author"].pk, "approve"]),
                                      MODERATOR_POST_ONLY)],
        "moderation:member_tools": [(reverse("moderation:member_tools", args=[w["author"].pk]), GLOBAL_MODERATOR)],
        "moderation:member_action": [(reverse("moderation:member_action", args=[w["author"].pk, "warn"]), MODERATOR_POST_ONLY)],
        "reports:report_post": [(reverse("reports:report_post", args=[p]), WRITER)],
        "reports:report_topic": [(reverse("reports:report_topic", args=[t]), WRITER)],
        "reports:report_author": [(reverse("reports:report_author", args=[p]), WRITER)],
        "reports:notice_dismiss": [(reverse("reports:notice_dismiss", args=[w["notice"].pk]),
                                    row(302, 405, 405, 405, 302, 405, 405, 405, 405))],
        "account_login": [(reverse("account_login"), ENTRANCE)],
        "account_signup": [(reverse("account_signup"), ENTRANCE)],
        "account_logout": [(reverse("account_logout"), row(302, 200, 200, 200, 302, 200, 200, 200, 200))],
        "account_change_password": [(reverse("account_change_password"), SIGNED_IN)],
        "mfa_index": [(reverse("mfa_index"), SIGNED_IN)],
        "admin:index": [(reverse("admin:index"), row(302, 302, 302, 302, 302, 302, 302, 302, 200))],
        "email and reset routes": [(url, everyone(404)) for url in (
            "/accounts/password/reset/", "/accounts/email/", "/accounts/confirm-email/")],
    }  # fmt: skip


def _our_url_names(patterns=None, namespace=None):
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            names |= _our_url_names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in OUR_NAMESPACES:
                names.add(f"{namespace}:{entry.name}")
            elif namespace is None and entry.name in OUR_PLAIN_NAMES:
                names.add(entry.name)
    return names


def test_every_hearth_url_has_an_expectation(world):
    missing = _our_url_names() - set(expectations(world))
    assert not missing, f"add these URL names to the access matrix with their statuses: {missing}"


def test_every_role_gets_exactly_the_expected_status(world):
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    wrong = []
    for name, cases in expectations(world).items():
        for url, statuses in cases:
            for role in ROLES:
                got = clients[role].get(url).status_code
                if got != statuses[role]:
                    wrong.append(f"{name} {url} as {role}: expected {statuses[role]}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_hidden_objects_answer_exactly_like_missing_ones(world):
    c = Client()
    c.force_login(world["users"]["member"])
    hidden = c.get(reverse("forum:topic_detail", args=[world["held_topic"].pk]))
    missing = c.get(reverse("forum:topic_detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers.keys() == missing.headers.keys()
