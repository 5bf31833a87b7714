"""The rules themselves: one per kind, their limits, and the migration that split the invites rule."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from retention.models import DEFAULTS, MAX_DAYS, Kind, Measure, RetentionRule

pytestmark = pytest.mark.django_db


def test_every_kind_has_its_own_rule_row_with_its_default():
    assert set(RetentionRule.objects.values_list("kind", flat=True)) == set(Kind.values)
    for kind, (days, measure) in DEFAULTS.items():
        rule = RetentionRule.objects.get(kind=kind)
        assert (rule.days, rule.measured_from) == (days, measure)


@pytest.mark.parametrize("kind", [Kind.INVITES, Kind.INVITER_LINK])
def test_invites_and_the_inviter_link_may_be_kept_0_days(kind):
    rule = RetentionRule.objects.get(kind=kind)
    rule.days = 0
    rule.full_clean()
    rule.save()


@pytest.mark.parametrize("kind", [Kind.POSTS, Kind.ACCOUNTS, Kind.SESSIONS, Kind.NOTICES])
def test_other_kinds_keep_their_rows_one_day_at_least(kind):
    rule = RetentionRule.objects.get(kind=kind)
    rule.days = 0
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "days" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        RetentionRule.objects.filter(kind=kind).update(days=0)
    with transaction.atomic(), pytest.raises(IntegrityError):
        RetentionRule.objects.filter(kind=kind).update(days=MAX_DAYS + 1)


def test_each_kind_is_counted_from_its_own_moment_only():
    rule = RetentionRule.objects.get(kind=Kind.INVITES)
    rule.measured_from = Measure.USE
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "measured_from" in error.value.message_dict


def test_the_migration_turns_the_old_invites_rule_into_the_inviter_links_and_adds_the_new_ones():
    migration = importlib.import_module("retention.migrations.0007_split_invites_rule_add_notices_rule")
    RetentionRule.objects.filter(kind__in=[Kind.INVITES, Kind.INVITER_LINK, Kind.NOTICES]).delete()
    RetentionRule.objects.create(kind="invites", days=120, measured_from="use")  # as an admin left it
    migration.split(apps, None)
    rows = {r.kind: (r.days, r.measured_from) for r in RetentionRule.objects.all()}
    assert rows[Kind.INVITER_LINK] == (120, "use")  # the admin's days are kept
    assert rows[Kind.INVITES] == (0, "end")
    assert rows[Kind.NOTICES] == (90, "creation")
    migration.split(apps, None)  # twice is harmless
    assert {r.kind: (r.days, r.measured_from) for r in RetentionRule.objects.all()} == rows
    migration.join(apps, None)
    assert RetentionRule.objects.get(kind="invites").days == 120
    assert not RetentionRule.objects.filter(kind__in=[Kind.INVITER_LINK, Kind.NOTICES]).exists()
