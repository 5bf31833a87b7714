"""On SQLite, write transactions queue on a lock file (config/sqlite/base.py), held from BEGIN
to COMMIT or ROLLBACK, dropped with the connection, and never taken for an in-memory database."""

import contextlib
import fcntl
import os
import threading
import time

import pytest
from django.db import connection

from django.db.backends.sqlite3 import base as sqlite_base

from config.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writers only")


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open connections of their own, to databases of their own."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    """Two connections of the project's backend to one file database, and its lock file."""
    settings = {**connection.settings_dict, "NAME": str(tmp_path / "writers.sqlite3")}
    first = DatabaseWrapper(dict(settings), "first")
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
    # A second connection, to be opened in the thread that uses it.
    yield first, lambda: DatabaseWrapper(dict(settings), "second"), settings["NAME"] + ".writers"
    first.close()


@contextlib.contextmanager
def _transaction(conn):
    """What transaction.atomic does with a connection outside django.db.connections."""
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield conn.cursor()
    except BaseException:
        conn.rollback()
        raise
    else:
        conn.commit()
    finally:
        conn.set_autocommit(True)


def _held(lock_path) -> bool:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # frees the probe's lock, if it got it
    return False


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_lock_is_held_from_begin_to_the_end_of_the_transaction(database, end):
    first, _second, lock_path = database
    with first.cursor() as cursor:
        cursor.execute("SELECT 1")  # outside a transaction: no lock
    assert not _held(lock_path)
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    first.cursor().execute("INSERT INTO note VALUES ('x')")
    assert _held(lock_path)
    {"commit": first.commit, "rollback": first.rollback, "close": first.close}[end]()
    assert not _held(lock_path)


def test_a_failed_begin_frees_the_lock(database, monkeypatch):
    first, _second, lock_path = database
    first.ensure_connection()

    def broken_begin(self):
        raise RuntimeError("BEGIN failed")

    monkeypatch.setattr(sqlite_base.DatabaseWrapper, "_start_transaction_under_autocommit", broken_begin)
    with pytest.raises(RuntimeError):
        first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert not _held(lock_path)


def test_a_second_writer_waits_for_the_first_to_commit_and_then_goes_at_once(database):
    first, connect_second, _lock_path = database
    order = []

    def write_second():
        second = connect_second()
        started = time.monotonic()
        with _transaction(second) as cursor:
            cursor.execute("INSERT INTO note VALUES ('second')")
        order.append(("second", time.monotonic() - started))
        second.close()

    with _transaction(first) as cursor:
        cursor.execute("INSERT INTO note VALUES ('first')")
        thread = threading.Thread(target=write_second)
        thread.start()
        time.sleep(0.3)
        assert order == []  # still waiting
        order.append(("first", None))
    thread.join(timeout=5)
    assert [who for who, _waited in order] == ["first", "second"]
    assert 0.3 <= order[1][1] < 1.0  # woken by the commit, not by a busy handler's nap
    with first.cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]


def test_an_in_memory_database_takes_no_lock():
    memory = DatabaseWrapper({**connection.settings_dict, "NAME": ":memory:"}, "memory")
    with _transaction(memory) as cursor:
        cursor.execute("SELECT 1")
    assert getattr(memory, "_writers_fd", None) is None
    memory.close()
