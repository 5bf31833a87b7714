"""The screenshots of docs/screenshots/, on the demo content of `make run`.

Every run checks these pages; only `make screenshots` (HEARTH_SCREENSHOTS=1) writes the files.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from forum import actions as forum_actions
from forum.models import Post, Topic
from moderation import actions as moderation_actions
from moderation.models import Reason
from tests.conftest import PASSWORD

from .helpers import audit, give_totp, screenshot, sign_in


@pytest.fixture
def demo(db):
    """`make run`'s demo content, its three people with a known password, and a full queue."""
    call_command("seed_demo", stdout=io.StringIO())
    people = {name: User.objects.get(username=name) for name in ("river", "lantern", "keeper")}
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    people["lantern"].totp_secret = give_totp(people["lantern"])
    welcome = Topic.objects.get(title="How we keep each other safe")
    café = Topic.objects.get(title__startswith="A café")
    newcomer = User.objects.create_user("sparrow", PASSWORD)
    forum_actions.create_reply(café, author=newcomer, body="Is it open on Sundays as well?")
    exposing = forum_actions.create_reply(
        Topic.objects.get(title__startswith="Hello from the coast"), author=newcomer,
        body="I think I know you: you work at the pharmacy on the main square, right?",
    )  # fmt: skip
    moderation_actions.report(exposing, reporter=people["river"], reason=Reason.EXPOSURE,
                              note="Says where someone works.")  # fmt: skip
    moderation_actions.report(Post.objects.get(body__startswith="Is there someone"), reporter=newcomer,
                              reason=Reason.OFF_TOPIC)  # fmt: skip
    User.objects.create_user("heron", PASSWORD, is_active=False, approval_pending=True,
                             approval_answer="A friend from the Thursday group told me about it.")  # fmt: skip
    return {"people": people, "welcome": welcome}


def test_the_main_pages_as_the_readme_shows_them(new_context, demo):
    welcome = demo["welcome"]

    visitor = new_context().new_page()
    visitor.goto(welcome.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text("How we keep each other safe")
    screenshot(visitor, "topic")

    for language, title in (("ar", "topic-ar"), ("ja", "topic-ja")):
        reader = new_context(language=language).new_page()
        reader.goto(welcome.get_absolute_url())
        expect(reader.locator("html")).to_have_attribute("lang", language)
        audit(reader, f"topic ({language})")
        screenshot(reader, title)

    member = new_context().new_page()
    sign_in(member, "river", PASSWORD)
    member.goto("/")
    expect(member.get_by_role("link", name="Legal help")).to_be_visible()
    screenshot(member, "board-index")
    member.goto("/account/data/")
    expect(member.get_by_role("heading", level=1)).to_have_text("Download my data")
    screenshot(member, "account-data")

    moderator = new_context().new_page()
    sign_in(moderator, "lantern", PASSWORD, totp_secret=demo["people"]["lantern"].totp_secret)
    moderator.goto("/moderation/")
    expect(moderator.get_by_role("region", name="Reports")).to_contain_text("Hidden until you decide")
    audit(moderator, "moderation queue (demo)")
    screenshot(moderator, "moderation-queue", full_page=True)
