"""Fixtures for expiry tests: members here have signed in, so only the rule under test acts."""

import pytest
from django.utils import timezone


@pytest.fixture
def user_factory(user_factory):
    """Wrap the shared factory: a member made here signed in when they were made.

    Otherwise a member the shared factory makes "established" (joined a year ago, never
    signed in) would be due under the accounts rule as soon as a test moves the clock.
    """

    def make(*args, **fields):
        fields.setdefault("last_login", timezone.now())
        return user_factory(*args, **fields)

    return make
