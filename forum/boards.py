"""This process's copy of the boards as admins set them, for the page views that only read them.

A topic page needs its board's name, who may read it and whether its posts wait for a
moderator. Joined to the topic row, the board cost a visitor's topic page about a tenth of
its time (bench/RESULTS.md, "Fifth set"), for settings an admin changes a few times a year.
The copy keeps them as the site settings' copy does (accounts.copies): a change shows at
once in the process that saved it and in every other within FRESH_SECONDS.

The counters are not kept (they change with every post): a board from here reads them
afresh if asked. Writes read the board row itself, so a post is never held or let through
by a setting five seconds old. Boards hold no member's data; their moderators are not kept.
"""

import copy

from django.db.models.signals import post_delete, post_save

from accounts.copies import ProcessCopy

from .models import Board

COUNTERS = ("topic_count", "post_count")


def _read() -> dict[int, Board]:
    return {board.pk: board for board in Board.objects.defer(*COUNTERS)}


_boards = ProcessCopy(_read)


def _changing(sender, **kwargs):
    _boards.changing()


for _signal in (post_save, post_delete):
    _signal.connect(_changing, sender=Board, dispatch_uid=f"forum_boards_{_signal is post_save}")


def forget():
    """Drop the copy: the next read goes to the database."""
    _boards.forget()


def board_as_set(pk: int) -> Board | None:
    """Return board `pk` as admins last set it (a copy of its own), or None if there is none.

    A board made in another process in the last FRESH_SECONDS is read afresh.
    """
    board = _boards.get().get(pk)
    if board is None:
        forget()
        board = _boards.get().get(pk)
    return None if board is None else copy.copy(board)
