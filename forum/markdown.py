"""Markdown to safe HTML, once, when a post is saved.

markdown-it-py renders CommonMark with raw HTML off and bare links turned into links; nh3
then keeps only an allow-list of tags and attributes. Images are never embedded (every
image would come from another origin and tell it who is reading): they become links.
"""

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https"}
LINK_REL = "nofollow noopener noreferrer ugc"


def _render_image_as_link(self, tokens, idx, options, env):
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
    src = token.attrGet("src") or ""
    return f'<a href="{escape(src)}">{escape(alt)}</a>'


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable(["linkify", "strikethrough", "table"])
    parser.add_render_rule("image", _render_image_as_link)
    return parser


_parser = _build_parser()


def render_markdown(text: str) -> str:
    """Return sanitised HTML for a post written in Markdown."""
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_safe(text: str) -> SafeString:
    """Return sanitised HTML ready for a template (admin-written texts, rendered per view)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3's output, nothing else
