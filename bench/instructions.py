#!/usr/bin/env python
"""Instructions per request: a measure of a page's cost that a busy or drifting machine does not blur.

Usage (from the repository root, after bench/load.py has seeded its database, and with
Debian's valgrind installed):

    .venv/bin/python bench/instructions.py /topics/10001/                # as a visitor
    .venv/bin/python bench/instructions.py /topics/10001/ --member       # as a signed-in member
    .venv/bin/python bench/instructions.py /bench/bare/ --db postgres

It runs this script twice under valgrind's callgrind, both times with production settings
against the benchmark's database: once making 20 warm-up requests through Django's WSGI
handler, once making the same 20 and then N more, and prints the difference divided by N.
gunicorn and the network are left out: load.py measures them. Counts repeat to within a
fraction of a percent between runs, where requests per second on a shared machine of two
cores drift by a third (RESULTS.md).
"""

import argparse
import io
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20


def run_requests(path, db, member, count):
    """Make WARM_UP + count requests for `path` in this process (the part valgrind counts)."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY="bench-instructions-" + "x" * 48,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        HEARTH_HTTPS="0",
        HEARTH_BEHIND_PROXY="0",
        HEARTH_VAR_DIR=f"/tmp/hearth-bench-{db}",
        HEARTH_BENCH_VIEWS="1",
    )
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth_bench"
        )
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    cookie = ""
    if member:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from accounts.models import User

        user = User.objects.filter(username__startswith="bench").order_by("id")[3]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookie = f"hearth_session={session.session_key}; hearth_csrf={'a' * 32}"
    app = WSGIHandler()
    address, _, query = path.partition("?")
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    for _ in range(WARM_UP + count):
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": address, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8765", "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        }  # fmt: skip
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        b"".join(app(environ, start_response))
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"{path} answered {statuses[-1]}")


def counted(args, count):
    """Return the instructions callgrind counts for WARM_UP + count requests, start-up included."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, args.path, "--db", args.db, "--inside", str(count),
    ] + (["--member"] if args.member else [])  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        raise SystemExit(result.stderr[-2000:])
    return int(found.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the address to ask for, such as /topics/10001/")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--member", action="store_true", help="as a signed-in benchmark member")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--inside", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside is not None:
        return run_requests(args.path, args.db, args.member, args.inside)
    extra = counted(args, args.requests) - counted(args, 0)
    who = "member" if args.member else "visitor"
    print(f"{args.path} ({who}, {args.db}): {extra / args.requests / 1e6:.2f} million instructions a request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
