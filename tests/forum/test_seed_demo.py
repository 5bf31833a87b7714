"""The demo content gives a newcomer something to look at, once."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from forum.models import Board, Post, Topic, Visibility

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_boards_topics_and_three_accounts():
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Board.objects.count() >= 5
    assert Board.objects.filter(visibility=Visibility.PUBLIC).exists()
    assert Topic.objects.count() >= 5 and Post.objects.count() > Topic.objects.count()
    river, lantern, keeper = (User.objects.get(username=n) for n in ("river", "lantern", "keeper"))
    assert lantern.is_global_moderator and keeper.is_superuser and keeper.is_staff
    text = out.getvalue()
    for line in text.splitlines()[1:]:
        role, name, password = line.split()
        assert User.objects.get(username=name).check_password(password)
    for board in Board.objects.all():
        assert board.topic_count == board.topics.filter(status="visible").count()
    # Nothing of the demo waits for a moderator: a visitor sees every public topic at once.
    assert not Post.objects.exclude(status="visible").exists()


def test_seed_demo_if_empty_does_nothing_the_second_time():
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    counts = (Board.objects.count(), Topic.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not added" in out.getvalue()
    assert (Board.objects.count(), Topic.objects.count(), User.objects.count()) == counts


def test_the_demo_boards_are_named_in_every_language_from_the_catalogues():
    from django.conf import settings
    from django.utils import translation

    call_command("seed_demo", stdout=io.StringIO())
    welcome = Board.objects.get(slug="welcome")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert welcome.name == translation.gettext("Welcome and rules")
    assert welcome.name_en == "Welcome and rules"
