"""The site settings row: read once in a while per process, changes seen at once where made."""

import pytest
from django.db import transaction

from accounts import copies
from accounts.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch, site):
    """A monotonic clock the test moves by hand, with the real freshness limit, and the row."""
    now = [1000.0]
    monkeypatch.setattr(copies, "FRESH_SECONDS", 5.0)
    monkeypatch.setattr(copies.time, "monotonic", lambda: now[0])
    return now


def test_the_row_is_read_once_then_again_when_the_copy_is_too_old(clock, django_assert_num_queries):
    with django_assert_num_queries(1):
        SiteSettings.load()
    clock[0] += 4.9
    with django_assert_num_queries(0):
        SiteSettings.load()
    clock[0] += 0.1
    with django_assert_num_queries(1):
        SiteSettings.load()


def test_a_change_made_elsewhere_shows_within_the_freshness_limit(clock):
    assert SiteSettings.load().site_name == "Hearth"
    SiteSettings.objects.filter(pk=1).update(site_name="Lantern")  # another process's change
    assert SiteSettings.load().site_name == "Hearth"
    clock[0] += copies.FRESH_SECONDS
    assert SiteSettings.load().site_name == "Lantern"


def test_a_change_saved_here_shows_at_once(clock):
    site = SiteSettings.load()
    site.neutral_mode = True
    site.save()
    assert SiteSettings.load().neutral_mode is True


def test_each_caller_gets_its_own_copy(clock):
    first = SiteSettings.load()
    first.site_name = "changed but not saved"
    assert SiteSettings.load().site_name == "Hearth"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_not_kept(clock, django_assert_num_queries):
    SiteSettings.load()
    with pytest.raises(RuntimeError), transaction.atomic():
        site = SiteSettings.load()
        site.site_name = "never committed"
        site.save()
        assert SiteSettings.load().site_name == "never committed"
        raise RuntimeError
    assert SiteSettings.load().site_name == "Hearth"
    with django_assert_num_queries(0):  # a copy is kept again
        SiteSettings.load()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_shows_at_once(clock):
    SiteSettings.load()
    with transaction.atomic():
        site = SiteSettings.load()
        site.site_name = "Lantern"
        site.save()
    assert SiteSettings.load().site_name == "Lantern"


def test_a_deleted_row_comes_back_with_defaults(clock):
    site = SiteSettings.load()
    site.site_name = "Lantern"
    site.save()
    SiteSettings.load().delete()
    assert SiteSettings.load().site_name == "Hearth"
