"""Shared fixtures: factories that return a function, as in django-allauth's tests."""

import datetime
import itertools

import pytest

from accounts.models import SiteSettings, User
from forum import actions, boards
from forum.models import Board, Visibility

PASSWORD = "a long enough passphrase 42"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache(monkeypatch):
    """Rate-limit counters live in the cache, the site settings and retention rules in copies
    (accounts.copies): every test starts with none of them.

    Within a test a copy is read again only after a save (a slow machine would otherwise
    make query counts depend on time); tests/accounts/test_site_settings.py tests its age.
    """
    from django.core.cache import cache

    from accounts import copies

    monkeypatch.setattr(copies, "FRESH_SECONDS", float("inf"))
    cache.clear()
    copies.forget_all()  # copies read in an earlier test, whose changes were rolled back
    yield
    cache.clear()
    copies.forget_all()


@pytest.fixture
def still_clock(time_machine):
    """Stop the clock for a test that counts queries.

    A session's idle deadline is stamped again (three statements) when the clock passes
    one of its five-minute steps (accounts.middleware), so a count taken on a slow run could
    by chance hold that stamp and the count before it not.
    """
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)


@pytest.fixture
def database_cache(db, settings):
    """The default set-up's cache, in the database (the tests' own is in memory)."""
    from django.core.cache import cache
    from django.core.management import call_command

    from config.settings import base as base_settings

    settings.CACHES = {"default": base_settings.DATABASE_CACHE}
    call_command("createcachetable", verbosity=0)
    return cache


@pytest.fixture
def site(db):
    """The settings row, made in the test's transaction and taken as committed.

    (The test's transaction is never committed: until forgotten, the process would read the
    row afresh at every load, as it does after any change still open.)
    """
    row = SiteSettings.load()
    SiteSettings.forget()
    return row


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user_factory(db):
    """Return a function that creates a member; `established` members are past probation."""

    def make(username=None, *, password=PASSWORD, established=True, **fields):
        if established:
            fields.setdefault("approved_post_count", 100)
            fields.setdefault("date_joined", datetime.date.today() - datetime.timedelta(days=365))
        return User.objects.create_user(username or f"user{next(_numbers)}", password, **fields)

    return make


@pytest.fixture
def member(user_factory):
    return user_factory("member")


@pytest.fixture
def other_member(user_factory):
    return user_factory("someone")


@pytest.fixture
def new_member(user_factory):
    return user_factory("newcomer", established=False)


@pytest.fixture
def moderator(user_factory):
    return user_factory("lanternkeeper", is_global_moderator=True)


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("keeper", PASSWORD)


@pytest.fixture
def board_factory(db):
    def make(slug=None, *, visibility=Visibility.PUBLIC, **fields):
        slug = slug or f"board-{next(_numbers)}"
        fields.setdefault("name", slug.replace("-", " ").title())
        board = Board.objects.create(slug=slug, visibility=visibility, **fields)
        boards.forget()  # taken as committed, as the settings row is (see `site`)
        return board

    return make


@pytest.fixture
def board(board_factory):
    return board_factory("open-board", visibility=Visibility.PUBLIC)


@pytest.fixture
def members_board(board_factory):
    return board_factory("members-board", visibility=Visibility.MEMBERS)


@pytest.fixture
def topic_factory(db):
    """Return a function that starts a topic through forum.actions (counters kept)."""

    def make(board, author, *, title="A topic", body="The first post.", replies=0):
        topic = actions.create_topic(board, author=author, title=title, body=body)
        for index in range(replies):
            actions.create_reply(topic, author=author, body=f"Reply {index + 1}")
        topic.refresh_from_db()
        return topic

    return make


@pytest.fixture
def topic(topic_factory, board, member):
    return topic_factory(board, member, title="Where to meet", body="Somewhere **quiet**.")


@pytest.fixture
def client_for(client):
    """Return a function giving a test client signed in as `user` (or anonymous for None)."""
    from django.test import Client

    def make(user=None):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


# A TOTP secret as allauth keeps one (base32). With one that is not base32, a code sent to
# the two-factor pages failed to decode (a 500 that no real authenticator could cause).
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def give_totp(db):
    """Return a function that sets up TOTP two-factor sign-in for a user."""
    from allauth.mfa.models import Authenticator

    def make(user):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
        return user

    return make


@pytest.fixture
def mod(moderator, give_totp):
    """A global moderator with two-factor sign-in set up."""
    return give_totp(moderator)


@pytest.fixture
def board_mod(user_factory, give_totp, board):
    """A moderator of `board` only, with two-factor sign-in set up."""
    user = give_totp(user_factory("boardmod"))
    board.moderators.add(user)
    return user


@pytest.fixture
def open_registration(site):
    """Let anyone join at once (the default, approval, is tested on its own)."""
    site.registration_mode = "open"
    site.save()
    return site
