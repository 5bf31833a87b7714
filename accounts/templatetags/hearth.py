"""Template helpers: coarse times and how a member is named."""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
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
