#!/usr/bin/env python
"""Expiry benchmark: seed N posts, make most of them due, time `manage.py expire`, watch a reader meanwhile.

    .venv/bin/python bench/expire_bench.py                      # SQLite, 1,000,000 posts
    .venv/bin/python bench/expire_bench.py --db postgres        # database hearth_bench_expire
    .venv/bin/python bench/expire_bench.py --posts 100000       # a quicker look

What is due, a mix of both delete paths: `--aged-share` of the topics (half, by default) are
aged past the 90-day rule and go whole, with every post in them; in the other topics,
`--chosen-share` of the posts (half) carry an end their author chose that has passed, and go
one by one (their topic is recounted, or goes if nothing is left); a tenth of the rest carry
an end still to come, and stay. One fresh topic, which must stay, is added as well.

Measures: rows deleted per second (posts + topics), overall and for each path, the expire
process's peak memory (ru_maxrss of the child), and the longest a page request (rendered
by Django in this process against the same database: the board index, a board page and a
topic page) took while expire ran. A second thread writes a reply every 250 ms meanwhile and
reports the slowest (a writer waits for the batch in flight; readers never do). At the end,
every counter is checked against a recount, and the rows deleted against the rows that
were due.

`--reuse-seed` keeps a copy of the seeded database (a file next to it, or a PostgreSQL
template database) and starts from it next time: seeding is deterministic, so the figures
are the same, and a run takes minutes less.
"""

import argparse
import datetime
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"

MIX = """
import datetime
from django.db.models import F
from django.utils import timezone
from forum.models import Post, Topic
now = timezone.now()
bench = Topic.objects.filter(board__slug__startswith="bench-")
aged = int(round(1 / {aged_share})) if {aged_share} else 0
if aged:
    bench.annotate(m=F("id") % aged).filter(m=0).update(last_activity_at=now - datetime.timedelta(days=200))
fresh_posts = Post.objects.filter(topic__in=bench.filter(last_activity_at__gte=now - datetime.timedelta(days=1)))
# A fixed spread over the ids (Knuth's multiplicative hash), the same on both databases.
spread = fresh_posts.annotate(h=(F("id") * 2654435761) % 1000)
spread.filter(h__lt=int(1000 * {chosen_share})).update(expires_at=now - datetime.timedelta(hours=1))
spread.filter(h__gte=int(1000 * {chosen_share}), h__lt=int(1000 * {chosen_share}) + 100).update(
    expires_at=now + datetime.timedelta(days=30))
"""

def machine() -> str:
    def out(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    memory = out("free", "-h").splitlines()
    total = memory[1].split()[1] if len(memory) > 1 else "?"
    return (f"`nproc` {out('nproc')}, `free -h` {total} total, Python {platform.python_version()}, "
            f"{platform.platform()}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=None, help="fixed rows per batch (default: adaptive)")
    parser.add_argument("--aged-share", type=float, default=0.5, help="share of topics past the rule")
    parser.add_argument("--chosen-share", type=float, default=0.5,
                        help="share of the other topics' posts past an end their author chose")  # fmt: skip
    parser.add_argument("--reuse-seed", action="store_true", help="seed once, start from a copy after")
    args = parser.parse_args()

    var_dir = Path(f"/tmp/hearth-expire-bench-{args.db}")
    seed_key = f"{args.posts}-{args.topics}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEARTH_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
               DJANGO_ALLOWED_HOSTS="testserver", HEARTH_HTTPS="0", HEARTH_BEHIND_PROXY="0",
               HEARTH_VAR_DIR=str(var_dir))  # fmt: skip
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)

    def manage(*cmd, **kw):
        return subprocess.run([PY, "manage.py", *cmd], cwd=ROOT, env=env, check=True, **kw)

    seeded = None
    if args.db == "postgres":
        import psycopg

        name, template = "hearth_bench_expire", f"hearth_bench_expire_seed_{args.posts}_{args.topics}"
        env["DATABASE_URL"] = PG_URL.format(name=name)
        with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            have = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            if args.reuse_seed and have:
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
                seeded = 0.0
            else:
                conn.execute(f"CREATE DATABASE {name}")
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
        var_dir.mkdir(parents=True)
        copy = Path(f"/tmp/hearth-expire-bench-seed-{seed_key}.sqlite3")
        if args.reuse_seed and copy.exists():
            shutil.copyfile(copy, var_dir / "hearth.sqlite3")
            seeded = 0.0
    os.environ.update(env)

    if seeded is None:
        manage("migrate", "-v0")
        started = time.monotonic()
        manage("seed_bench", "--posts", str(args.posts), "--topics", str(args.topics), "--boards", "20",
               "--members", "1000", "--big-topic-posts", "0", stdout=subprocess.DEVNULL)  # fmt: skip
        seeded = time.monotonic() - started
        if args.reuse_seed and args.db == "sqlite":
            manage("shell", "-v", "0", "-c", "from retention import engine; engine.flush_deleted_pages()")
            shutil.copyfile(var_dir / "hearth.sqlite3", copy)
        elif args.reuse_seed:
            with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {template}")
                conn.execute(f"CREATE DATABASE {template} TEMPLATE {name}")
    else:
        manage("migrate", "-v0")  # a seed copy from before a new migration
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v0")
    manage("shell", "-v", "0", "-c", MIX.format(aged_share=args.aged_share, chosen_share=args.chosen_share))
    # One fresh topic that must stay: the reader reads it, the writer replies to it.
    manage("shell", "-v", "0", "-c", (
        "from forum.models import Board; from forum import actions; from accounts.models import User;"
        "actions.create_topic(Board.objects.get(slug='bench-0'), author=User.objects.order_by('id').first(),"
        " title='fresh', body='stays')"
    ))  # fmt: skip
    if args.db == "postgres":
        manage("dbshell", "--", "-c", "VACUUM ANALYZE", stdout=subprocess.DEVNULL)
    else:
        # Making rows due above rewrote most of the database in a few transactions, and left
        # a write-ahead log of several hundred MB (a live forum's stays near SQLite's 4 MB
        # checkpoint size): empty it, so that the run starts from a database as it would be.
        manage("shell", "-v", "0", "-c", "from retention import engine; engine.flush_deleted_pages()")

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from forum.models import Board, Post, Topic
    from retention import engine

    due = engine.counts()
    due_rows = due["topics"] + due["posts"]
    staying = Post.objects.filter(expires_at__gt=engine.Context.load().now).count()
    before = Post.objects.count() + Topic.objects.count()
    client = Client()
    latencies: list[float] = []
    started_at: list[float] = []  # when each request began (time.monotonic())
    done = threading.Event()

    fresh = Topic.objects.get(title="fresh")
    writes: list[float] = []

    def reader():
        paths = ["/", Board.objects.get(slug="bench-0").get_absolute_url(), fresh.get_absolute_url()]
        n = 0
        while not done.is_set():
            t0 = time.perf_counter()
            started_at.append(time.monotonic())
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

    load_before = os.getloadavg()
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    time.sleep(1)
    baseline = sorted(latencies)[len(latencies) // 2] if latencies else 0
    first_during = len(latencies)
    write_thread = threading.Thread(target=writer, daemon=True)
    write_thread.start()
    t0 = time.monotonic()
    # Run expire in a process of its own that reports its own peak memory.
    batch = ["--batch-size", str(args.batch_size)] if args.batch_size else []
    runner = ("import resource, sys; from django.core.management import execute_from_command_line;"
              f"execute_from_command_line(['manage.py', 'expire', '-v', '2', *{batch}]);"
              "usage = resource.getrusage(resource.RUSAGE_SELF);"
              "print('PEAK_KB', usage.ru_maxrss, 'CPU_S', usage.ru_utime + usage.ru_stime)")
    out = subprocess.run([PY, "-c", runner], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"expire failed:\n{out.stdout}\n{out.stderr}")
    elapsed = time.monotonic() - t0
    load_after = os.getloadavg()
    done.set()
    thread.join()
    write_thread.join()
    peak_kb, _cpu, cpu_s = out.stdout.rsplit("PEAK_KB", 1)[1].split()[:3]
    peak_mb, cpu_s = int(peak_kb) / 1024, float(cpu_s)
    connection.close()
    after = Post.objects.count() + Topic.objects.count()
    deleted = before - (after - len(writes))  # the replies written meanwhile were not there before
    assert Topic.objects.filter(title="fresh").exists()
    assert deleted == due_rows, f"{deleted} rows deleted, {due_rows} were due"
    assert Post.objects.filter(expires_at__isnull=False).count() == staying, "a post with an end to come went"
    assert sum(engine.counts().values()) == 0, "rows still due after the run"
    wrong = counters_off()
    assert not wrong, f"counters differ from a recount: {wrong[:5]}"

    lines = out.stdout.strip().splitlines()
    summary = next(line for line in lines if line.startswith("expired:"))
    per_part, purge = {}, 0.0
    for line in lines:
        if match := re.match(r"\s+([\d,]+) rows? in ([\d.]+)s \((\d+) batches, longest ([\d.]+)s\): (.*)", line):
            per_part[match[5]] = (int(match[1].replace(",", "")), float(match[2]), int(match[3]), float(match[4]))
        elif match := re.match(r"\s+search index rewritten .* in ([\d.]+)s", line):
            purge = float(match[1])
    during = latencies[first_during:]
    slowest_at = started_at[first_during + during.index(max(during))] - t0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]} (WAL, secure_delete on)"
    else:
        version = connection.cursor().connection.info.server_version
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    command = " ".join(["bench/expire_bench.py", *sys.argv[1:]])
    rows = [
        f"### {datetime.date.today().isoformat()}: expire, {database}, {args.posts:,} posts in "
        f"{args.topics:,} topics, " + (f"batches of {args.batch_size:,} rows" if args.batch_size else
                                       f"batches sized to take about {engine.BATCH_SECONDS:g} s"),
        "",
        f"Command: `.venv/bin/python {command}`",
        "",
        f"Machine: {machine()}. {database}. Load average (1, 5, 15 min) just before the run "
        f"{load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f}; just after "
        f"{load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}.",
        "",
        "| measure | result | target |",
        "|---|---:|---:|",
        f"| seeding (seed_bench) | {seeded:.0f} s{' (a copy of an earlier seed)' if not seeded else ''} | |",
        f"| rows due, all deleted (posts + topics) | {deleted:,} | |",
        f"| expire run time, whole process | {elapsed:.1f} s | |",
        f"| rows deleted per second, whole process | {deleted / elapsed:,.0f} | >= 20,000 |",
        f"| CPU time of the expire process (user + system) | {cpu_s:.1f} s | |",
    ]
    for title, (n, seconds, batches, longest) in per_part.items():
        rows.append(f"| {title}: {n:,} rows in {seconds:.1f} s ({batches} batches, longest {longest:.2f} s) "
                    f"| {n / seconds if seconds else 0:,.0f} rows/s | >= 20,000 |")  # fmt: skip
    if purge:
        rows.append(f"| search index rewritten without the deleted text (SQLite FTS5) | {purge:.1f} s | |")
    rows += [
        f"| peak memory of the expire process | {peak_mb:.0f} MB | < 300 MB |",
        f"| page requests during the run | {len(during):,} | |",
        f"| page request, median before the run | {baseline * 1000:.1f} ms | |",
        f"| page request, slowest during the run | {max(during) * 1000:.1f} ms ({slowest_at:.0f} s into the run) "
        f"| < 200 ms |",
        f"| page request, 99th percentile during the run | {sorted(during)[int(len(during) * 0.99)] * 1000:.1f} ms | |",
        f"| replies written during the run | {len(writes)} | |",
        f"| reply, slowest during the run (waits for the batch in flight) | {max(writes) * 1000:.1f} ms | |",
        "",
        f"`expire` said: `{summary}`",
        "",
    ]  # fmt: skip
    report = "\n".join(rows)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{datetime.date.today().isoformat()}-expire-{args.db}.md").write_text(report)


def counters_off() -> list[str]:
    """Return the topics and boards whose counters differ from a recount (set-based)."""
    from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
    from django.db.models.functions import Coalesce

    from forum.models import Board, Post, Status, Topic

    visible = Post.objects.filter(topic=OuterRef("pk"), status=Status.VISIBLE).order_by()
    every = Post.objects.filter(topic=OuterRef("pk")).order_by()
    topics = Topic.objects.annotate(
        n=Coalesce(Subquery(visible.values("topic").annotate(c=Count("pk")).values("c")), 0),
        newest=Coalesce(Subquery(visible.order_by("-pk").values("pk")[:1]),
                        Subquery(every.order_by("-pk").values("pk")[:1])),
    )  # fmt: skip
    off = (~Q(post_count=F("n")) | Q(newest__isnull=False) & ~Q(last_post_id=F("newest"))
           | Q(newest__isnull=True, last_post__isnull=False))  # fmt: skip
    wrong = [f"topic {pk}" for pk in topics.filter(off).values_list("pk", flat=True)[:5]]
    shown = Topic.objects.filter(board=OuterRef("pk"), status=Status.VISIBLE).order_by().values("board")
    boards = Board.objects.annotate(
        t=Coalesce(Subquery(shown.annotate(c=Count("pk")).values("c")), 0),
        p=Coalesce(Subquery(shown.annotate(s=Sum("post_count")).values("s"), output_field=IntegerField()), 0),
    )
    wrong += [f"board {slug}" for slug in boards.filter(~Q(topic_count=F("t")) | ~Q(post_count=F("p")))
              .values_list("slug", flat=True)]  # fmt: skip
    return wrong


if __name__ == "__main__":
    main()
