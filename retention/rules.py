"""Reads of the rules that other apps need."""

from django.db.models import F, Subquery
from django.db.models.functions import Coalesce

from .models import DEFAULTS, BoardRetention, ExpiryChoice, Kind, RetentionRule


def board_rule_days(board) -> int:
    """Return how many days posts in `board` are kept at most."""
    override = BoardRetention.objects.filter(board=board).values_list("days", flat=True).first()
    return override or RetentionRule.for_kind(Kind.POSTS).days


def member_expiry_choices(board) -> list[int]:
    """Return the allowed member choices for `board` (one query): shorter than its rule."""
    limit = Coalesce(
        Subquery(BoardRetention.objects.filter(board=board).values("days")[:1]),
        Subquery(RetentionRule.objects.filter(kind=Kind.POSTS).values("days")[:1]),
        DEFAULTS[Kind.POSTS][0],
    )
    return list(
        ExpiryChoice.objects.alias(limit=limit).filter(days__lt=F("limit")).values_list("days", flat=True)
    )
