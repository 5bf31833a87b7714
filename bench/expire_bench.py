#!/usr/bin/env python
"""Expiry benchmark: seed N expired posts, time `manage.py expire`, watch a reader meanwhile.

    .venv/bin/python bench/expire_bench.py                      # SQLite, 1,000,000 posts
    .venv/bin/python bench/expire_bench.py --db postgres        # database hearth_bench_expire
    .venv/bin/python bench/expire_bench.py --posts 100000       # a quicker look

Measures: rows deleted per second (posts + topics), the expire process's peak memory
(ru_maxrss of the child), and the longest a page request (rendered by Django in this process
against the same database: the board index, a board page and a topic page) took while expire
ran. A second thread writes a reply every 250 ms meanwhile and
reports the slowest (a writer waits for the batch in flight; readers never do).
"""

import argparse
import datetime
import os
import platform
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()

    var_dir = Path(f"/tmp/hearth-expire-bench-{args.db}")
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEARTH_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
               DJANGO_ALLOWED_HOSTS="testserver", HEARTH_HTTPS="0", HEARTH_BEHIND_PROXY="0",
               HEARTH_VAR_DIR=str(var_dir))  # fmt: skip
    env.pop("DATABASE_URL", None)
    if args.db == "postgres":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/hearth_bench_expire"
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("drop database if exists hearth_bench_expire")
            conn.execute("create database hearth_bench_expire")
    os.environ.update(env)

    def manage(*cmd, **kw):
        return subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True, **kw)

    manage("migrate", "-v0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    manage("seed_bench", "--posts", str(args.posts), "--topics", str(args.topics), "--boards", "20",
           "--members", "1000", "--big-topic-posts", "0", stdout=subprocess.DEVNULL)  # fmt: skip
    seeded = time.monotonic() - started
    # Age every benchmark topic past the 90-day rule, and add one fresh topic that must stay.
    manage("shell", "-v", "0", "-c", (
        "import datetime; from django.utils import timezone; from forum.models import Topic, Board;"
        "from forum import actions; from accounts.models import User;"
        "Topic.objects.update(last_activity_at=timezone.now() - datetime.timedelta(days=200));"
        "actions.create_topic(Board.objects.get(slug='bench-0'), author=User.objects.first(),"
        " title='fresh', body='stays')"
    ))  # fmt: skip

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from forum.models import Board, Post, Topic

    before = Post.objects.count() + Topic.objects.count()
    client = Client()
    latencies: list[float] = []
    done = threading.Event()

    fresh = Topic.objects.get(title="fresh")
    writes: list[float] = []

    def reader():
        paths = ["/", Board.objects.get(slug="bench-0").get_absolute_url(), fresh.get_absolute_url()]
        n = 0
        while not done.is_set():
            t0 = time.perf_counter()
            response = client.get(paths[n % len(paths)])
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
            n += 1
            time.sleep(0.02)

    def writer():
        """A member replying during the run: writers wait for the batch in flight."""
        from accounts.models import User
        from forum import actions

        author = User.objects.order_by("id").first()
        while not done.is_set():
            t0 = time.perf_counter()
            actions.create_reply(fresh, author=author, body="written while expire runs")
            writes.append(time.perf_counter() - t0)
            time.sleep(0.25)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    time.sleep(1)
    baseline = sorted(latencies)[len(latencies) // 2] if latencies else 0
    first_during = len(latencies)
    write_thread = threading.Thread(target=writer, daemon=True)
    write_thread.start()
    t0 = time.monotonic()
    # Run expire in a process of its own that reports its own peak memory.
    runner = ("import resource, sys; from django.core.management import execute_from_command_line;"
              f"execute_from_command_line(['manage.py', 'expire', '--batch-size', '{args.batch_size}']);"
              "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([PY, "-c", runner], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"expire failed:\n{out.stdout}\n{out.stderr}")
    elapsed = time.monotonic() - t0
    done.set()
    thread.join()
    write_thread.join()
    peak_mb = int(out.stdout.rsplit("PEAK_KB", 1)[1].split()[0]) / 1024
    from django.db import connection

    connection.close()
    after = Post.objects.count() + Topic.objects.count()
    deleted = before - (after - len(writes))  # the replies written meanwhile were not there before
    assert Topic.objects.filter(title="fresh").exists()
    during = latencies[first_during:]
    report = "\n".join([
        f"### {datetime.date.today().isoformat()}: expire, {args.db}, {args.posts:,} expired posts "
        f"in {args.topics:,} topics, batches of {args.batch_size}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}",
        "",
        "| measure | result | target |",
        "|---|---:|---:|",
        f"| seeding (seed_bench) | {seeded:.0f} s | |",
        f"| rows deleted (posts + topics) | {deleted:,} | |",
        f"| expire run time | {elapsed:.1f} s | |",
        f"| rows deleted per second | {deleted / elapsed:,.0f} | >= 20,000 |",
        f"| peak memory of the expire process | {peak_mb:.0f} MB | < 300 MB |",
        f"| page requests during the run | {len(during)} | |",
        f"| page request, median before the run | {baseline * 1000:.1f} ms | |",
        f"| page request, slowest during the run | {max(during) * 1000:.1f} ms | < 200 ms |",
        f"| page request, 99th percentile during the run | {sorted(during)[int(len(during) * 0.99)] * 1000:.1f} ms | |",
        f"| replies written during the run | {len(writes)} | |",
        f"| reply, slowest during the run (waits for the batch in flight) | {max(writes) * 1000:.1f} ms | |",
        "",
        f"`expire` said: `{out.stdout.strip().splitlines()[-2]}`",
        "",
    ])  # fmt: skip
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{datetime.date.today().isoformat()}-expire-{args.db}.md").write_text(report)


if __name__ == "__main__":
    main()
