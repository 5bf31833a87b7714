"""The cheaper template helpers write exactly what Django's own tags write, for each reader."""

import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy

from accounts.templatetags.hearth import fill_html, number, pk_url_maker


class _Markup:
    """Markup of another library's kind: not Django's SafeString, but it has __html__."""

    def __html__(self):
        return "<b>kept</b>"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_fill_html_writes_what_format_html_writes(language):
    values = [
        "<script>alert('x')</script> & \"quotes\"", mark_safe("<i>safe</i>"), 42, None, 1.5, "",
        gettext_lazy("Hidden"), mark_safe(gettext_lazy("Hidden")), _Markup(), "مرحبا <b>",
    ]  # fmt: skip
    with translation.override(language):
        for value in values:
            made = fill_html("<p title='{}'>{}</p>", value, value)
            assert made == format_html("<p title='{}'>{}</p>", value, value), value
            assert isinstance(made, SafeData)
        assert fill_html("{}{}{}", *values[:3]) == format_html("{}{}{}", *values[:3])


@pytest.mark.parametrize("name", ["forum:topic_detail", "forum:post_edit", "forum:post_delete",
                                  "reports:report_post", "reports:report_author", "moderation:post_tools"])  # fmt: skip
def test_pk_url_maker_gives_the_address_reverse_gives(name):
    url = pk_url_maker(name)
    for pk in [1, 7, 10, 987_654_321, 42, "42"]:
        assert url(pk) == reverse(name, kwargs={"pk": pk})


@pytest.mark.parametrize("language", ["en", "de", "fr", "ar", "ja", "pl", "ru", "zh-hans"])
def test_number_shows_counts_as_intcomma_does(language):
    with translation.override(language):
        for value in [0, 1, 9, 10, 999, 1000, 1001, 12_345, 1_000_000, None, "7"]:
            assert number(value) == intcomma(value), (language, value)


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_the_language_menu_lists_every_language_with_the_current_one_selected(language):
    former = Template(
        "{% load i18n %}{% get_available_languages as AVAILABLE_LANGUAGES %}"
        "{% get_language_info_list for AVAILABLE_LANGUAGES as languages %}{% for language in languages %}"
        '<option value="{{ language.code }}" lang="{{ language.code }}"{% if language.code == LANGUAGE_CODE %}'
        " selected{% endif %}>{{ language.name_local }}</option>{% endfor %}"
    )
    now = Template("{% load hearth %}{% language_options LANGUAGE_CODE %}")
    with translation.override(language):
        context = {"LANGUAGE_CODE": language}
        assert now.render(Context(context)).replace("\n          ", "") == former.render(Context(context))


def _forms(page):
    return re.findall(r'<form[^>]*action="([^"]*)"[^>]*>.*?</form>', page, re.S)


def _token(page, action):
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>.*?</form>', page, re.S).group(0)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


@pytest.mark.django_db
def test_the_header_and_footer_carry_each_readers_own_token_and_address(member, other_member, topic):
    # The header and footer are rendered once per process (the chrome tag); what differs
    # between requests is filled in on each page.
    pages = []
    for user, path in [(member, "/"), (other_member, topic.get_absolute_url() + '?page=1&x="><b>')]:
        c = Client(enforce_csrf_checks=True)
        c.force_login(user)
        page = c.get(path).text
        pages.append(page)
        for action in (reverse("account_logout"), reverse("set_language")):
            assert action in _forms(page)
        next_path = c.get(path).wsgi_request.get_full_path()
        assert 'name="next" type="hidden" value="{}"'.format(escape(next_path)) in page
        # The token in the header's sign-out form is this session's: signing out with it works.
        response = c.post(reverse("account_logout"), {"csrfmiddlewaretoken": _token(page, reverse("account_logout"))})
        assert response.status_code == 302
        assert not c.get(reverse("accounts:account")).wsgi_request.user.is_authenticated
    assert _token(pages[0], reverse("set_language")) != _token(pages[1], reverse("set_language"))
    assert "<b>" not in pages[1]


@pytest.mark.django_db
def test_the_header_is_each_kind_of_readers_own_and_in_their_language(client_for, member, board_mod, topic, site):
    url = topic.get_absolute_url()
    kinds = {"visitor": client_for(None), "member": client_for(member), "moderator": client_for(board_mod)}
    for _round in range(2):  # the second round is served from what the first one rendered
        for language, words in [("en", ("Sign in", "Sign out", "Moderation")), ("de", ("Anmelden", "Abmelden", "Moderation"))]:
            visitor, member_page, moderator = (
                c.get(url, HTTP_ACCEPT_LANGUAGE=language).text for c in kinds.values()
            )
            header = [re.search(r'<header class="site-header">.*?</header>', p, re.S).group(0)
                      for p in (visitor, member_page, moderator)]  # fmt: skip
            sign_in, sign_out, moderation = words
            assert sign_in in header[0] and sign_out not in header[0] and "wipe-link" not in header[0]
            assert sign_out in header[1] and "wipe-link" in header[1] and moderation not in header[1]
            assert sign_out in header[2] and moderation in header[2]
            assert f'lang="{language}" selected' in visitor
    with translation.override("en"):
        site.site_name = "Kitchen table"
        site.save()
    page = kinds["visitor"].get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert re.search(r'<a class="site-name" href="/">(.*?)</a>', page).group(1) == "Kitchen table"


@pytest.mark.django_db
def test_with_debug_on_the_header_and_footer_are_rendered_for_each_page(client_for, member, topic, settings):
    c = client_for(member)
    cached = c.get(topic.get_absolute_url()).text
    settings.DEBUG = True
    fresh = c.get(topic.get_absolute_url()).text
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", fresh) == token.sub("", cached)


@pytest.mark.django_db
def test_the_blank_reply_form_is_each_boards_own_and_in_the_readers_language(
    client_for, member, board_factory, topic_factory
):
    from retention.models import BoardRetention

    short, usual = board_factory("short"), board_factory("usual")
    BoardRetention.objects.create(board=short, days=7)
    c = client_for(member)

    def reply_form(board, language="en"):
        page = c.get(topic_factory(board, member).get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).text
        return re.search(r'<section class="reply".*?</section>', page, re.S).group(0)

    for _round in range(2):  # the second round is served from what the first one rendered
        assert re.findall(r'<option value="(\d+)"', reply_form(short)) == ["1"]
        assert re.findall(r'<option value="(\d+)"', reply_form(usual)) == ["1", "7", "30"]
        assert "Nach 7 Tagen" in reply_form(usual, "de") and "After 7 days" in reply_form(usual)


def test_a_form_sent_back_keeps_what_was_typed_and_its_errors():
    from forum.forms import PostForm

    template = Template("{% load hearth %}{% blank_form_fields form %}")
    with translation.override("en"):
        blank = template.render(Context({"form": PostForm()}))
        sent = template.render(Context({"form": PostForm({"body": "  "})}))
        typed = template.render(Context({"form": PostForm({"body": "what I typed" + "x" * 20_000})}))
        quoted = template.render(Context({"form": PostForm(initial={"body": "a quote"})}))
    assert "Please write something." in sent and "Please write something." not in blank
    assert "what I typed" in typed and "what I typed" not in blank
    assert quoted.count("a quote") == 1
