"""The copies a process keeps of what admins set at run time: the site settings, the retention
rules, the boards (forum.boards).

Every page needs them and they change seldom, so each process reads them at most once in
FRESH_SECONDS and hands out copies (no caller changes another's). A change shows at once
in the process that saved it, once committed, and in every other process within
FRESH_SECONDS; a change rolled back is never kept. They hold no member's data.
"""

import copy
import time
from collections.abc import Callable

from django.db import transaction

# How long a process reuses what it read before reading it again.
FRESH_SECONDS = 5.0


class ProcessCopy:
    """This process's copy of what `read` returns (`changing` is called on every change)."""

    every: list["ProcessCopy"] = []

    def __init__(self, read: Callable):
        self._read = read
        self._loaded: list = []  # [(read at, value)], at most one
        self._unsettled: list = []  # not empty while a change saved here may still be rolled back
        ProcessCopy.every.append(self)

    def get(self):
        """Return a copy of the value, read afresh if too old or changed here."""
        if self._unsettled and not transaction.get_connection().in_atomic_block:
            self._unsettled.clear()  # the change was rolled back
        now = time.monotonic()
        if self._unsettled or not self._loaded or now - self._loaded[0][0] >= FRESH_SECONDS:
            value = self._read()
            if self._unsettled:
                return value  # read from inside the open change: not kept
            self._loaded[:] = [(now, value)]
        return copy.copy(self._loaded[0][1])

    def changing(self):
        """Keep no copy until the change being saved is committed or rolled back."""
        self.forget()
        self._unsettled.append(True)
        transaction.on_commit(self.forget)

    def forget(self):
        """Drop the copy: the next get reads afresh."""
        self._loaded.clear()
        self._unsettled.clear()


def forget_all():
    """Drop every copy (tests start each with none: an earlier test's rows were rolled back)."""
    for kept in ProcessCopy.every:
        kept.forget()
