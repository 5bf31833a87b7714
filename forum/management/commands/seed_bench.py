"""Seed a forum at benchmark scale with bulk inserts (for bench/, never for production)."""

import datetime
import itertools
import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts import pseudonyms
from accounts.models import User
from accounts.timeutil import coarse_now, today
from forum.markdown import render_markdown
from forum.models import Board, Post, Status, Topic, Visibility

BATCH = 5_000
BODIES = [
    "Has anyone been to the **library meeting** lately? I heard it moved to Thursdays.",
    "A lawyer who helps without asking questions:\n\n- ask at the usual place\n- say a friend sent you",
    "Thank you all. Reading this board makes the week easier. *Take care of each other.*",
    "> Write the number on paper, not only in the phone.\n\nGood advice, I did that today.",
    "Looking for a room for two weeks from next month; quiet, can help with rent.",
    "The clinic on the east side was kind to me. Ask for the evening doctor.",
    "Useful guide: https://example.org/guide (no tracking, works over Tor).",
    "Counselling in Arabic and French twice a week; message a moderator for the details.",
]


class Command(BaseCommand):
    help = "Bulk-create boards, members, topics and posts for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=1_000_000)
        parser.add_argument("--topics", type=int, default=10_000)
        parser.add_argument("--boards", type=int, default=20)
        parser.add_argument("--members", type=int, default=5_000)
        parser.add_argument(
            "--big-topic-posts", type=int, default=10_000,
            help="Posts in one extra topic (first board), for last-page measurements.",
        )  # fmt: skip
        parser.add_argument(
            "--big-board-topics", type=int, default=0,
            help="Topics (one post each) in one extra board, for deep board pages.",
        )  # fmt: skip
        parser.add_argument("--password", default="bench passphrase 1234")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **opts):
        if "bench" not in str(connection.settings_dict.get("NAME")):
            raise CommandError(
                "seed_bench writes a million fake rows: point it at a database whose name or "
                "path contains 'bench' (e.g. HEARTH_VAR_DIR=/tmp/hearth-bench)."
            )
        if Board.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("This database already has benchmark boards.")
        rng = random.Random(opts["seed"])
        started = time.monotonic()
        bodies = [(body, render_markdown(body)) for body in BODIES]
        now = coarse_now()

        boards = Board.objects.bulk_create(
            Board(
                slug=f"bench-{n}", name=f"Bench board {n}", position=100 + n,
                visibility=Visibility.PUBLIC if n % 2 == 0 else Visibility.MEMBERS,
            )  # fmt: skip
            for n in range(opts["boards"])
        )
        self._say(f"{len(boards)} boards", started)

        password = make_password(opts["password"])
        joined = today() - datetime.timedelta(days=365)  # members past probation
        member_ids = self._bulk(
            User,
            (
                User(
                    username=name, username_skeleton=pseudonyms.skeleton(name),
                    password=password, date_joined=joined, approved_post_count=100,
                )  # fmt: skip
                for name in (f"bench{n:06d}" for n in range(opts["members"]))
            ),
        )
        self._say(f"{len(member_ids)} members", started)

        topics_per_board = max(1, opts["topics"] // len(boards))
        topic_ids = self._bulk(
            Topic,
            (
                Topic(
                    board=boards[n % len(boards)], title=f"Bench topic {n}",
                    author_id=rng.choice(member_ids), status=Status.VISIBLE,
                    created_at=now, last_activity_at=now,
                )  # fmt: skip
                for n in range(topics_per_board * len(boards))
            ),
        )
        big_topic = Topic.objects.create(
            board=boards[0], title="Bench: the long topic", author_id=member_ids[0],
            created_at=now, last_activity_at=now,
        )  # fmt: skip
        self._say(f"{len(topic_ids) + 1} topics", started)

        def posts():
            # Every topic gets its first post; the rest are spread at random.
            for topic_id in topic_ids:
                yield topic_id
            for _ in range(max(0, opts["posts"] - len(topic_ids))):
                yield rng.choice(topic_ids)
            for _ in range(opts["big_topic_posts"]):
                yield big_topic.pk

        post_count = self._bulk(
            Post,
            (
                Post(
                    topic_id=topic_id, author_id=rng.choice(member_ids), body=body,
                    body_html=html, created_at=now, status=Status.VISIBLE,
                )  # fmt: skip
                for topic_id, (body, html) in zip(posts(), itertools.cycle(bodies))
            ),
            report_every=100_000,
            started=started,
            return_ids=False,
        )
        self._say(f"{post_count} posts", started)

        if opts["big_board_topics"]:
            deep = Board.objects.create(
                slug="bench-deep", name="Bench: the deep board", visibility=Visibility.PUBLIC
            )
            deep_ids = self._bulk(
                Topic,
                (
                    Topic(board=deep, title=f"Deep topic {n}", author_id=rng.choice(member_ids),
                          created_at=now, last_activity_at=now)
                    for n in range(opts["big_board_topics"])
                ),
            )  # fmt: skip
            self._bulk(
                Post,
                (
                    Post(topic_id=tid, author_id=rng.choice(member_ids), body=BODIES[0],
                         body_html=bodies[0][1], created_at=now)
                    for tid in deep_ids
                ),
                return_ids=False,
            )  # fmt: skip
            self._say(f"{len(deep_ids)} topics in the deep board", started)

        self._recount()
        self._say("counters recounted", started)
        if connection.vendor == "postgresql":
            # As autovacuum would, before anything is measured. The recount left a dead copy
            # of every topic row and its index entries: ANALYZE alone kept them, and the
            # deep board's first page then walked 1,388 index and heap pages for 25 topics
            # (108 once vacuumed).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            self._say("vacuumed, statistics gathered", started)

    def _bulk(self, model, objects, *, report_every=0, started=None, return_ids=True):
        ids: list[int] = []
        total = 0
        iterator = iter(objects)
        while batch := list(itertools.islice(iterator, BATCH)):
            with transaction.atomic():
                created = model.objects.bulk_create(batch)
            total += len(created)
            if return_ids:
                ids.extend(obj.pk for obj in created)
            if report_every and total % report_every < BATCH:
                self._say(f"  {total} {model._meta.verbose_name_plural}", started)
        return ids if return_ids else total

    def _recount(self):
        """Set every counter from the rows, in a few set-based updates."""
        with transaction.atomic():
            visible = Post.objects.filter(topic=OuterRef("pk"), status=Status.VISIBLE)
            per_topic = visible.values("topic")
            Topic.objects.filter(board__slug__startswith="bench-").update(
                post_count=Coalesce(
                    Subquery(per_topic.annotate(n=Count("id")).values("n")[:1]), 0
                ),
                last_post=Subquery(per_topic.annotate(m=Max("id")).values("m")[:1]),
            )
            per_board = Topic.objects.filter(
                board=OuterRef("pk"), status=Status.VISIBLE
            ).values("board")
            Board.objects.filter(slug__startswith="bench-").update(
                topic_count=Coalesce(
                    Subquery(per_board.annotate(n=Count("id")).values("n")[:1]), 0
                ),
                post_count=Coalesce(
                    Subquery(per_board.annotate(n=Sum("post_count")).values("n")[:1]), 0
                ),
            )

    def _say(self, what, started):
        self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {what}")
        self.stdout.flush()

