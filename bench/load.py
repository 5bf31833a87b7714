#!/usr/bin/env python
"""Load benchmark: wrk against gunicorn with production settings on 127.0.0.1.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/load.py --db sqlite            # seeds /tmp/hearth-bench once
    .venv/bin/python bench/load.py --db postgres          # database hearth_bench
    .venv/bin/python bench/load.py --db sqlite --posts 100000 --quick
    .venv/bin/python bench/load.py --db sqlite --duration 5 --paired   # each page beside a bare run

It seeds the database with `manage.py seed_bench` if it has no benchmark boards, starts
gunicorn (production settings, no whole-page cache), signs in a pool of benchmark members
(sessions made with Django's session store; no password is sent over the wire), and runs wrk
for each scenario as an anonymous visitor and as a signed-in member, next to a bare Django
view served by the same server as the ceiling. It prints a Markdown table to paste into
bench/RESULTS.md, and writes it to bench/results/<date>-<db>.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"


def env_for(db: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        HEARTH_HTTPS="0",
        HEARTH_BEHIND_PROXY="0",
        HEARTH_VAR_DIR=str(var_dir),
        HEARTH_BENCH_VIEWS="1",
    )
    if db == "postgres":
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_bench"
        )
    else:
        env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def manage(env, *args, capture=False):
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        capture_output=capture,
    )  # fmt: skip


def ensure_postgres_database(env, *, fresh=False):
    """Create the benchmark database if missing (dropping it first when `fresh`)."""
    import psycopg

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'drop database if exists "{name}" with (force)')
        if not conn.execute("select 1 from pg_database where datname=%s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


SETUP_SNIPPET = r"""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from forum.models import Board, Topic
out = {"cookies": []}
for user in User.objects.filter(username__startswith="bench").order_by("id")[:N_SESSIONS]:
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    out["cookies"].append(s.session_key)
board = Board.objects.filter(slug="bench-0").get()
big = Topic.objects.filter(title="Bench: the long topic").get()
small = Topic.objects.filter(board=board).exclude(pk=big.pk).order_by("-post_count").first()
out["board"] = board.pk
deep = Board.objects.filter(slug="bench-deep").first()
out["deep_board"] = deep.pk if deep else None
out["big_topic"] = big.pk
out["big_topic_pages"] = (big.post_count - 1) // settings.HEARTH["POSTS_PER_PAGE"] + 1
out["deep_pages"] = (
    (deep.topic_count - 1) // settings.HEARTH["TOPICS_PER_PAGE"] + 1 if deep else None
)
out["reply_topic"] = small.pk
print("BENCH" + json.dumps(out))
"""

WRK_LUA = r"""
local cookies = {COOKIES}
local csrf = "{CSRF}"
local counter = 0
request = function()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  local headers = {}
  headers["Cookie"] = "hearth_session=" .. cookie .. "; hearth_csrf=" .. csrf
  headers["Host"] = "127.0.0.1"
  if METHOD == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = csrf
    headers["Referer"] = "{BASE}/"
    return wrk.format("POST", PATH, headers, "body=Benchmark+reply+number+" .. counter)
  end
  return wrk.format("GET", PATH, headers)
end
"""

ANON_LUA = r"""
request = function()
  return wrk.format("GET", PATH, {["Host"] = "127.0.0.1"})
end
"""


def wrk(path, *, lua, duration, connections, method="GET"):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(f'PATH = "{path}"\nMETHOD = "{method}"\n' + lua)
        script = f.name
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script, BASE],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    os.unlink(script)
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"\s+(50|99)%\s+([\d.]+\w+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": to_ms(lat.get("50", "0ms")),
        "p99": to_ms(lat.get("99", "0ms")),
        "bad": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wait_for_server(timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{BASE}/bench/bare/", timeout=1)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def csrf_token():
    """Return a CSRF secret in Django's format (32 letters and digits)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--big-board-topics", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5-second runs")
    parser.add_argument("--var-dir", default=None)
    parser.add_argument("--seed-only", action="store_true", help="seed the database and stop")
    parser.add_argument(
        "--paired", action="store_true",
        help="measure the bare view again right after each scenario, and compare with that "
        "(on a machine whose speed drifts between scenarios)",
    )  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    duration = 5 if args.quick else args.duration

    var_dir = Path(args.var_dir or f"/tmp/hearth-bench-{args.db}")
    var_dir.mkdir(parents=True, exist_ok=True)
    env = env_for(args.db, var_dir)
    if args.db == "postgres":
        ensure_postgres_database(env)
    manage(env, "migrate", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    probe = manage(
        env, "shell", "-c",
        "from forum.models import Board; print('SEEDED' if Board.objects.filter(slug='bench-0').exists() else 'EMPTY')",
        capture=True,
    ).stdout  # fmt: skip
    if "EMPTY" in probe:
        started = time.monotonic()
        manage(env, "seed_bench", "--posts", str(args.posts),
               "--big-board-topics", str(args.big_board_topics))  # fmt: skip
        print(f"seeded in {time.monotonic() - started:.0f}s")
    if args.seed_only:
        return 0
    snippet = SETUP_SNIPPET.replace("N_SESSIONS", "500")
    info_out = manage(env, "shell", "-c", snippet, capture=True).stdout
    info = json.loads(info_out.split("BENCH", 1)[1])

    config = ["-c", "gunicorn.conf.py"] if (ROOT / "gunicorn.conf.py").exists() else []
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", *config,
         "-b", f"127.0.0.1:{PORT}", "-w", str(args.workers)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_server()
        csrf = csrf_token()
        cookies = "{" + ",".join(f'"{c}"' for c in info["cookies"]) + "}"
        member_lua = WRK_LUA.replace("{COOKIES}", cookies).replace("{CSRF}", csrf)
        member_lua = member_lua.replace("{BASE}", BASE)
        last = info["big_topic_pages"]
        scenarios = [
            ("bare Django view (ceiling)", "/bench/bare/"),
            ("board index", "/"),
            ("board page", f"/boards/{info['board']}/"),
            ("topic, first page (10,000 posts)", f"/topics/{info['big_topic']}/"),
            ("topic, last page (10,000 posts)", f"/topics/{info['big_topic']}/?page={last}"),
        ]
        if info["deep_board"]:
            scenarios += [
                ("deep board, first page", f"/boards/{info['deep_board']}/"),
                ("deep board, last page", f"/boards/{info['deep_board']}/?page={info['deep_pages']}"),
            ]  # fmt: skip
        if os.environ.get("BENCH_SEARCH", "1") == "1":
            scenarios.append(("search", "/search/?q=library"))
        def measure(path, lua, method="GET"):
            result = wrk(path, lua=lua, duration=duration, connections=args.connections, method=method)
            if args.paired and path != "/bench/bare/":
                bare = wrk("/bench/bare/", lua=lua, duration=duration, connections=args.connections)
                result["bare_rps"] = bare["rps"]
            return result

        rows = []
        for label, path in scenarios:
            for who, lua in (("anonymous", ANON_LUA), ("member", member_lua)):
                if path.startswith("/search/") and who == "anonymous":
                    continue
                rows.append((label, who, measure(path, lua)))
                print(label, who, rows[-1][2], flush=True)
        rows.append(("post a reply", "member",
                     measure(f"/topics/{info['reply_topic']}/reply/", member_lua, method="POST")))  # fmt: skip
        print("post a reply", rows[-1][2], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    report(args, rows, duration)


def report(args, rows, duration):
    ceiling = next(r for label, who, r in rows if label.startswith("bare") and who == "member")
    ceiling_anon = next(r for label, who, r in rows if label.startswith("bare") and who == "anonymous")
    lines = [
        f"### {datetime.date.today().isoformat()} — {args.db}, {args.workers} gunicorn workers, "
        f"{args.connections} connections, {duration}s per scenario",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}",
        "",
        "| scenario | as | req/s | % of bare view | p50 ms | p99 ms | non-2xx/3xx |"
        + (" bare view right after, req/s |" if args.paired else ""),
        "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if args.paired else ""),
    ]
    for label, who, r in rows:
        base = r.get("bare_rps") or (ceiling_anon if who == "anonymous" else ceiling)["rps"]
        share = 100 * r["rps"] / base if base else 0
        lines.append(
            f"| {label} | {who} | {r['rps']:.0f} | {share:.0f}% | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['bad']} |" + (f" {base:.0f} |" if args.paired else "")
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{datetime.date.today().isoformat()}-{args.db}.md").write_text(text)


if __name__ == "__main__":
    sys.exit(main())
