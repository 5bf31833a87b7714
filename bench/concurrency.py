#!/usr/bin/env python
"""Concurrency check: many members reading and writing at once, then every count verified.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/concurrency.py                      # PostgreSQL, hearth_bench_concurrency
    .venv/bin/python bench/concurrency.py --db sqlite          # the embedded default
    .venv/bin/python bench/concurrency.py --members 50 --seconds 60 --workers 4

It makes a fresh database with a few boards and topics and `--members` established members
(sessions made with Django's session store), starts gunicorn with production settings on
127.0.0.1, and runs one thread per member for `--seconds`: each reads the board index, a
board, a topic (first or last page), and now and then replies or starts a topic (below
the posting rate limit, as a person would), each write carrying a marker of its own. Then
it checks, from the database:

- no response was an error (anything but 200 or a redirect),
- every write that was answered with a redirect is in the database exactly once, and no
  marker is there that was not answered (no lost and no doubled post),
- every topic's and board's counters equal a recount of the rows.

It exits non-zero if any check fails, and prints a Markdown summary for bench/RESULTS.md.
Only 127.0.0.1 is ever contacted; every loop is bounded in time.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ROOT, env_for, ensure_postgres_database, manage, wait_for_server  # noqa: E402

PORT = 8765

SETUP = r"""
import datetime, json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import SiteSettings, User
from forum import actions
from forum.models import Board, Visibility
site = SiteSettings.load()
site.registration_mode = "open"
site.save()
boards = [Board.objects.create(slug=f"cc-{n}", name=f"Board {n}", visibility=Visibility.PUBLIC)
          for n in range(3)]
old = datetime.date.today() - datetime.timedelta(days=400)
members = [User.objects.create_user(f"ccmember{n}", None, approved_post_count=100, date_joined=old)
           for n in range(N_MEMBERS)]
topics = []
for n in range(12):
    topic = actions.create_topic(boards[n % 3], author=members[n % len(members)],
                                 title=f"Seed topic {n}", body=f"seed {n}")
    for r in range(30):
        actions.create_reply(topic, author=members[(n + r) % len(members)], body=f"seed reply {n}.{r}")
    topics.append(topic.pk)
sessions = []
for user in members:
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.set_expiry(60 * 60 * 24)  # kept signed in: the idle sign-out does not end the run
    s.create()
    sessions.append(s.session_key)
print("SETUP" + json.dumps({"boards": [b.pk for b in boards], "topics": topics, "sessions": sessions}))
"""

VERIFY = r"""
import json, re
from django.db.models import Count, Max, Q, Sum
from forum.models import Board, Post, Status, Topic
markers = Counter()
for body in Post.objects.filter(body__contains="cc-mark-").values_list("body", flat=True).iterator():
    markers.update(re.findall(r"cc-mark-[0-9a-z-]+", body))
wrong = []
for topic in Topic.objects.annotate(
    visible=Count("posts", filter=Q(posts__status=Status.VISIBLE)),
    newest=Max("posts__id", filter=Q(posts__status=Status.VISIBLE)),
):
    if topic.post_count != topic.visible or topic.last_post_id != topic.newest:
        wrong.append(f"topic {topic.pk}: post_count {topic.post_count} (recount {topic.visible}), "
                     f"last_post {topic.last_post_id} (recount {topic.newest})")
for board in Board.objects.all():
    visible = Topic.objects.filter(board=board, status=Status.VISIBLE)
    topics, posts = visible.count(), visible.aggregate(n=Sum("post_count"))["n"] or 0
    if (board.topic_count, board.post_count) != (topics, posts):
        wrong.append(f"board {board.pk}: {board.topic_count}/{board.post_count} (recount {topics}/{posts})")
print("VERIFY" + json.dumps({"markers": dict(markers), "wrong": wrong,
                              "posts": Post.objects.count(), "topics": Topic.objects.count()}))
""".replace("Counter()", "__import__('collections').Counter()")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Member(threading.Thread):
    """One simulated member: a keep-alive connection, a session, a bounded loop."""

    def __init__(self, number, session, info, deadline, seed):
        super().__init__(daemon=True)
        self.number, self.session, self.info, self.deadline = number, session, info, deadline
        self.rng = random.Random(seed)
        self.cookies = {"hearth_session": session}
        self.statuses = Counter()
        self.errors = []
        self.written = []  # markers answered with a redirect
        self.unanswered = []  # markers whose request failed in transit
        self.latencies = []
        self.conn = None

    def request(self, method, path, form=None):
        body = urlencode(form) if form else None
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                started = time.monotonic()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                self.latencies.append(time.monotonic() - started)
                break
            except (http.client.HTTPException, OSError):
                self.conn = None  # gunicorn closed the keep-alive connection; reconnect once
                if attempt == 2 or method == "POST":
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        self.statuses[response.status] += 1
        if response.status not in (200, 301, 302, 303):
            self.errors.append(f"{method} {path}: {response.status}")
        return response.status, text

    def write(self, form_path, fields):
        status, page = self.request("GET", form_path)
        token = CSRF.search(page)
        if status != 200 or not token:
            self.errors.append(f"GET {form_path}: no form ({status})")
            return
        marker = next(v for v in fields.values() if "cc-mark-" in v)
        marker = re.search(r"cc-mark-[0-9a-z-]+", marker).group(0)
        try:
            status, _ = self.request("POST", form_path, {**fields, "csrfmiddlewaretoken": token.group(1)})
        except (http.client.HTTPException, OSError) as error:
            self.unanswered.append(marker)
            self.errors.append(f"POST {form_path}: {error!r}")
            return
        if status in (302, 303):
            self.written.append(marker)

    def run(self):
        n = 0
        next_write = time.monotonic() + self.rng.uniform(2, 12)
        while time.monotonic() < self.deadline:
            topic = self.rng.choice(self.info["topics"])
            board = self.rng.choice(self.info["boards"])
            self.request("GET", "/")
            self.request("GET", f"/boards/{board}/")
            self.request("GET", f"/topics/{topic}/" + ("?page=2" if self.rng.random() < 0.5 else ""))
            if time.monotonic() >= next_write:
                n += 1
                marker = f"cc-mark-{self.number}-{n}"
                if self.rng.random() < 0.2:
                    self.write(f"/boards/{board}/new/", {"title": f"A new topic from member {self.number}",
                                                         "body": f"Starting out {marker}"})  # fmt: skip
                else:
                    self.write(f"/topics/{topic}/reply/", {"body": f"A reply {marker}"})
                # Under the posting limit of 6 a minute, as a person would be.
                next_write = time.monotonic() + self.rng.uniform(11, 14)
            time.sleep(self.rng.uniform(0.05, 0.3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    var_dir = Path(f"/tmp/hearth-bench-concurrency-{args.db}")
    subprocess.run(["rm", "-rf", str(var_dir)], check=True)
    var_dir.mkdir(parents=True)
    env = env_for(args.db, var_dir)
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_bench_concurrency"
        )
        ensure_postgres_database(env, fresh=True)
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    out = manage(env, "shell", "-c", SETUP.replace("N_MEMBERS", str(args.members)), capture=True).stdout
    info = json.loads(out.split("SETUP", 1)[1])

    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-c", "gunicorn.conf.py",
         "-b", f"127.0.0.1:{PORT}", "-w", str(args.workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_server()
        deadline = time.monotonic() + args.seconds
        members = [Member(n, s, info, deadline, seed=n) for n, s in enumerate(info["sessions"])]
        started = time.monotonic()
        for member in members:
            member.start()
        for member in members:
            member.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server_log = server.communicate(timeout=30)[1]

    result = json.loads(manage(env, "shell", "-c", VERIFY, capture=True).stdout.split("VERIFY", 1)[1])
    statuses = sum((m.statuses for m in members), Counter())
    errors = [e for m in members for e in m.errors]
    written = Counter(marker for m in members for marker in m.written)
    unanswered = {marker for m in members for marker in m.unanswered}
    stored = Counter(result["markers"])
    lost = sorted(set(written) - set(stored))
    doubled = sorted(k for k, v in stored.items() if v > 1)
    unexpected = sorted(set(stored) - set(written) - unanswered)
    latencies = sorted(t for m in members for t in m.latencies)
    p = lambda q: 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    checks = {
        "no error response": not errors,
        "no lost post": not lost,
        "no doubled post": not doubled,
        "no post without an answer": not unexpected,
        "counters equal a recount": not result["wrong"],
    }
    lines = [
        f"### {datetime.date.today().isoformat()} — {args.db}, {args.workers} gunicorn workers, "
        f"{args.members} members, {args.seconds} s",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {os.getloadavg()[0]:.2f}",
        "",
        "| measure | result |",
        "|---|---:|",
        f"| requests | {sum(statuses.values()):,} in {elapsed:.0f} s ({sum(statuses.values()) / elapsed:.0f}/s) |",
        f"| responses by status | {', '.join(f'{k}: {v:,}' for k, v in sorted(statuses.items()))} |",
        f"| latency p50 / p99 | {p(0.5):.1f} ms / {p(0.99):.1f} ms |",
        f"| posts and topics written (answered with a redirect) | {sum(written.values()):,} |",
        f"| found in the database exactly once | {sum(1 for k in written if stored.get(k) == 1):,} |",
        f"| rows after the run | {result['posts']:,} posts in {result['topics']:,} topics |",
    ] + [f"| {name} | {'yes' if ok else 'NO'} |" for name, ok in checks.items()]
    print("\n".join(lines) + "\n")
    for label, items in (("errors", errors), ("lost", lost), ("doubled", doubled),
                         ("unexpected", unexpected), ("counters", result["wrong"])):  # fmt: skip
        if items:
            print(f"{label}: {items[:20]}")
    if server_log.strip():
        print("gunicorn said:\n" + server_log[-3000:])
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
