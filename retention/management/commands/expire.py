"""Delete everything past its retention rule (run it every 15 minutes)."""

import os
import time
import traceback

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retention import engine


class Command(BaseCommand):
    help = "Delete data past its retention rule, in batches. Safe to stop and run again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        parser.add_argument(
            "--batch-size", type=int, default=None,
            help=f"Rows deleted per transaction, at most {engine.MAX_BATCH}. By default batches start at "
                 f"{engine.DEFAULT_BATCH} rows and are sized to take about {engine.BATCH_SECONDS:g} s each.",
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

    def handle(self, *args, dry_run=False, batch_size=None, loop=0, pause=0.0,
               quiet_when_idle=False, verbosity=1, **options):  # fmt: skip
        self.verbosity = verbosity
        if not loop:
            self.once(dry_run=dry_run, batch_size=batch_size, pause=pause,
                      quiet_when_idle=quiet_when_idle)  # fmt: skip
            return
        parent = os.getppid()
        while True:
            try:
                self.once(dry_run=dry_run, batch_size=batch_size, pause=pause,
                          quiet_when_idle=quiet_when_idle)  # fmt: skip
            except Exception:  # noqa: BLE001 - one failed run must not stop the schedule
                self.stderr.write(_("expire: this run failed; the next one tries again.") + "\n"
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
                self.stdout.write("  " + _("%(rows)s deleted so far (batch %(batch)s)") % {
                    "rows": engine.describe(label, total), "batch": batches[0]})  # fmt: skip
                self.stdout.flush()
                last_report[0] = now
            if pause:
                time.sleep(pause)

        stats: dict[str, list] = {}
        deleted = engine.run(batch_size=batch_size, progress=progress, stats=stats)
        if quiet_when_idle and not any(deleted.values()):
            return
        elapsed = time.monotonic() - started
        rows = sum(deleted.values())
        what = ", ".join(engine.describe(label, n) for label, n in deleted.items() if n) or _("nothing")
        counted = ngettext("%(batches)s batch", "%(batches)s batches", batches[0]) % {"batches": batches[0]}
        if rows and elapsed > 0:
            counted = _("%(batches)s, %(rate)s rows/s") % {"batches": counted, "rate": f"{rows / elapsed:,.0f}"}
        self.stdout.write(_("expired: %(what)s in %(seconds)ss (%(batches)s)") % {
            "what": what, "seconds": f"{elapsed:.1f}", "batches": counted})  # fmt: skip
        if self.verbosity >= 2:
            titles = {part.label: part.title for part in reversed(engine.REGISTRY)}
            for label, (n, seconds, longest, count) in stats.items():
                if label == "search index":
                    self.stdout.write("  " + _("search index rewritten without the deleted text in %(seconds)ss")
                                      % {"seconds": f"{seconds:.1f}"})  # fmt: skip
                elif n:
                    self.stdout.write("  " + ngettext(
                        "%(rows)s row in %(seconds)ss (%(batches)s batches, longest %(longest)ss): %(part)s",
                        "%(rows)s rows in %(seconds)ss (%(batches)s batches, longest %(longest)ss): %(part)s", n,
                    ) % {"rows": n, "seconds": f"{seconds:.1f}", "batches": count, "longest": f"{longest:.2f}",
                         "part": titles[label]})  # fmt: skip

    def dry_run(self):
        from forum.models import Board

        ctx = engine.Context.load()
        due = engine.counts(ctx=ctx)
        for label, number in due.items():
            self.stdout.write(_("would delete %(rows)s") % {"rows": engine.describe(label, number)})
        by_board = engine.counts_by_board(ctx=ctx)
        if by_board:
            names = dict(Board.objects.filter(pk__in=by_board).values_list("pk", "slug"))
            for board_id, rows in sorted(by_board.items()):
                self.stdout.write("  " + _("in board %(board)s: %(topics)s, %(posts)s") % {
                    "board": names.get(board_id, board_id), "topics": engine.describe("topics", rows["topics"]),
                    "posts": engine.describe("posts", rows["posts"])})  # fmt: skip
        total = sum(due.values())
        self.stdout.write(ngettext("dry run: %(count)s row would be deleted, none was",
                                   "dry run: %(count)s rows would be deleted, none were", total)
                          % {"count": total})  # fmt: skip
