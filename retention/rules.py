"""Reads of the rules that other apps need, from this process's copy of them (accounts.copies).

Every reply form offers the sooner ends a member may choose, capped by the board's rule:
read from the database, that was one query per page and per post. The rules are a few
rows an admin sets; a change shows as the site settings' do.
"""

from dataclasses import dataclass
from types import MappingProxyType

from django.db.models.signals import post_delete, post_save

from accounts.copies import ProcessCopy

from .models import DEFAULTS, BoardRetention, ExpiryChoice, Kind, RetentionRule


@dataclass(frozen=True)
class _Rules:
    post_days: int  # the site's rule for posts and topics
    board_days: MappingProxyType  # board id -> its own rule, where it has one
    choices: tuple[int, ...]  # the sooner ends members may choose, shortest first


def _read() -> _Rules:
    post_days = RetentionRule.objects.filter(kind=Kind.POSTS).values_list("days", flat=True).first()
    return _Rules(
        post_days=DEFAULTS[Kind.POSTS][0] if post_days is None else post_days,
        board_days=MappingProxyType(dict(BoardRetention.objects.values_list("board_id", "days"))),
        choices=tuple(ExpiryChoice.objects.order_by("days").values_list("days", flat=True)),
    )


_rules = ProcessCopy(_read)


def _changing(sender, **kwargs):
    _rules.changing()


for _model in (RetentionRule, BoardRetention, ExpiryChoice):
    for _signal in (post_save, post_delete):
        _signal.connect(_changing, sender=_model, dispatch_uid=f"retention_rules_{_model.__name__}")


def member_expiry_choices(board) -> list[int]:
    """Return the allowed member choices for `board`: shorter than its rule."""
    rules = _rules.get()
    limit = rules.board_days.get(board.pk, rules.post_days)
    return [days for days in rules.choices if days < limit]
