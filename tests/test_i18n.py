"""Eleven languages: the member's choice is kept, boards and site texts are translated,
Arabic lays out right to left, dates and numbers follow the reader's language."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from forum import actions
from forum.models import Post

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _lang(page) -> str:
    return page.text.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_first_time_visitor_gets_the_language_their_browser_asks_for(client, board):
    page = client.get("/", headers={"accept-language": "ja,en;q=0.5"})
    assert _lang(page) == "ja"
    assert page.headers["Content-Language"] == "ja"


def test_the_language_menu_works_without_javascript_and_remembers_a_visitor_by_cookie_only(client, board):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302 and response.cookies[COOKIE].value == "fr"
    assert _lang(client.get("/")) == "fr"


def test_a_members_choice_is_kept_in_their_account_and_follows_them_to_another_device(client_for, member, board):
    client_for(member).post(reverse("set_language"), {"language": "de", "next": "/"})
    member.refresh_from_db()
    assert member.language == "de"
    other_device = client_for(member)
    page = other_device.get("/", headers={"accept-language": "en"})
    assert _lang(page) == "de"
    assert page.cookies[COOKIE].value == "de"
    # With the cookie set, the next page sets nothing more.
    assert COOKIE not in other_device.get("/").cookies


def test_the_account_page_changes_the_language_too(client_for, member):
    c = client_for(member)
    c.post(reverse("accounts:account"), {"language": "ru"})
    assert User.objects.get(pk=member.pk).language == "ru"
    assert _lang(c.get(reverse("accounts:account"))) == "ru"
    c.post(reverse("accounts:account"), {"language": ""})
    assert User.objects.get(pk=member.pk).language == ""


def test_an_unknown_language_changes_nothing(client_for, member):
    client_for(member).post(reverse("set_language"), {"language": "xx", "next": "/"})
    member.refresh_from_db()
    assert member.language == ""


def test_arabic_pages_lay_out_right_to_left_and_member_text_keeps_its_own_direction(client, topic):
    page = client.get(topic.get_absolute_url(), headers={"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert 'class="post-body" dir="auto"' in page.text
    assert '<bdi class="pseudonym">member</bdi>' in page.text
    english = client.get(topic.get_absolute_url(), headers={"accept-language": "en"})
    assert '<html lang="en" dir="ltr">' in english.text


def test_code_blocks_stay_left_to_right_and_css_uses_logical_properties():
    css = (settings.BASE_DIR / "static" / "css" / "hearth.css").read_text()
    assert ".post-body pre, .post-body code { direction: ltr; unicode-bidi: isolate;" in css
    physical = [p for p in ("margin-left", "margin-right", "padding-left", "padding-right",
                            "text-align: left", "text-align: right", "float: left", "float: right",
                            "border-left", "border-right", " left:", " right:") if p in css]  # fmt: skip
    assert not physical


def test_board_names_are_shown_in_the_readers_language_and_fall_back_to_english(client, board_factory):
    board_factory("help", name_en="Legal help", name_de="Rechtshilfe", description_en="Lawyers who listen")
    german = client.get("/", headers={"accept-language": "de"}).text
    assert "Rechtshilfe" in german and "Lawyers who listen" in german
    assert "Legal help" in client.get("/", headers={"accept-language": "ja"}).text


def test_the_question_for_newcomers_is_translated_or_hearths_own(client, site):
    with translation.override("de"):
        own_question = translation.gettext("Who told you about this place, and what brings you here?")
    page = client.get(reverse("account_signup"), headers={"accept-language": "de"})
    assert own_question in page.text
    site.approval_question_en = "Which group sent you?"
    site.approval_question_es = "¿Qué grupo te envió?"
    site.save()
    assert "¿Qué grupo te envió?" in client.get(reverse("account_signup"), headers={"accept-language": "es"}).text
    assert "Which group sent you?" in client.get(reverse("account_signup"), headers={"accept-language": "it"}).text


def test_the_rules_page_shows_hearths_rules_until_the_admin_writes_their_own(client, site):
    page = client.get(reverse("forum:rules"))
    assert "Use a pseudonym that says nothing about who you are" in page.text
    site.rules_en = "1. Be kind\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    site.save()
    page = client.get(reverse("forum:rules"))
    assert "<li>Be kind</li>" in page.text
    assert "<script>" not in page.text and 'href="javascript' not in page.text
    assert "Use a pseudonym that says nothing" not in page.text


def test_dates_and_numbers_follow_the_readers_language(client, board, member):
    topic = actions.create_topic(board, author=member, title="t", body="b")
    Post.objects.filter(topic=topic).update(created_at=timezone.now() - datetime.timedelta(days=400))
    board.topic_count = 12345
    board.save()
    when = (timezone.now() - datetime.timedelta(days=400)).date()
    with translation.override("de"):
        from django.utils import formats

        german_month = formats.date_format(when, "YEAR_MONTH_FORMAT")
    assert german_month.split()[0] not in {"January", "February", "March", "April", "May", "June", "July",
                                           "August", "September", "October", "November", "December"}  # fmt: skip
    assert german_month in client.get(topic.get_absolute_url(), headers={"accept-language": "de"}).text
    assert "12.345" in client.get("/", headers={"accept-language": "de"}).text
    assert "12,345" in client.get("/", headers={"accept-language": "en"}).text


def test_the_language_is_in_the_members_data_export(client_for, member, password):
    member.language = "pl"
    member.save()
    c = client_for(member)
    data = c.post(reverse("accounts:data_export"), {"password": password}).json()
    assert data["account"]["language"] == "pl"


def test_every_language_of_the_menu_is_offered(client):
    page = Client().get("/").text
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page


@pytest.mark.parametrize("language, name, description", [
    ("de", "Rechtshilfe", "Anwälte, die zuhören"),
    ("ar", "مساعدة قانونية", "Lawyers who listen"),  # no Arabic description: the English one
    ("ja", "Legal help", "Lawyers who listen"),  # neither: both in English
])  # fmt: skip
def test_board_pages_show_the_board_in_the_readers_language_and_read_no_more_of_it(
    client, site, board_factory, topic_factory, member, language, name, description, django_assert_num_queries
):
    board = board_factory("help", name_en="Legal help", name_de="Rechtshilfe", name_ar="مساعدة قانونية",
                          description_en="Lawyers who listen", description_de="Anwälte, die zuhören")  # fmt: skip
    topic = topic_factory(board, member)
    with django_assert_num_queries(1):  # the boards (only their columns in this language)
        page = client.get("/", headers={"accept-language": language}).text
    assert name in page and description in page
    with django_assert_num_queries(2):  # the board (only its columns in this language), its page
        page = client.get(board.get_absolute_url(), headers={"accept-language": language}).text
    assert f"<h1>{name}</h1>" in page and description in page
    # A topic page's board comes from the process's copy of the boards, in every language:
    # read by the first visit, then kept.
    with django_assert_num_queries(3):  # the topic, the boards (forum.boards), the page
        client.get(topic.get_absolute_url(), headers={"accept-language": language})
    with django_assert_num_queries(2):  # the topic, the page
        page = client.get(topic.get_absolute_url(), headers={"accept-language": language}).text
    assert f">{name}</a></nav>" in page
