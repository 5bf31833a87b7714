"""Reports, the cases they open, warnings to members, and the moderation log.

Reporters are never shown to the member they reported, nor to other members; moderators
see reasons and notes, not who wrote them. The log keeps names as they were at the time,
so it outlives deleted members, and expires under its retention rule.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.timeutil import coarse_now


class Reason(models.TextChoices):
    EXPOSURE = "exposure", _("Exposes someone's identity or location")
    THREAT = "threat", _("Threat or harassment")
    INFORMANT = "informant", _("Suspected informant or infiltrator")
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Other")


URGENCY = {
    Reason.EXPOSURE: 3,
    Reason.THREAT: 2,
    Reason.INFORMANT: 2,
    Reason.SPAM: 1,
    Reason.OFF_TOPIC: 0,
    Reason.OTHER: 0,
}


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def in_queue_order(self):
        """Return the most urgent first, then the oldest."""
        return self.order_by("-urgency", "id")

    def with_targets(self):
        return self.select_related(
            "post__topic__board", "post__author", "topic__board", "topic__author", "member",
        )  # fmt: skip


class Case(models.Model):
    """One queue entry: every open report about the same post, topic or member."""

    class Resolution(models.TextChoices):
        UPHELD = "upheld", pgettext_lazy("case resolution", "Upheld")
        DISMISSED = "dismissed", pgettext_lazy("case resolution", "Dismissed")

    post = models.ForeignKey(
        "forum.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="cases"
    )
    topic = models.ForeignKey(
        "forum.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="cases"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cases_about",
        help_text=_("Set when the report is about the member, not one of their posts."),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member concerned: the author of the reported post or topic, or the reported member."),
    )
    board = models.ForeignKey(
        "forum.Board", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    urgency = models.PositiveSmallIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    auto_hidden = models.BooleanField(
        default=False, help_text=_("The reports hid the item until a moderator decides.")
    )
    opened_at = models.DateTimeField(default=coarse_now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("report case")
        verbose_name_plural = _("report cases")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, topic__isnull=True, member__isnull=True)
                    | Q(post__isnull=True, topic__isnull=False, member__isnull=True)
                    | Q(post__isnull=True, topic__isnull=True, member__isnull=False)
                ),
                name="moderation_case_one_target",
            ),
            models.UniqueConstraint(
                fields=["post"], condition=Q(resolved_at__isnull=True, post__isnull=False),
                name="moderation_case_one_open_per_post",
            ),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(resolved_at__isnull=True, topic__isnull=False),
                name="moderation_case_one_open_per_topic",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(resolved_at__isnull=True, member__isnull=False),
                name="moderation_case_one_open_per_member",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["resolved_at", "-urgency", "id"], name="moderation_case_queue"),
            models.Index(fields=["subject", "resolution"], name="moderation_case_subject"),
        ]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def target(self):
        return self.post or self.topic or self.member


class Report(models.Model):
    """One member's report. The reporter is kept to stop double reports and floods."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_made",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=coarse_now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reporter"], name="moderation_report_once_per_case"
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"


class Notice(models.Model):
    """A private warning a member sees on their next visit, signed "a moderator"."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=coarse_now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [models.Index(fields=["member", "seen_at"], name="moderation_notice_unseen")]

    def __str__(self):
        return f"#{self.pk}"


def _action(label):
    return pgettext_lazy("moderation action", label)


class Action(models.TextChoices):
    # Labels stand alone: the log shows "label: what it was done to".
    AUTO_HIDE = "auto_hide", _action("Hidden by reports")
    APPROVE = "approve", _action("Approved")
    DISMISS = "dismiss", _action("Reports dismissed")
    HIDE = "hide", _action("Hidden")
    UNHIDE = "unhide", _action("Shown again")
    REMOVE_POST = "remove_post", _action("Post removed")
    REMOVE_TOPIC = "remove_topic", _action("Topic removed")
    EDIT = "edit", _action("Post edited")
    LOCK = "lock", _action("Locked")
    UNLOCK = "unlock", _action("Unlocked")
    PIN = "pin", _action("Pinned")
    UNPIN = "unpin", _action("Unpinned")
    MOVE = "move", _action("Moved to another board")
    WARN = "warn", _action("Warned")
    SUSPEND = "suspend", _action("Suspended")
    BAN = "ban", _action("Banned")
    HOLD = "hold", _action("Every post held")
    RELEASE = "release", _action("Posts no longer held")
    VIEW_HISTORY = "view_history", _action("Moderation history opened")
    VIEW_INVITE_TREE = "view_invite_tree", _action("Invite tree opened")
    APPROVE_SIGNUP = "approve_signup", _action("Let in")
    REFUSE_SIGNUP = "refuse_signup", _action("Request to join refused")


class LogEntryQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-id")


class LogEntry(models.Model):
    """Who did what to what, and why. Names are copied, so the row outlives them."""

    created_at = models.DateTimeField(default=coarse_now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=60, blank=True)
    action = models.CharField(max_length=20, choices=Action)
    target_label = models.CharField(max_length=120)
    target_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_member_name = models.CharField(max_length=60, blank=True)
    board = models.ForeignKey(
        "forum.Board", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(max_length=1000, blank=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [models.Index(fields=["target_member", "id"], name="moderation_log_member")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_text}"

    @property
    def target_text(self) -> str:
        """Return what the action was done to, in the reader's language.

        The label is stored language-neutral ("post:12:3", "topic:3", "member:7") by
        moderation.actions, so the row outlives the post, topic or member it names.
        """
        kind, _sep, ids = self.target_label.partition(":")
        numbers = ids.split(":")
        if kind == "post" and len(numbers) == 2:
            return gettext("post #%(post)s in topic #%(topic)s") % {"post": numbers[0], "topic": numbers[1]}
        if kind == "topic" and len(numbers) == 1:
            return gettext("topic #%(topic)s") % {"topic": numbers[0]}
        if kind == "member" and len(numbers) == 1:
            return gettext("member #%(member)s") % {"member": numbers[0]}
        return self.target_label
