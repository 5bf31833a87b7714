"""Delete everything past its retention rule (run it every 15 minutes)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from retention import engine


class Command(BaseCommand):
    help = "Delete data past its retention rule, in batches. Safe to stop and run again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        parser.add_argument("--batch-size", type=int, default=engine.DEFAULT_BATCH)
        parser.add_argument(
            "--pause", type=float, default=0.0, metavar="SECONDS",
            help="Rest between batches, to spare a busy database.",
        )  # fmt: skip
        parser.add_argument(
            "--quiet-when-idle", action="store_true", help="Print nothing when nothing was due."
        )
        parser.add_argument(
            "--loop", type=int, metavar="SECONDS", default=0,
            help="Run again every SECONDS seconds until stopped (what `make run` uses).",
        )  # fmt: skip

    def handle(self, *args, dry_run=False, batch_size=engine.DEFAULT_BATCH, loop=0, pause=0.0,
               quiet_when_idle=False, **options):  # fmt: skip
        while True:
            self.once(dry_run=dry_run, batch_size=max(1, batch_size), pause=pause,
                      quiet_when_idle=quiet_when_idle)  # fmt: skip
            if not loop:
                return
            close_old_connections()
            time.sleep(loop)

    def once(self, *, dry_run, batch_size, pause=0.0, quiet_when_idle=False):
        if dry_run:
            due = engine.counts()
            for label, number in due.items():
                self.stdout.write(f"would delete {number} {label}")
            self.stdout.write(f"dry run: {sum(due.values())} rows would be deleted, none were")
            return
        started = time.monotonic()
        last_report = [started]

        def progress(label, total):
            if pause:
                time.sleep(pause)
            now = time.monotonic()
            if now - last_report[0] >= 2:
                self.stdout.write(f"  {label}: {total} deleted so far")
                self.stdout.flush()
                last_report[0] = now

        deleted = engine.run(batch_size=batch_size, progress=progress)
        if quiet_when_idle and not any(deleted.values()):
            return
        summary = ", ".join(f"{n} {label}" for label, n in deleted.items() if n) or "nothing"
        self.stdout.write(f"expired: {summary} in {time.monotonic() - started:.1f}s")
