"""The main flows, each from one person's side, screen by screen, with and without JavaScript.

Every test here runs twice (the `js` fixture): the site must work the same without scripts.
axe-core checks each screen on the run with JavaScript (it runs inside the page).
"""

import json
import re

from playwright.sync_api import expect

from accounts.models import User
from forum.models import Post, Topic
from moderation.models import Case, Notice, Reason
from tests.conftest import PASSWORD

from .helpers import audit, expect_message, path_of, sign_in, totp_code

NEWCOMER_PASSWORD = "a quiet evening by the river 7"


def test_the_browser_without_javascript_runs_no_script(browse, js):
    """What "without JavaScript" means here: the browser runs no script at all."""
    page = browse()
    page.set_content("<p id=out>off</p><script>document.getElementById('out').textContent = 'on'</script>")
    expect(page.locator("#out")).to_have_text("on" if js else "off")


def test_a_newcomer_asks_to_join_and_a_moderator_lets_them_in(browse, moderator_with_2fa, site):
    site.approval_question = "Who told you about this place?"
    site.save()

    # The newcomer: the header's Join link, the question, a pseudonym and a password.
    newcomer = browse()
    newcomer.goto("/")
    newcomer.get_by_role("link", name="Join").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Join")
    audit(newcomer, "sign-up")
    newcomer.get_by_label("Pseudonym").fill("heron")
    newcomer.get_by_label("Who told you about this place?").fill("A friend from the Thursday group.")
    newcomer.get_by_label(re.compile(r"^Password:?$")).fill(NEWCOMER_PASSWORD)
    newcomer.get_by_label("Password (again)").fill(NEWCOMER_PASSWORD)
    newcomer.get_by_role("button", name="Join").click()
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Not open yet")
    audit(newcomer, "waiting for approval")
    assert User.objects.get(username="heron").approval_pending

    # Signing in before a moderator decided says so, and lets nobody in.
    newcomer.get_by_role("link", name="Sign in").click()
    newcomer.get_by_label("Pseudonym").fill("heron")
    newcomer.get_by_label("Password").fill(NEWCOMER_PASSWORD)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Not open yet")

    # The moderator signs in with a second factor and finds the newcomer in the queue.
    moderator = browse()
    sign_in(moderator, "lantern", PASSWORD, totp_secret=moderator_with_2fa.totp_secret)
    moderator.get_by_role("link", name="Moderation").click()
    waiting = moderator.get_by_role("region", name="Waiting to join")
    expect(waiting).to_contain_text("heron")
    expect(waiting).to_contain_text("A friend from the Thursday group.")
    audit(moderator, "queue with a newcomer")
    waiting.get_by_label("Reason").fill("Vouched for by the Thursday group.")
    waiting.get_by_role("button", name="Let in").click()
    expect_message(moderator, "The newcomer can sign in now.")
    expect(moderator.get_by_role("region", name="Waiting to join")).to_contain_text("Nobody is waiting.")

    # Now the newcomer gets in, and is asked to make recovery codes first.
    sign_in(newcomer, "heron", NEWCOMER_PASSWORD)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    audit(newcomer, "recovery codes")
    newcomer.get_by_label("Your password").fill(NEWCOMER_PASSWORD)
    newcomer.get_by_role("button", name="Make my recovery codes").click()
    from accounts.recovery import CODE_COUNT

    expect(newcomer.locator(".recovery-codes li")).to_have_count(CODE_COUNT)
    audit(newcomer, "new recovery codes")
    newcomer.get_by_role("link", name="I have written them down").click()
    newcomer.get_by_role("link", name="My account", exact=True).click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("My account")
    expect(newcomer.locator("main")).to_contain_text("heron")


def test_a_member_writes_a_topic_in_markdown_replies_edits_and_chooses_an_expiry(browse, person, board):
    from retention.models import ExpiryChoice

    ExpiryChoice.objects.get_or_create(days=7)
    person("river")
    page = browse()
    sign_in(page, "river", PASSWORD)

    # Board index -> board -> "Start a topic".
    page.get_by_role("link", name=board.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(board.name)
    page.get_by_role("link", name="Start a topic").click()
    audit(page, "new topic form")
    page.get_by_label("Title").fill("Where we can meet on Sundays")
    page.get_by_label("Text").fill("The **garden** behind the library is *quiet*.\n\n- bring water\n- come in pairs")
    page.get_by_label("Disappears").select_option(label="After 7 days")
    page.get_by_role("button", name="Post topic").click()

    # The topic shows the Markdown rendered, and the chosen end is kept with the post.
    expect(page.get_by_role("heading", level=1)).to_have_text("Where we can meet on Sundays")
    first = page.locator("li.post").first
    expect(first.locator("strong")).to_have_text("garden")
    expect(first.locator("em")).to_have_text("quiet")
    expect(first.locator(".post-body li")).to_have_count(2)
    audit(page, "topic")
    topic = Topic.objects.get(title="Where we can meet on Sundays")
    assert topic.expires_at is not None and topic.posts.get().expires_at is not None

    # A reply, through the form under the posts.
    reply_form = page.get_by_role("region", name="Reply")
    reply_form.get_by_label("Text").fill("I will be there at **noon**.")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.locator("li.post")).to_have_count(2)
    expect(page.locator("li.post").nth(1).locator("strong")).to_have_text("noon")

    # Editing the reply: the form holds the old text; the saved text shows, marked "Edited".
    page.locator("li.post").nth(1).get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit post")
    audit(page, "edit post")
    text = page.get_by_label("Text")
    expect(text).to_have_value("I will be there at **noon**.")
    text.fill("I will be there at **one o'clock**.")
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Your post was saved.")
    edited = page.locator("li.post").nth(1)
    expect(edited.locator("strong")).to_have_text("one o'clock")
    expect(edited.locator(".post-footer")).to_contain_text("Edited")
    assert path_of(page) == topic.get_absolute_url()

    # An empty reply is refused with a message next to the field, not lost in silence.
    reply_form = page.get_by_role("region", name="Reply")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.locator(".errors")).to_contain_text("Please write something.")
    audit(page, "reply form with an error")


def test_a_report_that_a_post_exposes_someone_hides_it_at_once(browse, person, board, topic_factory):
    from forum import actions as forum_actions

    author = person("river")
    person("willow")
    topic = topic_factory(board, author, title="Saturday", body="Who is coming on Saturday?")
    forum_actions.create_reply(topic, author=author, body="Ask for Samira at the bakery on Elm Street.")

    visitor = browse()
    visitor.goto(topic.get_absolute_url())
    expect(visitor.locator("main")).to_contain_text("Samira")

    page = browse()
    sign_in(page, "willow", PASSWORD)
    page.goto(topic.get_absolute_url())
    page.locator("li.post").filter(has_text="Samira").get_by_role("link", name="Report post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a post")
    audit(page, "report form")
    page.get_by_label("Exposes someone's identity or location").check()
    page.get_by_label("Anything a moderator should know (optional)").fill("A real name and a street.")
    page.get_by_role("button", name="Send report").click()
    expect_message(page, "Thank you. Moderators will look at it")
    assert path_of(page) == topic.get_absolute_url()
    expect(page.locator("main")).not_to_contain_text("Samira")

    # Gone at once for everyone else, before any moderator has looked.
    visitor.reload()
    expect(visitor.locator("main")).to_contain_text("Who is coming on Saturday?")
    expect(visitor.locator("main")).not_to_contain_text("Samira")
    case = Case.objects.get()
    assert case.auto_hidden and case.post.status == "hidden"
    assert case.reports.get().reason == Reason.EXPOSURE


def test_a_moderator_sets_up_two_factor_and_works_the_queue(browse, person, board, topic_factory):
    from forum import actions as forum_actions
    from moderation import actions

    author, reader = person("river"), person("willow")
    person("lantern", is_global_moderator=True)
    topic = topic_factory(board, author, title="Saturday", body="Who is coming on Saturday?")
    exposing = forum_actions.create_reply(topic, author=author, body="Samira lives above the bakery.")
    rude = forum_actions.create_reply(topic, author=author, body="Everyone here is an idiot.")
    actions.report(exposing, reporter=reader, reason=Reason.EXPOSURE, note="a name and a home")
    actions.report(rude, reporter=reader, reason=Reason.THREAT, note="insults")

    # First sign-in of a moderator: the queue sends them to set up an authenticator first.
    page = browse()
    sign_in(page, "lantern", PASSWORD)
    page.get_by_role("link", name="Moderation").click()
    if page.get_by_label("Password").count():  # allauth asks for the password again first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    audit(page, "two-factor setup")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    # The queue: the exposing post first, hidden until a moderator decides.
    page.goto("/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    audit(page, "moderation queue")
    reports = page.get_by_role("region", name="Reports").locator("li.queue-entry")
    expect(reports).to_have_count(2)
    expect(reports.first).to_contain_text("Hidden until you decide")
    expect(reports.first).to_contain_text("Samira")

    # Keep it hidden, with a reason.
    reports.first.get_by_role("link", name="Act on this post").click()
    audit(page, "moderate a post")
    keep = page.get_by_role("group", name="Keep hidden: the reports are right")
    keep.get_by_label("Reason").fill("Names a person and where she lives.")
    keep.get_by_role("button", name="Keep hidden: the reports are right").click()
    expect_message(page, "The post is hidden.")

    # The insult: hide it, then warn and suspend its author.
    page.get_by_role("link", name="Queue").click()
    reports = page.get_by_role("region", name="Reports").locator("li.queue-entry")
    expect(reports).to_have_count(1)
    reports.first.get_by_role("link", name="Act on this post").click()
    hide = page.get_by_role("group", name="Hide", exact=True)
    hide.get_by_role("button", name="Hide").click()  # no reason yet: refused, with the error shown
    expect(hide.locator(".errors")).to_contain_text("Please give a reason.")
    audit(page, "moderate a post, with an error")
    hide = page.get_by_role("group", name="Hide", exact=True)
    hide.get_by_label("Reason").fill("Insults other members.")
    hide.get_by_role("button", name="Hide").click()
    expect_message(page, "The post is hidden.")

    page.get_by_role("link", name="Act on the author").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("river")
    audit(page, "act on a member")
    warn = page.get_by_role("group", name="Warn")
    warn.get_by_label("Reason").fill("Please be kind: insults drive people away.")
    warn.get_by_role("button", name="Warn").click()
    expect_message(page, "The warning will show on the member's next visit.")
    suspend = page.get_by_role("group", name="Suspend")
    suspend.get_by_label("For how many days").fill("3")
    suspend.get_by_label("Reason").fill("Insults again after a warning.")
    suspend.get_by_role("button", name="Suspend").click()
    expect_message(page, "The member is suspended.")
    expect(page.locator("main")).to_contain_text("Suspended")

    page.get_by_role("link", name="Queue").click()
    expect(page.get_by_role("region", name="Reports")).to_contain_text("No open reports.")
    author.refresh_from_db()
    assert author.is_suspended
    assert Post.objects.get(pk=exposing.pk).status == "hidden" and Post.objects.get(pk=rude.pk).status == "hidden"

    # The member sees the warning from "a moderator", never a name.
    member = browse()
    sign_in(member, "river", PASSWORD)
    notice = member.get_by_role("alert").filter(has_text="A message from a moderator")
    expect(notice).to_contain_text("Please be kind")
    expect(notice).not_to_contain_text("lantern")
    notice.get_by_role("button", name="I have read this").click()
    expect(member.get_by_text("A message from a moderator")).to_have_count(0)
    assert not Notice.objects.filter(member=author, seen_at__isnull=True).exists()


def test_a_member_downloads_their_data_then_wipes_the_account(browse, person, board, topic_factory):
    member = person("river")
    topic = topic_factory(board, member, title="My garden", body="Tomatoes grow well here.")
    page = browse()
    sign_in(page, "river", PASSWORD)

    page.get_by_role("link", name="My account", exact=True).click()
    page.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download my data")
    audit(page, "data download")
    page.get_by_label("Your password").fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "my-data.json"
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["pseudonym"] == "river"
    assert [t["title"] for t in data["forum"]["topics"]] == ["My garden"]
    assert "password" not in json.dumps(data)

    # The Wipe link in the header, one password, and the account is gone.
    page.get_by_role("link", name="Wipe", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wipe my account now")
    audit(page, "panic wipe")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Wipe everything").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not available")
    audit(page, "after the wipe")
    assert "Hearth" not in page.title() and "Hearth" not in page.content()
    assert not [c for c in page.context.cookies() if c["name"] in ("hearth_session", "hearth_csrf")]
    assert not User.objects.filter(username="river").exists()
    assert not Topic.objects.filter(pk=topic.pk).exists()

    page.goto(topic.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_an_admin_sets_a_retention_rule_and_expire_deletes_the_old_topic(browse, person, board, topic_factory, admin_with_2fa):
    import datetime
    import io

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    member = person("river")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        old = topic_factory(board, member, title="Three days old", body="An old plan.")
    fresh = topic_factory(board, member, title="Written today", body="A new plan.")

    page = browse()
    sign_in(page, "keeper", PASSWORD, totp_secret=admin_with_2fa.totp_secret)
    page.goto("/admin/")
    page.get_by_role("link", name="Board retention rules").click()
    page.get_by_role("link", name=re.compile("Add board retention rule")).click()
    page.get_by_label("Board").select_option(label=board.name)
    page.get_by_label("Kept for (days)").fill("2")
    page.get_by_label("Counted from").select_option(label="creation")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # What the next run deletes: the old topic, not the fresh one.
    page.goto("/admin/retention/retentionrule/next-run/")
    expect(page.locator("#content")).to_contain_text(board.name)

    # The timer runs `manage.py expire` against the same database.
    out = io.StringIO()
    call_command("expire", stdout=out)
    assert re.search(r"\b1 topics?\b", out.getvalue()), out.getvalue()

    reader = browse()
    reader.goto(board.get_absolute_url())
    expect(reader.get_by_role("link", name="Written today")).to_be_visible()
    expect(reader.get_by_role("link", name="Three days old")).to_have_count(0)
    reader.goto(old.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text("Not found")
    assert not Post.objects.filter(body="An old plan.").exists()
    assert Topic.objects.filter(pk=fresh.pk).exists()


def test_the_quick_exit_leaves_the_site_and_can_sign_out(browse, person, topic, neutral_site):
    visitor = browse()
    visitor.goto(topic.get_absolute_url())
    visitor.get_by_role("link", name="Quick exit").click()
    expect(visitor.locator("body")).to_have_text("A neutral page.")
    assert visitor.url == neutral_site.url + "wiki/Random"
    # The neutral site learns nothing of where the member came from.
    assert neutral_site.visits == [{"path": "/wiki/Random", "referer": None}]

    # A member who chose so is signed out by it, too.
    person("river")
    page = browse()
    sign_in(page, "river", PASSWORD)
    page.get_by_role("link", name="My account", exact=True).click()
    page.get_by_label(re.compile("Quick exit also signs me out", re.I)).check()
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Your choice is saved.")
    page.get_by_role("link", name="Quick exit").click()
    expect(page.locator("body")).to_have_text("A neutral page.")
    page.go_back()
    page.goto("/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
