"""Retention rules: how long each kind of data is kept, set by admins."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_DAYS = 3650


class Kind(models.TextChoices):
    POSTS = "posts", _("Posts and topics")
    REPORTS = "reports", _("Reports")
    MODERATION_LOG = "moderation_log", _("Moderation log entries")
    ACCOUNTS = "accounts", _("Accounts unused for a long time")
    INVITES = "invites", _("Invites")
    SESSIONS = "sessions", _("Sessions")


class Measure(models.TextChoices):
    # Read as "90 days after ...".
    CREATION = "creation", pgettext_lazy("counted from", "creation")
    LAST_ACTIVITY = "last_activity", pgettext_lazy("counted from", "last activity")
    RESOLUTION = "resolution", pgettext_lazy("counted from", "resolution")
    LAST_LOGIN = "last_login", pgettext_lazy("counted from", "last sign-in")
    USE = "use", pgettext_lazy("counted from", "first use")


# The defaults of DESIGN.md's data life cycle, and what each kind may be measured from.
DEFAULTS = {
    Kind.POSTS: (90, Measure.LAST_ACTIVITY),
    Kind.REPORTS: (30, Measure.RESOLUTION),
    Kind.MODERATION_LOG: (90, Measure.CREATION),
    Kind.ACCOUNTS: (365, Measure.LAST_LOGIN),
    # An unused invite goes when it expires; a used one keeps the inviter link this long.
    Kind.INVITES: (180, Measure.USE),
    Kind.SESSIONS: (14, Measure.LAST_ACTIVITY),
}
ALLOWED_MEASURES = {
    Kind.POSTS: {Measure.CREATION, Measure.LAST_ACTIVITY},
    Kind.REPORTS: {Measure.RESOLUTION},
    Kind.MODERATION_LOG: {Measure.CREATION},
    Kind.ACCOUNTS: {Measure.LAST_LOGIN},
    Kind.INVITES: {Measure.USE},
    Kind.SESSIONS: {Measure.LAST_ACTIVITY},
}


class RetentionRule(models.Model):
    kind = models.CharField(_("kind of data"), max_length=20, choices=Kind, unique=True)
    days = models.PositiveIntegerField(
        _("kept for (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    measured_from = models.CharField(
        _("counted from"),
        max_length=20,
        choices=Measure,
        help_text=_(
            "Posts and topics: a topic goes, with every post in it, this many days after its "
            "last activity or after it was started (a board may have its own rule). Reports: "
            "after the case was resolved. Moderation log (and the admin log): after the entry "
            "was written. Accounts: after the last sign-in. Invites: after use (an unused "
            "invite goes when it expires). Sessions: after the last sign-in or change; expired "
            "sessions always go."
        ),
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=MAX_DAYS), name="retention_rule_days_range"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days} ({self.get_measured_from_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        allowed = ALLOWED_MEASURES.get(self.kind, set())
        if self.kind and self.measured_from not in allowed:
            raise ValidationError(
                {"measured_from": _("This kind of data can only be counted from: %(allowed)s.")
                 % {"allowed": ", ".join(str(Measure(m).label) for m in sorted(allowed))}}
            )  # fmt: skip

    @classmethod
    def for_kind(cls, kind) -> "RetentionRule":
        """Return the rule of a kind, creating it with its default on first use."""
        days, measure = DEFAULTS[kind]
        rule, _created = cls.objects.get_or_create(
            kind=kind, defaults={"days": days, "measured_from": measure}
        )
        return rule


class BoardRetention(models.Model):
    """A board's own rule for its posts and topics, instead of the site-wide one."""

    board = models.OneToOneField(
        "forum.Board", on_delete=models.CASCADE, related_name="retention", verbose_name=_("board")
    )
    days = models.PositiveIntegerField(
        _("kept for (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    measured_from = models.CharField(
        _("counted from"), max_length=20, default=Measure.LAST_ACTIVITY,
        choices=[(Measure.CREATION, Measure.CREATION.label),
                 (Measure.LAST_ACTIVITY, Measure.LAST_ACTIVITY.label)],
    )  # fmt: skip

    class Meta:
        verbose_name = _("board retention rule")
        verbose_name_plural = _("board retention rules")

    def __str__(self):
        return f"{self.board}: {self.days}"


class ExpiryChoice(models.Model):
    """A sooner end a member may choose for what they write (the board's rule caps it)."""

    days = models.PositiveIntegerField(
        _("days"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )

    class Meta:
        ordering = ["days"]
        verbose_name = _("expiry choice for members")
        verbose_name_plural = _("expiry choices for members")

    def __str__(self):
        return str(self.days)
