"""Django's SQLite backend, with writers queued by the kernel instead of SQLite's busy handler.

SQLite lets one transaction write at a time (every transaction here begins IMMEDIATE, so
it takes the write lock at BEGIN). The others wait in SQLite's busy handler, which sleeps
and tries again, sleeping up to 100 ms a time once it has waited a while: with eight
members posting at once, a reply that lost a few rounds waited most of a second while the
lock stood free between its naps. Here each transaction first takes an exclusive flock on
a lock file beside the database; a waiter blocks in the kernel and wakes as soon as the
holder commits, so it waits for the transactions ahead of it and no longer.

The lock is held from BEGIN to COMMIT or ROLLBACK (or the connection's close), and the
kernel drops it if the process dies. An in-memory database (the test suite's) has no
other process to queue with and takes no lock.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def _writers_lock(self):
        fd = getattr(self, "_writers_fd", None)
        if fd is None and not self.is_in_memory_db():
            fd = os.open(f"{self.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT, 0o600)
            self._writers_fd = fd
        return fd

    def _start_transaction_under_autocommit(self):
        fd = self._writers_lock()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._free_writers_lock()
            raise

    def _free_writers_lock(self):
        fd = getattr(self, "_writers_fd", None)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._free_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._free_writers_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            fd = getattr(self, "_writers_fd", None)
            if fd is not None:
                self._writers_fd = None
                os.close(fd)  # frees the lock, if held
