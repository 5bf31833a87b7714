"""Markdown is rendered once, with raw HTML off, and sanitised by an allow-list."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from forum import actions
from forum.markdown import ALLOWED_TAGS, LINK_REL, render_markdown


class _Elements(HTMLParser):
    """Collect the elements and attributes a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/png;base64,AAAA)",
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
        '<form action="https://evil.example"><input name=x></form>',
    ],
)
def test_dangerous_markup_never_survives(source):
    html = render_markdown(source)
    for tag, attrs in _elements(html):
        assert tag in ALLOWED_TAGS, (source, html)
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        if "href" in attrs:
            assert urlsplit(attrs["href"]).scheme in {"http", "https"}, html
    assert "<script" not in html.lower() and "<img" not in html.lower()


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>bold?</b>")
    assert "<b>" not in html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html


def test_links_get_the_safe_rel_attribute():
    html = render_markdown("[legal aid](https://legal.example.org/help)")
    assert 'href="https://legal.example.org/help"' in html
    assert f'rel="{LINK_REL}"' in html


def test_bare_links_are_linkified():
    html = render_markdown("see https://example.org/guide today")
    assert '<a href="https://example.org/guide"' in html


def test_images_become_links_and_are_never_embedded():
    html = render_markdown("![a map](https://maps.example.org/pin.png)")
    assert "<img" not in html
    assert '<a href="https://maps.example.org/pin.png"' in html
    assert "a map" in html


def test_formatting_survives():
    html = render_markdown("**bold** *it* ~~gone~~\n\n```\ncode <here>\n```\n\n> quote\n\n- item")
    for tag in ("<strong>", "<em>", "<s>", "<pre><code>", "&lt;here&gt;", "<blockquote>", "<li>"):
        assert tag in html


@pytest.mark.parametrize(
    "source",
    ["**unclosed", "[broken](", "```\nnever closed", "> > > >", "|a|b|\n|-", "\x00\x01", "<<<>>>", "*" * 5000],
)
def test_malformed_markdown_renders_without_error(source):
    assert isinstance(render_markdown(source), str)


def test_post_html_is_rendered_once_at_save_and_again_on_edit(board, member):
    topic = actions.create_topic(board, author=member, title="T", body="*first*")
    post = topic.posts.get()
    assert post.body_html.strip() == "<p><em>first</em></p>"
    actions.edit_post(post, body="**second**")
    post.refresh_from_db()
    assert post.body_html.strip() == "<p><strong>second</strong></p>"
    assert post.edited_at is not None
