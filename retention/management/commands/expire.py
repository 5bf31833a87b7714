"""Delete everything past its retention rule (run it every 15 minutes)."""

import os
import time
import traceback

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from retention import engine


class Command(BaseCommand):
    help = "Delete data past its retention rule, in batches. Safe to stop and run again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        parser.add_argument(
            "--batch-size", type=int, default=engine.DEFAULT_BATCH,
            help="Rows deleted per transaction (default %(default)s).",
        )  # fmt: skip
        parser.add_argument(
            "--pause", type=float, default=0.0, metavar="SECONDS",
            help="Rest between batches, to spare a busy database.",
        )  # fmt: skip
        parser.add_argument(
            "--quiet-when-idle", action="store_true", help="Print nothing when nothing was due."
        )
        parser.add_argument(
            "--loop", type=int, metavar="SECONDS", default=0,
            help="Run again every SECONDS seconds until stopped (what `make run` uses); "
                 "a failed run is reported and the next one tries again.",
        )  # fmt: skip

    def handle(self, *args, dry_run=False, batch_size=engine.DEFAULT_BATCH, loop=0, pause=0.0,
               quiet_when_idle=False, verbosity=1, **options):  # fmt: skip
        self.verbosity = verbosity
        if not loop:
            self.once(dry_run=dry_run, batch_size=max(1, batch_size), pause=pause,
                      quiet_when_idle=quiet_when_idle)  # fmt: skip
            return
        parent = os.getppid()
        while True:
            try:
                self.once(dry_run=dry_run, batch_size=max(1, batch_size), pause=pause,
                          quiet_when_idle=quiet_when_idle)  # fmt: skip
            except Exception:  # noqa: BLE001 - one failed run must not stop the schedule
                self.stderr.write("expire: this run failed; the next one tries again.\n"
                                  + traceback.format_exc())  # fmt: skip
            close_old_connections()
            # Sleep in short steps, and stop with whatever started us (make run's shell).
            deadline = time.monotonic() + loop
            while time.monotonic() < deadline:
                if os.getppid() != parent:
                    return
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def once(self, *, dry_run, batch_size, pause=0.0, quiet_when_idle=False):
        if dry_run:
            self.dry_run()
            return
        started = time.monotonic()
        last_report = [started]
        batches = [0]

        def progress(label, total):
            batches[0] += 1
            now = time.monotonic()
            if self.verbosity >= 2 or now - last_report[0] >= 2:
                self.stdout.write(f"  {label}: {total} deleted so far (batch {batches[0]})")
                self.stdout.flush()
                last_report[0] = now
            if pause:
                time.sleep(pause)

        deleted = engine.run(batch_size=batch_size, progress=progress)
        if quiet_when_idle and not any(deleted.values()):
            return
        elapsed = time.monotonic() - started
        rows = sum(deleted.values())
        summary = ", ".join(f"{n} {label}" for label, n in deleted.items() if n) or "nothing"
        rate = f", {rows / elapsed:,.0f} rows/s" if rows and elapsed > 0 else ""
        self.stdout.write(f"expired: {summary} in {elapsed:.1f}s ({batches[0]} batches{rate})")

    def dry_run(self):
        from forum.models import Board

        ctx = engine.Context.load()
        due = engine.counts(ctx=ctx)
        for label, number in due.items():
            self.stdout.write(f"would delete {number} {label}")
        by_board = engine.counts_by_board(ctx=ctx)
        if by_board:
            names = dict(Board.objects.filter(pk__in=by_board).values_list("pk", "slug"))
            for board_id, rows in sorted(by_board.items()):
                self.stdout.write(f"  in board {names.get(board_id, board_id)}: "
                                  f"{rows['topics']} topics, {rows['posts']} posts")  # fmt: skip
        self.stdout.write(f"dry run: {sum(due.values())} rows would be deleted, none were")
