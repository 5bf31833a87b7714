"""The forum's long lists, written in Python: a topic's posts, a board's topics, search results.

Through the template engine a post cost about 43 µs, a node and a variable lookup at a
time, and twenty posts a fifth of a visitor's topic page. Written with format_html, as
Django's admin writes the cells of its change list (admin_list.items_for_result), a post
costs about 24 µs; the words and the links' markup are made once per list. Each row is
filled by fill_html, which escapes as format_html does without its checks for lazy text,
and costs about half that again. The markup is the templates' markup. Every value is
escaped but a post's HTML (nh3's output, see Post.html) and the pieces made here by
format_html or fill_html (_join checks that they are), or made safe here because they
cannot hold markup: an id's digits, a status's class name, and a day's coarse time
escaped once per list.
"""

import functools

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from accounts.templatetags.hearth import SOME_ID, coarse_since, fill_html, named, number, pk_url_maker
from moderation.permissions import can_report

from ..models import Status

register = template.Library()


def _badges():
    """Return the status badges, by status: the same on every row, so made once per list."""
    return {
        Status.VISIBLE: SafeString(""),
        Status.HELD: format_html(' <span class="badge badge-waiting">{}</span>', gettext("Waiting for a moderator")),
        Status.HIDDEN: format_html(' <span class="badge badge-hidden">{}</span>', gettext("Hidden")),
    }


def _link_maker(name, text):
    """Return a function of an id that gives the link to URL `name` for it, worded `text`.

    format_html writes the link once, with a stand-in id, and each id (an int: nothing to
    escape) takes its place.
    """
    return _link_maker_for(pk_url_maker(name), text)


@functools.lru_cache(maxsize=256)
def _link_maker_for(url, text):
    # One per URL and wording (so per language), as pk_url_maker's addresses are per URL.
    before, after = format_html('<a href="{}">{}</a>', url(SOME_ID), text).split(str(SOME_ID))
    return lambda pk: SafeString(f"{before}{int(pk)}{after}")


def _join(pieces, between=""):
    """Join pieces of markup that are all safe already (each made by format_html)."""
    assert all(isinstance(piece, SafeData) for piece in pieces)
    return SafeString(between.join(pieces))


@register.simple_tag(takes_context=True)
def post_items(context, posts):
    """Return the <li> of each post of `posts` (forum/topic_detail.html's list).

    Each post carries can_edit and can_delete (set by the view) and its author_name
    (PostQuerySet.with_author_names); the context gives the viewer (`user`) and whether
    they moderate the board (`can_moderate`).
    """
    user = context["user"]
    can_moderate = context.get("can_moderate", False)
    list_ = {
        "badges": _badges(),
        "by_moderator": format_html('<span class="meta">{}</span>', gettext("Edited by a moderator")),
        "edited": format_html('<span class="meta">{}</span>', gettext("Edited")),
        "edit": _link_maker("forum:post_edit", gettext("Edit")),
        "delete": _link_maker("forum:post_delete", gettext("Delete")),
        "report_post": _link_maker("reports:report_post", gettext("Report post")),
        "report_author": _link_maker("reports:report_author", gettext("Report member")),
        "moderate": _link_maker("moderation:post_tools", gettext("Moderate")) if can_moderate else None,
        "classes": {status: SafeString("" if status == Status.VISIBLE else f" post-{status}") for status in Status},
        "since": {},  # a day's coarse time, as written once for this list
    }
    return _join([_post_item(post, user, list_) for post in posts])


def _post_item(post, user, list_):
    footer = []
    if post.edited_by_moderator:
        footer.append(list_["by_moderator"])
    elif post.edited_at:
        footer.append(list_["edited"])
    if post.can_edit:
        footer.append(list_["edit"](post.pk))
    if post.can_delete:
        footer.append(list_["delete"](post.pk))
    if can_report(user, post):
        footer.append(list_["report_post"](post.pk))
        if post.author_id is not None:
            footer.append(list_["report_author"](post.pk))
    if list_["moderate"]:
        footer.append(list_["moderate"](post.pk))
    return fill_html(
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
        list_["classes"][post.status],
        SafeString(int(post.pk)),  # digits: nothing to escape
        named(post.author_name),
        _since(list_["since"], post.created_at),
        list_["badges"][post.status],
        post.html,
        _join(footer, "\n        "),
    )


def _since(written, moment):
    """Return coarse_since(moment), escaped, from `written` (a list's by day) or written there."""
    day = moment.date() if moment else None
    if day not in written:
        written[day] = conditional_escape(coarse_since(moment))
    return written[day]


@register.simple_tag
def topic_rows(topics):
    """Return the <tr> of each topic of `topics` (forum/board_detail.html's table).

    Each topic carries its author_name (TopicQuerySet.with_author_names).
    """
    list_ = {
        "badges": _badges(),
        "pinned": format_html('<span class="badge">{}</span>', gettext("Pinned")),
        "locked": format_html('<span class="badge">{}</span>', gettext("Locked")),
        # One sentence for translators, its pseudonym put in by format_html.
        "by": [conditional_escape(part) for part in gettext("by %(author)s").partition("%(author)s")],
        "url": pk_url_maker("forum:topic_detail"),
        "since": {},  # a day's coarse time, as written once for this list
    }
    return _join([_topic_row(topic, list_) for topic in topics])


def _topic_row(topic, list_):
    badges = [list_[flag] for flag in ("pinned", "locked") if getattr(topic, flag)]
    before, _placeholder, after = list_["by"]
    return fill_html(
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
        SafeString(" pinned" if topic.pinned else ""),
        _join(badges, " "),
        list_["badges"][topic.status],
        list_["url"](topic.pk),
        topic.display_title,
        before,
        named(topic.author_name),
        after,
        number(topic.post_count),
        _since(list_["since"], topic.last_activity_at),
    )


@register.simple_tag
def search_topic_items(topics):
    """Return the <li> of each topic a search found (forum/search.html), or the one that says none."""
    url = pk_url_maker("forum:topic_detail")
    items = [
        fill_html('<li><a href="{}" dir="auto">{}</a> ({})</li>', url(topic.pk), topic.display_title, topic.board.name)
        for topic in topics
    ]
    return _join(items) if items else format_html("<li>{}</li>", gettext("No topic titles match."))


@register.simple_tag
def search_post_items(posts):
    """Return the <li> of each post a search found (forum/search.html), or the one that says none."""
    url = pk_url_maker("forum:post_detail")
    items = [
        fill_html(
            """
    <li class="post"><p class="meta"><a href="{}" dir="auto">{}</a> · {} · {}</p>
      <div class="post-body" dir="auto">{}</div></li>""",
            url(post.pk),
            post.topic.display_title,
            post.topic.board.name,
            coarse_since(post.created_at),
            post.html,
        )
        for post in posts
    ]
    return _join(items) if items else format_html("<li>{}</li>", gettext("No posts match."))
