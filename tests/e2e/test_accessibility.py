"""Every page, in English and in Arabic, light and dark: axe-core finds no serious or critical
violation, every form control has a label, and every control shows where the keyboard focus is."""

import pytest

from forum import actions as forum_actions
from moderation import actions as moderation_actions
from moderation.models import Reason
from tests.conftest import PASSWORD

from .helpers import audit, sign_in

# For each control the keyboard reaches: is it labelled, and does focus show (an outline of
# at least 2px from :focus-visible)? One pass in the page, after a first Tab press puts the
# browser in keyboard mode (focus() then matches :focus-visible as a Tab would).
CHECK_CONTROLS = """(focus) => {
  const unlabelled = [], unfocusable = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) unlabelled.push(el.outerHTML.slice(0, 160));
  }
  const focusable = 'a[href], button, input:not([type=hidden]):not([disabled]), select, textarea, '
    + 'summary, [tabindex]:not([tabindex="-1"])';
  for (const el of focus ? document.querySelectorAll(focusable) : []) {
    if (!el.getClientRects().length) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    const shown = el.matches(':focus-visible') && style.outlineStyle !== 'none'
      && parseFloat(style.outlineWidth) >= 2;
    const onScreen = box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.width > 0;
    if (!shown || !onScreen) unfocusable.push(el.outerHTML.slice(0, 160));
  }
  document.activeElement.blur();
  return {unlabelled, unfocusable};
}"""


@pytest.fixture
def busy_site(person, moderator_with_2fa, admin_with_2fa, board, members_board, topic_factory, site):
    """Something on every page: topics, replies, reports of each kind, a held post, a newcomer."""
    from accounts.models import User
    from retention.models import ExpiryChoice

    ExpiryChoice.objects.get_or_create(days=7)
    river, willow = person("river"), person("willow")
    topic = topic_factory(board, river, title="Where to meet", body="Somewhere **quiet**, with `code`.")
    reply = forum_actions.create_reply(topic, author=willow, body="> quoted\n\nA reply with a [link](https://example.org/).")
    theirs = topic_factory(members_board, willow, title="Members only", body="Hello members.")
    moderation_actions.report(reply, reporter=river, reason=Reason.THREAT, note="unkind")
    moderation_actions.report(theirs, reporter=river, reason=Reason.SPAM)
    moderation_actions.report(willow, reporter=river, reason=Reason.INFORMANT, note="asks for addresses")
    newcomer = person("sparrow", established=False)
    forum_actions.create_reply(topic, author=newcomer, body="A first post, waiting for approval.")
    moderation_actions.warn_member(willow, actor=moderator_with_2fa, reason="Be kind, please.")
    User.objects.create_user("heron", PASSWORD, is_active=False, approval_pending=True,
                             approval_answer="A friend sent me.")  # fmt: skip
    return {"topic": topic, "reply": reply, "theirs": theirs, "river": river, "willow": willow}


def _pages(site_objects, board, members_board):
    topic, reply, theirs = site_objects["topic"], site_objects["reply"], site_objects["theirs"]
    first = topic.posts.order_by("id").first()
    visitor = [
        ("board index", "/"), ("board", board.get_absolute_url()), ("topic", topic.get_absolute_url()),
        ("sign in", "/accounts/login/"), ("join", "/accounts/signup/"),
        ("recover with a code", "/account/recover/"), ("community rules", "/rules/"),
        ("not found", "/no-such-page/"),
    ]
    member = [
        ("board index (member)", "/"), ("members' board", members_board.get_absolute_url()),
        ("topic (member)", topic.get_absolute_url()), ("new topic", f"/boards/{board.pk}/new/"),
        ("edit post", f"/posts/{first.pk}/edit/"), ("delete post", f"/posts/{first.pk}/delete/"),
        ("reply page", f"/topics/{topic.pk}/reply/"),
        ("report post", f"/report/posts/{reply.pk}/"), ("report topic", f"/report/topics/{theirs.pk}/"),
        ("report member", f"/report/posts/{reply.pk}/author/"),
        ("search", "/search/?q=quiet"), ("my account", "/account/"), ("my data", "/account/data/"),
        ("delete account", "/account/delete/"), ("wipe", "/account/wipe/"),
        ("recovery codes", "/account/recovery-codes/"), ("invites", "/account/invites/"),
        ("change password", "/accounts/password/change/"), ("two-factor", "/accounts/2fa/"),
        ("password again", "/accounts/reauthenticate/"),
    ]
    moderator = [
        ("moderation queue", "/moderation/"), ("moderation log", "/moderation/log/"),
        ("post tools", f"/moderation/posts/{reply.pk}/"), ("topic tools", f"/moderation/topics/{topic.pk}/"),
        ("member tools", f"/moderation/members/{site_objects['willow'].pk}/"),
    ]
    admin = [
        ("invite tree", f"/moderation/members/{site_objects['river'].pk}/invite-tree/"),
        ("admin: retention rules", "/admin/retention/retentionrule/"),
        ("admin: next expiry run", "/admin/retention/retentionrule/next-run/"),
    ]
    return visitor, member, moderator, admin


# English in the light colours, Arabic in the dark ones (prefers-color-scheme: dark): every
# page is seen in both languages and in both colour schemes, in two sweeps rather than four.
@pytest.mark.parametrize("language, scheme", [("en", "light"), ("ar", "dark")])
def test_every_page_passes_axe_and_has_labels_and_visible_focus(
    language, scheme, new_context, busy_site, board, members_board, moderator_with_2fa, admin_with_2fa
):
    from django.db.models import Q

    from moderation.models import Case

    visitor, member, moderator, admin = _pages(busy_site, board, members_board)
    case = Case.objects.filter(Q(post__isnull=False) | Q(topic__isnull=False)).first()
    moderator.append(("case", f"/moderation/cases/{case.pk}/"))
    problems = []

    def check(page, label, url, status=200):
        response = page.goto(url)
        assert response.status == status, f"{label}: {url} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language, f"{label} is not in {language}"
        if language == "ar":
            assert page.locator("html").get_attribute("dir") == "rtl", label
        audit(page, label)
        page.keyboard.press("Tab")
        # Django's admin keeps its own focus styles; Hearth's pages are checked for theirs.
        found = page.evaluate(CHECK_CONTROLS, not url.startswith("/admin/"))
        for kind, elements in found.items():
            problems.extend(f"{label} [{language}] {kind}: {element}" for element in elements)

    people = [
        (None, visitor),
        (("river", None), member),
        (("lantern", moderator_with_2fa.totp_secret), moderator),
        (("keeper", admin_with_2fa.totp_secret), admin),
    ]
    for who, pages in people:
        page = new_context(language=language, color_scheme=scheme).new_page()
        if who is not None:
            sign_in(page, who[0], PASSWORD, totp_secret=who[1], language=language)
        for label, url in pages:
            check(page, label, url, status=404 if label == "not found" else 200)
    assert not problems, "\n".join(problems)


def test_axe_runs_under_the_sites_content_security_policy_and_sees_faults(new_context, board):
    """The harness itself: on a real page (with its CSP), axe finds faults put there on purpose."""
    from axe_playwright_python.sync_playwright import Axe

    page = new_context().new_page()
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate("""() => {
      const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend', '<input type="text" id="no-label"><img src="data:," id="no-alt">');
    }""")
    found = {v["id"] for v in Axe().run(page).response["violations"]}
    assert {"label", "image-alt"} <= found, found
