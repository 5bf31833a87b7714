"""Deleted is gone: from the SQLite file's bytes, and consistently after a kill."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR
MARKER = "zq7-unique-marker-4f1c9e"

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite" or bool(os.environ.get("DATABASE_URL")),
    reason="these run Hearth's own SQLite file in a subprocess; PostgreSQL is covered in docs/deployment.md",
)


def _env(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEARTH_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_DEBUG="1", HEARTH_VAR_DIR=str(var_dir))
    return env


def _manage(var_dir, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(var_dir),
                          capture_output=True, text=True, timeout=300, check=check)  # fmt: skip


def _file_bytes(var_dir):
    blob = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = var_dir / f"hearth.sqlite3{suffix}"
        if path.exists():
            blob += path.read_bytes()
    return blob


SEED = """
import datetime
from django.utils import timezone
from accounts.models import User
from forum import actions
from forum.models import Board
board = Board.objects.create(slug="b", name="B", visibility="public")
author = User.objects.create_user("writer", "a long passphrase 1", approved_post_count=10)
topic = actions.create_topic(board, author=author, title="kept topic", body="kept words")
actions.create_reply(topic, author=author, body="secret: MARKER in a post",
                     expires_at=timezone.now() - datetime.timedelta(minutes=1))
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("hearth-var")
    _manage(var_dir, "migrate", "-v0")
    return var_dir


def test_an_expired_post_leaves_no_byte_in_the_database_file(migrated):
    var_dir = migrated
    _manage(var_dir, "shell", "-v", "0", "-c", SEED.replace("MARKER", MARKER))
    assert MARKER.encode() in _file_bytes(var_dir), "the test must be able to see the marker"
    out = _manage(var_dir, "expire").stdout
    assert "1 posts" in out
    assert MARKER.encode() not in _file_bytes(var_dir)
    assert b"kept words" in _file_bytes(var_dir)


KILL_SEED = """
import datetime
from django.utils import timezone
from accounts.models import User
from forum import actions
from forum.models import Board, Topic, Post
past = timezone.now() - datetime.timedelta(minutes=1)
boards = [Board.objects.create(slug=f"k{n}", name=f"K{n}", visibility="public") for n in range(2)]
author = User.objects.create_user("killer", "a long passphrase 1", approved_post_count=10)
for n in range(120):
    topic = actions.create_topic(boards[n % 2], author=author, title=f"t{n}", body="first")
    for r in range(4):
        actions.create_reply(topic, author=author, body=f"r{r}", expires_at=past if r % 2 else None)
old = Topic.objects.filter(title__in=[f"t{n}" for n in range(0, 120, 3)])
old.update(last_activity_at=timezone.now() - datetime.timedelta(days=400))
print("seeded", Post.objects.count())
"""

CHECK = """
from django.db.models import Count
from forum.models import Board, Post, Topic
bad = []
for t in Topic.objects.annotate(n=Count("posts")):
    visible = t.posts.filter(status="visible")
    if t.n == 0: bad.append(f"empty topic {t.pk}")
    if t.post_count != visible.count(): bad.append(f"topic {t.pk} count")
    newest = visible.order_by("-id").first()
    if newest and t.last_post_id != newest.pk: bad.append(f"topic {t.pk} last post")
for b in Board.objects.all():
    ts = Topic.objects.filter(board=b, status="visible")
    if b.topic_count != ts.count() or b.post_count != sum(x.post_count for x in ts): bad.append(f"board {b.slug}")
mine = Topic.objects.filter(board__slug__startswith="k")
print("BAD" if bad else "CONSISTENT", bad[:5], Post.objects.filter(topic__in=mine).count(), mine.count())
"""


def test_killing_expire_mid_run_and_running_again_leaves_everything_consistent(migrated):
    var_dir = migrated
    _manage(var_dir, "shell", "-v", "0", "-c", KILL_SEED)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "expire", "--batch-size", "3", "--pause", "0.05"],
        cwd=ROOT, env=_env(var_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(2.5)
    assert process.poll() is None, "expire finished before it could be killed: seed more"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    middle = _manage(var_dir, "shell", "-v", "0", "-c", CHECK).stdout
    assert middle.startswith("CONSISTENT"), middle
    _manage(var_dir, "expire")
    after = _manage(var_dir, "shell", "-v", "0", "-c", CHECK).stdout
    assert after.startswith("CONSISTENT"), after
    left = _manage(var_dir, "expire", "--dry-run").stdout
    assert "0 rows would be deleted" in left
    # 80 topics of 3 posts each remain: first post and two replies without an end.
    assert after.split()[-2:] == ["240", "80"]
