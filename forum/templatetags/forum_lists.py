"""The forum's two long lists, written in Python: a topic's posts and a board's topics.

Through the template engine each row cost about 40 µs, a node and a variable lookup at a
time: two fifths of a topic page. Written with format_html, as Django's admin writes the
cells of its change list (admin_list.items_for_result), a row costs a few. The markup is the
templates' markup. format_html escapes every value but a post's HTML (nh3's output, see
Post.html) and the pieces it built itself; the words are translated once per list.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from accounts.templatetags.hearth import coarse_since, number, pk_url_maker, pseudonym
from moderation.permissions import can_report

from ..models import Status

register = template.Library()


def _status_badge(status, words):
    if status == Status.HELD:
        return format_html(' <span class="badge badge-waiting">{}</span>', words["held"])
    if status == Status.HIDDEN:
        return format_html(' <span class="badge badge-hidden">{}</span>', words["hidden"])
    return ""


def _status_words():
    return {"held": gettext("Waiting for a moderator"), "hidden": gettext("Hidden")}


@register.simple_tag(takes_context=True)
def post_items(context, posts):
    """Return the <li> of each post of `posts` (forum/topic_detail.html's list).

    Each post carries can_edit and can_delete (set by the view); the context gives the
    viewer (`user`) and whether they moderate the board (`can_moderate`).
    """
    user = context["user"]
    can_moderate = context.get("can_moderate", False)
    words = {
        **_status_words(),
        "by_moderator": gettext("Edited by a moderator"),
        "edited": gettext("Edited"),
        "edit": gettext("Edit"),
        "delete": gettext("Delete"),
        "report_post": gettext("Report post"),
        "report_author": gettext("Report member"),
        "moderate": gettext("Moderate"),
    }
    urls = {
        name: pk_url_maker(f"{namespace}:{name}")
        for namespace, name in [("forum", "post_edit"), ("forum", "post_delete"), ("reports", "report_post"),
                                ("reports", "report_author"), ("moderation", "post_tools")]
    }  # fmt: skip
    link = '<a href="{}">{}</a>'
    return format_html_join("", "{}", ((_post_item(post, user, can_moderate, words, urls, link),) for post in posts))


def _post_item(post, user, can_moderate, words, urls, link):
    footer = []
    if post.edited_by_moderator:
        footer.append(format_html('<span class="meta">{}</span>', words["by_moderator"]))
    elif post.edited_at:
        footer.append(format_html('<span class="meta">{}</span>', words["edited"]))
    if post.can_edit:
        footer.append(format_html(link, urls["post_edit"](post.pk), words["edit"]))
    if post.can_delete:
        footer.append(format_html(link, urls["post_delete"](post.pk), words["delete"]))
    if can_report(user, post):
        footer.append(format_html(link, urls["report_post"](post.pk), words["report_post"]))
        if post.author_id is not None:
            footer.append(format_html(link, urls["report_author"](post.pk), words["report_author"]))
    if can_moderate:
        footer.append(format_html(link, urls["post_tools"](post.pk), words["moderate"]))
    return format_html(
        """
  <li class="post{}" id="post-{}">
    <article>
      <header class="post-header">
        {}
        <span class="meta">{}</span>{}
      </header>
      <div class="post-body" dir="auto">{}</div>
      <footer class="post-footer">
        {}
      </footer>
    </article>
  </li>""",
        "" if post.status == Status.VISIBLE else f" post-{post.status}",
        post.pk,
        pseudonym(post.author),
        coarse_since(post.created_at),
        _status_badge(post.status, words),
        post.html,
        format_html_join("\n        ", "{}", ((piece,) for piece in footer)),
    )


@register.simple_tag
def topic_rows(topics):
    """Return the <tr> of each topic of `topics` (forum/board_detail.html's table)."""
    words = {**_status_words(), "pinned": gettext("Pinned"), "locked": gettext("Locked")}
    # One sentence for translators, its pseudonym put in by format_html.
    before, _placeholder, after = gettext("by %(author)s").partition("%(author)s")
    topic_url = pk_url_maker("forum:topic_detail")
    return format_html_join("", "{}", ((_topic_row(topic, words, before, after, topic_url),) for topic in topics))


def _topic_row(topic, words, before, after, topic_url):
    badges = []
    if topic.pinned:
        badges.append(format_html('<span class="badge">{}</span>', words["pinned"]))
    if topic.locked:
        badges.append(format_html('<span class="badge">{}</span>', words["locked"]))
    return format_html(
        """
    <tr class="topic{}">
      <td>
        {}{}
        <a href="{}" dir="auto">{}</a>
        <span class="byline">{}{}{}</span>
      </td>
      <td>{}</td>
      <td>{}</td>
    </tr>""",
        " pinned" if topic.pinned else "",
        format_html_join(" ", "{}", ((badge,) for badge in badges)),
        _status_badge(topic.status, words),
        topic_url(topic.pk),
        topic.display_title,
        before,
        pseudonym(topic.author),
        after,
        number(topic.post_count),
        coarse_since(topic.last_activity_at),
    )
