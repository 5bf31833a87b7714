"""Template helpers: coarse times, how a member is named, links by id in long lists, and the
header and footer of every page."""

import datetime
import functools
import html

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def fill_html(template_string, *values):
    """Return format_html(template_string, *values), made without its checks for lazy text.

    Each value is escaped as format_html's conditional_escape escapes it: markup that is safe
    already (it has __html__) is kept, anything else is escaped. format_html and the two
    functions it calls each first look through their arguments for lazy text; a list row
    made with it paid for that check more than for the escaping (bench/RESULTS.md, "Fifth
    set"). Rows of long lists use this; other markup uses format_html.
    """
    return SafeString(
        template_string.format(
            *[value.__html__() if hasattr(value, "__html__") else html.escape(str(value)) for value in values]
        )
    )


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
    return named(None if member is None else member.username)


def named(username):
    """Return how pages name the member called `username`; None is a former member."""
    if username is None:
        return fill_html('<span class="former-member">{}</span>', _("former member"))
    return fill_html('<bdi class="pseudonym">{}</bdi>', username)


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


# Stand in for the per-request values while a header or footer is rendered once (chrome).
_CSRF_TOKEN = "\x00csrf-token\x00"
_NEXT_PATH = "\x00next-path\x00"


@register.simple_tag(takes_context=True)
def chrome(context, template_name):
    """Return the header or footer every page has (`template_name`, a partial), for this request.

    The partial is rendered once per process for each language, site name and kind of
    reader (signed in or not, moderator or not), with stand-ins for what differs between
    requests: the CSRF token and the address to come back to. Each page fills those in.
    Through the template engine, header and footer cost as much as a page of twenty posts.
    Nothing about the reader but those two yes-or-no answers goes into the shared markup.
    With DEBUG on, the partial is rendered for each page, so that an edit to it shows.
    """
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    site = context.get("hearth")
    token = context.get("csrf_token")
    with_token = bool(token) and str(token) != "NOTPROVIDED"  # as {% csrf_token %} decides
    render = _chrome.__wrapped__ if settings.DEBUG else _chrome
    markup = render(
        template_name,
        get_language(),
        signed_in,
        signed_in and bool(context.get("is_moderator")),
        str(site.shown_name) if site is not None else "",
        with_token,
        get_script_prefix(),
        get_urlconf(),
    )
    if with_token:
        markup = markup.replace(_CSRF_TOKEN, conditional_escape(token))
    if _NEXT_PATH in markup:
        request = context.get("request")
        markup = markup.replace(_NEXT_PATH, conditional_escape(request.get_full_path() if request else ""))
    return SafeString(markup)


@functools.lru_cache(maxsize=256)
def _chrome(template_name, language, signed_in, is_moderator, site_name, with_token, _prefix, _urlconf):
    # language, prefix and urlconf are the ones active: they key the cache, the tags read them.
    return get_template(template_name).render({
        "signed_in": signed_in,
        "is_moderator": is_moderator,
        "site_name": site_name,
        "csrf_token": _CSRF_TOKEN if with_token else None,
        "next_path": _NEXT_PATH,
        "LANGUAGE_CODE": language,
    }).strip()  # fmt: skip


@register.simple_tag
def blank_form_fields(form):
    """Return partials/form_fields.html for `form`, rendered once per process while it is blank.

    A topic page offers a blank reply form, the same for every member in one language and
    for the same choices (a board's expiry choices), and Django's widget templates cost a
    member's topic page a tenth of its time. A bound form (one sent back with what the member
    typed and its errors) or one with initial values is rendered afresh every time.
    """
    if form.is_bound or form.initial or settings.DEBUG:
        return _form_fields(form)
    choices = tuple((name, tuple(map(tuple, getattr(field, "choices", ())))) for name, field in form.fields.items())
    key = (type(form), get_language(), form.prefix, form.auto_id, choices)  # all the markup depends on
    markup = _blank_forms.get(key)
    if markup is None:
        if len(_blank_forms) >= 256:
            _blank_forms.clear()
        markup = _blank_forms[key] = _form_fields(form)
    return markup


_blank_forms: dict = {}


def _form_fields(form):
    return get_template("partials/form_fields.html").render({"form": form})
