"""Every URL of the project, for every role: the exact status each one gets.

The whole resolver is walked: Hearth's own pages, every django-allauth route Hearth exposes
(or answers 404 for), the language switch and the admin site. A new URL name anywhere fails
this test until it is given its row here: decide who may see it, and write it down. The
admin's add, history and delete pages of each registered model are listed by name in
ADMIN_NOT_VISITED; a newly registered model fails until it is added to ADMIN_MODELS.
"""

import datetime
import re
from typing import NamedTuple

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from forum import actions as forum_actions
from forum.models import Visibility
from moderation import actions
from moderation.models import Case, LogEntry, Notice, Reason

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "new_member", "suspended", "banned", "other_board_mod",
         "board_mod", "global_mod", "admin", "unverified_mod"]  # fmt: skip


def row(anonymous, member, new_member, suspended, banned, other_board_mod, board_mod, global_mod, admin,
        *, unverified_mod=None):  # fmt: skip
    """Return {role: status}. A moderator without two-factor is a plain member unless told otherwise."""
    unverified_mod = member if unverified_mod is None else unverified_mod
    return dict(zip(ROLES, (anonymous, member, new_member, suspended, banned, other_board_mod,
                            board_mod, global_mod, admin, unverified_mod), strict=True))  # fmt: skip


def everyone(status):
    return row(*[status] * 9)


class Visit(NamedTuple):
    url: str
    statuses: dict
    data: dict | None = None  # posted if set, else a GET


def post(url, statuses, data=None):
    return Visit(url, statuses, data or {})


SIGNED_IN = row(302, 200, 200, 200, 302, 200, 200, 200, 200)
WRITER = row(302, 200, 200, 403, 302, 200, 200, 200, 200)
NOT_AUTHOR = row(302, 403, 403, 403, 302, 403, 403, 403, 403)
# Moderation pages send a moderator without two-factor to set it up (302).
ANY_MODERATOR = row(302, 404, 404, 404, 302, 200, 200, 200, 200, unverified_mod=302)
THIS_BOARDS_MODERATOR = row(302, 404, 404, 404, 302, 404, 200, 200, 200, unverified_mod=302)
GLOBAL_MODERATOR = row(302, 404, 404, 404, 302, 404, 404, 200, 200, unverified_mod=302)
MODERATOR_POST_ONLY = row(302, 404, 404, 404, 302, 405, 405, 405, 405, unverified_mod=302)
# Posting a moderator's form without a reason: 400 (form errors, nothing changes) for who may.
THIS_BOARDS_MODERATOR_POST = row(302, 404, 404, 404, 302, 404, 400, 400, 400, unverified_mod=302)
GLOBAL_MODERATOR_POST = row(302, 404, 404, 404, 302, 404, 404, 400, 400, unverified_mod=302)
ENTRANCE = row(200, 302, 302, 302, 200, 302, 302, 302, 302)
# Only the admin (staff with two-factor) gets in; everyone else is sent to sign in (302),
# a moderator without two-factor to set it up (302).
ADMIN_ONLY = row(302, 302, 302, 302, 302, 302, 302, 302, 200, unverified_mod=302)
SIGNED_IN_NOT_FOUND = row(302, 404, 404, 404, 302, 404, 404, 404, 404)
# Routes that need an email: Hearth answers 404 (config/urls.py).
NO_EMAIL = everyone(404)

# Every model the admin site registers, by URL prefix: its changelist and one change page
# are visited; its add, history and delete pages are only named here.
ADMIN_MODELS = ("auth_group", "mfa_authenticator", "accounts_user",
                "accounts_sitesettings", "forum_board", "moderation_logentry", "moderation_case",
                "retention_retentionrule", "retention_boardretention", "retention_expirychoice")  # fmt: skip
ADMIN_NOT_VISITED = {f"admin:{model}_{page}" for model in ADMIN_MODELS for page in ("add", "history", "delete")} | {
    "admin:autocomplete",  # answers only the admin's own autocomplete widgets
    "admin:view_on_site",  # no registered model has a page on the site to go to
}  # fmt: skip


@pytest.fixture
def world(user_factory, board_factory, give_totp, site):
    author = user_factory("author")
    board = board_factory("open", visibility=Visibility.PUBLIC)
    members_board = board_factory("closed", visibility=Visibility.MEMBERS)
    trusted_board = board_factory("inner", visibility=Visibility.TRUSTED)
    other_board = board_factory("other")
    topic = forum_actions.create_topic(board, author=author, title="visible", body="b")
    forum_actions.create_reply(topic, author=author, body="reply")
    hidden_post = forum_actions.create_reply(topic, author=author, body="hidden by a moderator")
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
        "unverified_mod": user_factory("unverified", is_global_moderator=True),
    }
    other_board.moderators.add(users["other_board_mod"])
    board.moderators.add(users["board_mod"])
    held_topic = forum_actions.create_topic(board, author=users["new_member"], title="held", body="held")
    actions.report(post, reporter=users["member"], reason=Reason.SPAM)
    actions.hide_post(hidden_post, actor=users["global_mod"], reason="names someone")
    case = Case.objects.get(post=post)
    notice = Notice.objects.create(member=author, text="x")
    waiting = user_factory("waiting", is_active=False, approval_pending=True, approval_answer="hello")
    from accounts.invites import create_invite
    from allauth.mfa.models import Authenticator
    from retention.models import BoardRetention, ExpiryChoice, RetentionRule

    invite, _code = create_invite(author)
    admin_objects = {
        "auth_group": Group.objects.create(name="editors").pk,
        "mfa_authenticator": Authenticator.objects.get(user=users["admin"]).pk,
        "accounts_user": author.pk,
        "accounts_sitesettings": site.pk,
        "forum_board": board.pk,
        "moderation_logentry": LogEntry.objects.first().pk,
        "moderation_case": case.pk,
        "retention_retentionrule": RetentionRule.objects.get_or_create(kind="reports", defaults={"days": 30})[0].pk,
        "retention_boardretention": BoardRetention.objects.create(board=other_board, days=30).pk,
        "retention_expirychoice": ExpiryChoice.objects.get_or_create(days=7)[0].pk,
    }
    return {"users": users, "author": author, "board": board, "members_board": members_board,
            "trusted_board": trusted_board, "topic": topic, "post": post, "hidden_post": hidden_post,
            "members_topic": members_topic, "held_topic": held_topic, "case": case,
            "notice": notice, "invite": invite, "waiting": waiting, "admin_objects": admin_objects}  # fmt: skip


def _admin_model_rows(w):
    rows = {}
    for model in ADMIN_MODELS:
        pk = w["admin_objects"][model]
        rows[f"admin:{model}_changelist"] = [Visit(reverse(f"admin:{model}_changelist"), ADMIN_ONLY)]
        # The admin opens a change page; one of a row that does not exist sends them to the index.
        rows[f"admin:{model}_change"] = [Visit(reverse(f"admin:{model}_change", args=[pk]), ADMIN_ONLY)]
    return rows


def expectations(w):
    """Return {name: [Visit, ...]} for every URL name."""
    p, t, b = w["post"].pk, w["topic"].pk, w["board"].pk
    hidden = w["hidden_post"].pk
    author = w["author"].pk
    return {
        "forum:board_index": [Visit("/", everyone(200))],
        "forum:rules": [Visit(reverse("forum:rules"), everyone(200))],
        "set_language": [Visit(reverse("set_language"), everyone(302)),
                         post(reverse("set_language"), everyone(302), {"language": "de", "next": "/"})],
        "forum:search": [Visit(reverse("forum:search") + "?q=visible", SIGNED_IN)],
        "forum:board_detail": [
            Visit(reverse("forum:board_detail", args=[b]), everyone(200)),
            Visit(reverse("forum:board_detail", args=[w["members_board"].pk]),
                  row(404, 200, 200, 200, 404, 200, 200, 200, 200)),
            Visit(reverse("forum:board_detail", args=[w["trusted_board"].pk]),
                  row(404, 200, 404, 200, 404, 200, 200, 200, 200)),
            Visit(reverse("forum:board_detail", args=[999999]), everyone(404)),
        ],
        "forum:board_by_address": [
            Visit(reverse("forum:board_by_address", args=[w["board"].slug]), everyone(302)),
            Visit(reverse("forum:board_by_address", args=[w["members_board"].slug]),
                  row(404, 302, 302, 302, 404, 302, 302, 302, 302)),
            Visit(reverse("forum:board_by_address", args=["missing"]), everyone(404)),
        ],
        "forum:topic_create": [Visit(reverse("forum:topic_create", args=[b]), WRITER),
                               Visit(reverse("forum:topic_create", args=[w["trusted_board"].pk]),
                                     row(302, 200, 404, 403, 302, 200, 200, 200, 200))],
        "forum:topic_detail": [
            Visit(reverse("forum:topic_detail", args=[t]), everyone(200)),
            Visit(reverse("forum:topic_detail", args=[w["held_topic"].pk]),
                  row(404, 404, 200, 404, 404, 404, 200, 200, 200)),
            Visit(reverse("forum:topic_detail", args=[w["members_topic"].pk]),
                  row(404, 200, 200, 200, 404, 200, 200, 200, 200)),
            Visit(reverse("forum:topic_detail", args=[999999]), everyone(404)),
        ],
        "forum:reply_create": [
            Visit(reverse("forum:reply_create", args=[t]), WRITER),
            Visit(reverse("forum:reply_create", args=[w["held_topic"].pk]),
                  row(302, 404, 403, 404, 302, 404, 200, 200, 200)),
        ],
        "forum:post_detail": [Visit(reverse("forum:post_detail", args=[p]), everyone(302)),
                              Visit(reverse("forum:post_detail", args=[hidden]),
                                    row(404, 404, 404, 404, 404, 404, 302, 302, 302)),
                              Visit(reverse("forum:post_detail", args=[999999]), everyone(404))],
        "forum:post_edit": [Visit(reverse("forum:post_edit", args=[p]), NOT_AUTHOR)],
        "forum:post_delete": [Visit(reverse("forum:post_delete", args=[p]), NOT_AUTHOR),
                              post(reverse("forum:post_delete", args=[p]), NOT_AUTHOR)],
        "accounts:account": [Visit(reverse("accounts:account"), SIGNED_IN)],
        "accounts:recovery_codes": [Visit(reverse("accounts:recovery_codes"), SIGNED_IN)],
        "accounts:recover": [Visit(reverse("accounts:recover"), everyone(200))],
        # Invites: members past probation (the default setting); moderators always are.
        "accounts:invites": [Visit(reverse("accounts:invites"), row(302, 200, 403, 403, 302, 200, 200, 200, 200))],
        "accounts:invite_revoke": [Visit(reverse("accounts:invite_revoke", args=[w["invite"].pk]),
                                         row(302, 405, 405, 405, 302, 405, 405, 405, 405)),
                                   post(reverse("accounts:invite_revoke", args=[w["invite"].pk]),
                                        row(302, 404, 404, 404, 302, 404, 404, 404, 404))],
        "accounts:data_export": [Visit(reverse("accounts:data_export"), SIGNED_IN)],
        "accounts:delete_account": [Visit(reverse("accounts:delete_account"), SIGNED_IN)],
        "accounts:panic_wipe": [Visit(reverse("accounts:panic_wipe"), SIGNED_IN)],
        "quick_exit": [Visit(reverse("quick_exit"), everyone(302))],
        "moderation:queue": [Visit(reverse("moderation:queue"), ANY_MODERATOR)],
        "moderation:log": [Visit(reverse("moderation:log"), ANY_MODERATOR)],
        "moderation:case_detail": [Visit(reverse("moderation:case_detail", args=[w["case"].pk]), THIS_BOARDS_MODERATOR)],
        "moderation:case_dismiss": [
            Visit(reverse("moderation:case_dismiss", args=[w["case"].pk]), MODERATOR_POST_ONLY),
            post(reverse("moderation:case_dismiss", args=[w["case"].pk]), THIS_BOARDS_MODERATOR_POST),
        ],
        "moderation:post_tools": [Visit(reverse("moderation:post_tools", args=[p]), THIS_BOARDS_MODERATOR),
                                  Visit(reverse("moderation:post_tools", args=[hidden]), THIS_BOARDS_MODERATOR)],
        "moderation:post_action": [
            Visit(reverse("moderation:post_action", args=[p, "hide"]), MODERATOR_POST_ONLY),
            post(reverse("moderation:post_action", args=[p, "hide"]), THIS_BOARDS_MODERATOR_POST),
            post(reverse("moderation:post_action", args=[hidden, "unhide"]), THIS_BOARDS_MODERATOR_POST),
        ],
        "moderation:topic_tools": [Visit(reverse("moderation:topic_tools", args=[t]), THIS_BOARDS_MODERATOR)],
        "moderation:topic_action": [
            Visit(reverse("moderation:topic_action", args=[t, "lock"]), MODERATOR_POST_ONLY),
            post(reverse("moderation:topic_action", args=[t, "lock"]), THIS_BOARDS_MODERATOR_POST),
        ],
        "moderation:invite_tree": [Visit(reverse("moderation:invite_tree", args=[author]),
                                         row(302, 404, 404, 404, 302, 404, 404, 404, 200, unverified_mod=302))],
        "moderation:invite_tree_action": [
            Visit(reverse("moderation:invite_tree_action", args=[author]), MODERATOR_POST_ONLY),
            post(reverse("moderation:invite_tree_action", args=[author]),
                 row(302, 404, 404, 404, 302, 404, 404, 404, 400, unverified_mod=302)),
        ],
        "moderation:signup_action": [
            Visit(reverse("moderation:signup_action", args=[w["waiting"].pk, "approve"]), MODERATOR_POST_ONLY),
            # Without a reason the queue says so (302) and the newcomer still waits.
            post(reverse("moderation:signup_action", args=[w["waiting"].pk, "approve"]),
                 row(302, 404, 404, 404, 302, 404, 404, 302, 302, unverified_mod=302)),
        ],
        "moderation:member_tools": [Visit(reverse("moderation:member_tools", args=[author]), GLOBAL_MODERATOR)],
        "moderation:member_action": [
            Visit(reverse("moderation:member_action", args=[author, "warn"]), MODERATOR_POST_ONLY),
            post(reverse("moderation:member_action", args=[author, "suspend"]), GLOBAL_MODERATOR_POST),
            post(reverse("moderation:member_action", args=[author, "ban"]), GLOBAL_MODERATOR_POST),
        ],
        "reports:report_post": [Visit(reverse("reports:report_post", args=[p]), WRITER),
                                Visit(reverse("reports:report_post", args=[hidden]),
                                      row(302, 404, 404, 404, 302, 404, 200, 200, 200))],
        "reports:report_topic": [Visit(reverse("reports:report_topic", args=[t]), WRITER)],
        "reports:report_author": [Visit(reverse("reports:report_author", args=[p]), WRITER)],
        "reports:notice_dismiss": [
            Visit(reverse("reports:notice_dismiss", args=[w["notice"].pk]),
                  row(302, 405, 405, 405, 302, 405, 405, 405, 405)),
            post(reverse("reports:notice_dismiss", args=[w["notice"].pk]),
                 row(302, 404, 404, 404, 302, 404, 404, 404, 404)),
        ],
        # django-allauth
        "account_login": [Visit(reverse("account_login"), ENTRANCE)],
        "account_signup": [Visit(reverse("account_signup"), ENTRANCE)],
        "account_logout": [Visit(reverse("account_logout"), row(302, 200, 200, 200, 302, 200, 200, 200, 200))],
        "account_inactive": [Visit(reverse("account_inactive"), everyone(200))],
        "account_reauthenticate": [Visit(reverse("account_reauthenticate"), SIGNED_IN)],
        "account_change_password": [Visit(reverse("account_change_password"), SIGNED_IN)],
        # Every member has a password: the page to set a first one sends them to change it.
        "account_set_password": [Visit(reverse("account_set_password"), row(302, 302, 302, 302, 302, 302, 302,
                                                                           302, 302))],
        "account_email": [Visit(reverse("account_email"), NO_EMAIL)],
        "account_email_verification_sent": [Visit(reverse("account_email_verification_sent"), NO_EMAIL)],
        "account_confirm_email": [Visit(reverse("account_confirm_email", args=["somekey"]), NO_EMAIL)],
        "account_reset_password": [Visit(reverse("account_reset_password"), NO_EMAIL)],
        "account_reset_password_done": [Visit(reverse("account_reset_password_done"), NO_EMAIL)],
        "account_reset_password_from_key": [
            Visit(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "k"}), NO_EMAIL)],
        "account_reset_password_from_key_done": [Visit(reverse("account_reset_password_from_key_done"), NO_EMAIL)],
        "account_confirm_login_code": [Visit(reverse("account_confirm_login_code"), NO_EMAIL)],
        "mfa_index": [Visit(reverse("mfa_index"), SIGNED_IN)],
        # Only in the middle of signing in, after the password.
        "mfa_authenticate": [Visit(reverse("mfa_authenticate"), row(302, 302, 302, 302, 302, 302, 302, 302, 302))],
        # Confirming with the second factor: for who has one; the others are sent elsewhere.
        "mfa_reauthenticate": [Visit(reverse("mfa_reauthenticate"), row(302, 302, 302, 302, 302, 200, 200, 200, 200))],
        # Setting up: those who have it are sent back; the others first confirm their password.
        "mfa_activate_totp": [Visit(reverse("mfa_activate_totp"), everyone(302))],
        "mfa_deactivate_totp": [Visit(reverse("mfa_deactivate_totp"), row(302, 404, 404, 404, 302, 302, 302,
                                                                         302, 302))],
        # Nobody here has made recovery codes of allauth's (Hearth has its own): nothing to show.
        "mfa_view_recovery_codes": [Visit(reverse("mfa_view_recovery_codes"), SIGNED_IN_NOT_FOUND)],
        "mfa_generate_recovery_codes": [Visit(reverse("mfa_generate_recovery_codes"), row(302, 302, 302, 302,
                                                                                         302, 302, 302, 302, 302))],
        "mfa_download_recovery_codes": [Visit(reverse("mfa_download_recovery_codes"), SIGNED_IN_NOT_FOUND)],
        "email and reset routes": [Visit(url, NO_EMAIL) for url in (
            "/accounts/password/reset/", "/accounts/email/", "/accounts/confirm-email/", "/accounts/login/code/",
            "/accounts/phone/", "/accounts/reauthenticate/code/")],
        # The admin site. Its sign-in is Hearth's (allauth's): it never signs anyone in itself.
        "admin:index": [Visit(reverse("admin:index"), ADMIN_ONLY)],
        "admin:login": [Visit(reverse("admin:login"), row(302, 404, 404, 404, 302, 404, 404, 404, 302,
                                                          unverified_mod=302))],
        "admin:logout": [Visit(reverse("admin:logout"), row(302, 302, 302, 302, 302, 302, 302, 302, 405,
                                                            unverified_mod=302))],
        # The admin's password change is Hearth's own (allauth's, rate limited): a redirect.
        "admin:password_change": [Visit(reverse("admin:password_change"), everyone(302))],
        "admin:password_change_done": [Visit(reverse("admin:password_change_done"), ADMIN_ONLY)],
        "admin:jsi18n": [Visit(reverse("admin:jsi18n"), ADMIN_ONLY)],
        "admin:app_list": [Visit(reverse("admin:app_list", args=["forum"]), ADMIN_ONLY)],
        "admin:auth_user_password_change": [Visit(reverse("admin:auth_user_password_change", args=[author]),
                                                  ADMIN_ONLY)],
        "admin:retention_retentionrule_next_run": [Visit(reverse("admin:retention_retentionrule_next_run"),
                                                         ADMIN_ONLY)],
        "admin routes without a name": [
            # The old address of a change page sends even the admin on to the new one.
            Visit(reverse("admin:index") + f"forum/board/{b}/", row(302, 302, 302, 302, 302, 302, 302, 302, 302)),
            Visit(reverse("admin:index") + "no-such-page/", row(302, 302, 302, 302, 302, 302, 302, 302, 404,
                                                                unverified_mod=302)),
        ],
        **_admin_model_rows(w),
    }  # fmt: skip


UNNAMED = {
    # config/urls.py: the routes that would need an email answer 404.
    r"^accounts/(?:email|confirm-email|password/reset|login/code|phone|reauthenticate/code)(?:/.*)?$":
        "email and reset routes",
}  # fmt: skip


def _url_names(patterns=None, namespace=None, prefix=""):
    """Return every URL name of the resolver (and a route for each unnamed one outside the admin)."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace if not namespace else f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
            elif namespace == "admin":
                names.add("admin routes without a name")
            else:
                names.add(UNNAMED.get(prefix + str(entry.pattern), f"unnamed route {prefix}{entry.pattern}"))
    return names


def test_every_url_has_an_expectation(world):
    names = _url_names()
    missing = names - set(expectations(world)) - ADMIN_NOT_VISITED
    assert not missing, f"add these URL names to the access matrix with their statuses: {sorted(missing)}"
    assert not ADMIN_NOT_VISITED - names, "ADMIN_NOT_VISITED names a route that no longer exists"
    assert not {n for n in ADMIN_NOT_VISITED if not n.startswith("admin:")}, "only admin routes may go unvisited"


def test_every_registered_admin_model_has_its_rows():
    from django.contrib import admin

    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def _clients(world):
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def test_every_role_gets_exactly_the_expected_status(world):
    """Posting a moderator's form without a reason answers, and changes nothing."""
    logged = LogEntry.objects.count()
    clients = _clients(world)
    wrong = []
    for name, visits in expectations(world).items():
        for visit in visits:
            for role in ROLES:
                if visit.data is None:
                    got = clients[role].get(visit.url).status_code
                else:
                    got = clients[role].post(visit.url, visit.data).status_code
                if got != visit.statuses[role]:
                    method = "GET" if visit.data is None else "POST"
                    wrong.append(f"{name} {method} {visit.url} as {role}: expected {visit.statuses[role]}, got {got}")
    assert not wrong, "\n".join(wrong)
    assert LogEntry.objects.exclude(action__in=["view_history", "view_invite_tree"]).count() == logged
    world["waiting"].refresh_from_db()
    assert world["waiting"].approval_pending


def _page(response, url):
    """Return a response's body without the per-session CSRF token and its own address."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return body.replace(url.encode(), b"<this page>")


@pytest.mark.parametrize(("url_name", "what"), [
    ("forum:topic_detail", "held_topic"),
    ("forum:post_detail", "hidden_post"),
    ("reports:report_post", "hidden_post"),
    ("reports:report_author", "hidden_post"),
    ("forum:post_edit", "hidden_post"),
])  # fmt: skip
def test_hidden_objects_answer_exactly_like_missing_ones(world, url_name, what):
    c = Client()
    c.force_login(world["users"]["member"])
    hidden_url, missing_url = reverse(url_name, args=[world[what].pk]), reverse(url_name, args=[999999])
    hidden, missing = c.get(hidden_url), c.get(missing_url)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.headers.keys() == missing.headers.keys()
    assert _page(hidden, hidden_url) == _page(missing, missing_url)


def test_a_moderator_form_about_another_boards_post_answers_exactly_like_a_missing_one(world):
    c = Client()
    c.force_login(world["users"]["other_board_mod"])
    theirs_url = reverse("moderation:post_action", args=[world["hidden_post"].pk, "unhide"])
    missing_url = reverse("moderation:post_action", args=[999999, "unhide"])
    theirs, missing = c.post(theirs_url, {}), c.post(missing_url, {})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.headers.keys() == missing.headers.keys()
    assert _page(theirs, theirs_url) == _page(missing, missing_url)


def test_the_admin_sign_in_is_hearths_own(world):
    response = Client().get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("account_login"))
    unverified = Client()
    unverified.force_login(world["users"]["unverified_mod"])
    assert unverified.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")
