"""The cheaper template helpers of long lists write exactly what Django's own tags write."""

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.templatetags.hearth import number, pk_url_maker


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
