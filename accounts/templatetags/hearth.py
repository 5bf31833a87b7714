"""Template helpers: coarse times, how a member is named, and links by id in long lists."""

import datetime
import functools

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def coarse_since(moment):
    """Return a coarse, human time: "today", "this week", "3 weeks ago", or a month."""
    if not moment:
        return ""
    if isinstance(moment, datetime.datetime):
        moment = moment.date()
    days = (timezone.now().date() - moment).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    if days < 7:
        return _("this week")
    if days < 35:
        weeks = days // 7
        return ngettext("%(count)d week ago", "%(count)d weeks ago", weeks) % {"count": weeks}
    return formats.date_format(moment, "YEAR_MONTH_FORMAT")


@register.filter
def number(value):
    """Return a number as humanize's intcomma shows it; below a thousand, without its locale work."""
    if type(value) is int and 0 <= value < 1000:
        return str(value)
    return intcomma(value)


@register.filter
def member_month(member):
    """Return the month a member joined, the only date others ever see."""
    if member is None or not member.date_joined:
        return ""
    return formats.date_format(member.date_joined, "YEAR_MONTH_FORMAT")


@register.filter
def pseudonym(member):
    """Return how pages name a member: the pseudonym, isolated for mixed-direction text."""
    if member is None:
        return format_html('<span class="former-member">{}</span>', _("former member"))
    return format_html('<bdi class="pseudonym">{}</bdi>', member.username)


# Stands for the id while an address is reversed once; no real id is this large.
SOME_ID = 987_654_321_987


def pk_url_maker(name):
    """Return a function of an id that gives the address of URL `name` for it.

    The address is reversed once per process (and script prefix), with a stand-in id, and
    each id is filled in: a page of twenty posts with five links each reverses none.
    """
    return _pk_url_maker(name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=128)
def _pk_url_maker(name, _prefix, _urlconf):
    parts = reverse(name, kwargs={"pk": SOME_ID}).split(str(SOME_ID))
    if len(parts) != 2:  # the stand-in showed up twice: reverse each id fully
        return lambda pk: reverse(name, kwargs={"pk": pk})
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


@register.simple_tag
def page_links(page):
    """Return the links to the pages before and after `page`, and which page of how many it is.

    Links go to ?page=N, or to page.previous_url / page.next_url where the view sets them
    (the moderation queue, whose sections page on their own). A template tag rather than an
    included template: list pages show it twice, and an include cost each a tenth of a
    millisecond.
    """
    if not page.has_other_pages():
        return ""
    links = []
    if page.has_previous():
        url = getattr(page, "previous_url", None) or f"?page={page.previous_page_number()}"
        links.append(format_html('<a href="{}" rel="prev">{}</a>', url, _("Previous page")))
    where = _("Page %(number)s of %(total)s") % {
        "number": formats.localize(page.number),
        "total": formats.localize(page.paginator.num_pages),
    }
    links.append(format_html('<span aria-current="page">{}</span>', where))
    if page.has_next():
        url = getattr(page, "next_url", None) or f"?page={page.next_page_number()}"
        links.append(format_html('<a href="{}" rel="next">{}</a>', url, _("Next page")))
    return format_html(
        '\n<nav class="pagination" aria-label="{}">\n  {}\n</nav>\n',
        _("Pages"),
        format_html_join("\n  ", "{}", ((link,) for link in links)),
    )


@register.simple_tag
def language_options(current):
    """Return the language menu's options, each named in its own language, `current` selected."""
    return _language_options(tuple(code for code, _name in settings.LANGUAGES), current)


@functools.lru_cache(maxsize=64)
def _language_options(codes, current):
    # The same for every page in one language: built once per language, not per page.
    return format_html_join(
        "",
        '\n          <option value="{}" lang="{}"{}>{}</option>',
        ((code, code, " selected" if code == current else "", get_language_info(code)["name_local"]) for code in codes),
    )
