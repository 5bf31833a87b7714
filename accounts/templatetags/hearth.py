"""Template helpers: coarse times, how a member is named, and links by id in long lists."""

import datetime
import functools

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
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
_SOME_ID = 987_654_321_987


def pk_url_maker(name):
    """Return a function of an id that gives the address of URL `name` for it.

    The address is reversed once, with a stand-in id, and each id is filled in: a page of
    twenty posts with five links each costs five reversals instead of a hundred.
    """
    parts = reverse(name, kwargs={"pk": _SOME_ID}).split(str(_SOME_ID))
    if len(parts) != 2:  # the stand-in showed up twice: reverse each id fully
        return lambda pk: reverse(name, kwargs={"pk": pk})
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


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
