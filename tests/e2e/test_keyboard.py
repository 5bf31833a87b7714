"""A member does the main things with the keyboard alone: no mouse, no click.

Each step presses Tab until the wanted control has the focus, and every control passed on
the way must show the focus (an outline from :focus-visible). With and without JavaScript.
"""

import re

from playwright.sync_api import expect

from forum.models import Topic
from tests.conftest import PASSWORD

from .helpers import path_of

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  const label = (el.labels && el.labels.length) ? el.labels[0].innerText : '';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
    href: el.getAttribute('href') || '',
    text: (el.innerText || el.value || '').trim(), label: label.trim(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    visible: el.matches(':focus-visible'),
    onScreen: box.width > 0 && box.right > 0 && box.bottom > 0 && box.left < innerWidth,
  };
}"""


def tab_to(page, name, *, limit=60, backwards=False):
    """Press Tab until the focused control's text, label or link matches `name`; return it."""
    pattern = re.compile(name) if isinstance(name, str) else name
    passed = []
    for _step in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["outline"] and focused["visible"] and focused["onScreen"], (
            f"the focus does not show on {focused}"
        )
        passed.append(focused["text"] or focused["label"] or focused["name"])
        if any(pattern.search(focused[key]) for key in ("text", "label", "href")):
            return focused
    raise AssertionError(f"Tab never reached {name!r}; it went through {passed}")


def go(page, key="Enter"):
    """Press a key that sends a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_member_signs_in_writes_replies_and_leaves_with_the_keyboard_alone(browse, person, board):
    from retention.models import ExpiryChoice

    ExpiryChoice.objects.get_or_create(days=7)
    person("river")
    page = browse()
    page.goto("/")

    # The first Tab reaches "Skip to content", which jumps over the header.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Sign in: the header's link, then the form, sent with Enter.
    tab_to(page, "^Sign in$", backwards=True)
    go(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    tab_to(page, "^Pseudonym")
    page.keyboard.type("river")
    tab_to(page, "^Password")
    page.keyboard.type(PASSWORD)
    go(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # A topic: the board's link, "Start a topic", the fields, the expiry, "Post topic".
    tab_to(page, f"^{board.name}$")
    go(page)
    tab_to(page, "^Start a topic$")
    go(page)
    tab_to(page, "^Title")
    page.keyboard.type("Typed without a mouse")
    tab_to(page, "^Text")
    page.keyboard.type("Every **key** counts.")
    tab_to(page, "^Disappears")
    for _step in range(5):  # a closed select changes with the arrow keys
        page.keyboard.press("ArrowDown")
        if page.get_by_label("Disappears").input_value() == "7":
            break
    expect(page.get_by_label("Disappears")).to_have_value("7")
    tab_to(page, "^Post topic$")
    go(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Typed without a mouse")
    topic = Topic.objects.get(title="Typed without a mouse")
    assert topic.expires_at is not None

    # A reply, sent with the space bar on its button.
    tab_to(page, "^Text")
    page.keyboard.type("And a reply, too.")
    tab_to(page, "^Post reply$")
    go(page, "Space")
    expect(page.locator("li.post")).to_have_count(2)
    expect(page.locator("li.post").nth(1)).to_contain_text("And a reply, too.")

    # The footer's language menu: Arabic, then the page reads right to left.
    tab_to(page, "^Language")
    for _step in range(12):
        if page.get_by_label("Language").input_value() == "ar":
            break
        page.keyboard.press("ArrowUp")
    tab_to(page, "^Change$")
    go(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert path_of(page) == topic.get_absolute_url()

    # The quick exit (its words are the translators' now: found by its address).
    tab_to(page, "^/exit/$", backwards=True)
    go(page)
    expect(page.locator("body")).to_have_text("A neutral page.")
