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
    NOTICES = "notices", _("Warnings to members")
    ACCOUNTS = "accounts", _("Accounts unused for a long time")
    INVITES = "invites", _("Invites never used")
    INVITER_LINK = "inviter_link", _("Who invited whom (used invites)")
    SESSIONS = "sessions", _("Sessions")


class Measure(models.TextChoices):
    # Read as "90 days after ...".
    CREATION = "creation", pgettext_lazy("counted from", "creation")
    LAST_ACTIVITY = "last_activity", pgettext_lazy("counted from", "last activity")
    RESOLUTION = "resolution", pgettext_lazy("counted from", "resolution")
    LAST_LOGIN = "last_login", pgettext_lazy("counted from", "last sign-in")
    # An invite's `used_at` is set at every use: the rule counts from the last one.
    USE = "use", pgettext_lazy("counted from", "last use")
    END = "end", pgettext_lazy("counted from", "the end of its validity")


# The defaults of DESIGN.md's data life cycle, and what each kind may be measured from.
DEFAULTS = {
    Kind.POSTS: (90, Measure.LAST_ACTIVITY),
    Kind.REPORTS: (30, Measure.RESOLUTION),
    Kind.MODERATION_LOG: (90, Measure.CREATION),
    # A warning also goes as soon as the member has dismissed it.
    Kind.NOTICES: (90, Measure.CREATION),
    Kind.ACCOUNTS: (365, Measure.LAST_LOGIN),
    # An invite nobody used goes at its end (0 days after it).
    Kind.INVITES: (0, Measure.END),
    # A used invite is the link from the members who joined with it to who invited them.
    Kind.INVITER_LINK: (180, Measure.USE),
    Kind.SESSIONS: (14, Measure.LAST_ACTIVITY),
}
ALLOWED_MEASURES = {
    Kind.POSTS: {Measure.CREATION, Measure.LAST_ACTIVITY},
    Kind.REPORTS: {Measure.RESOLUTION},
    Kind.MODERATION_LOG: {Measure.CREATION},
    Kind.NOTICES: {Measure.CREATION},
    Kind.ACCOUNTS: {Measure.LAST_LOGIN},
    Kind.INVITES: {Measure.END},
    Kind.INVITER_LINK: {Measure.USE},
    Kind.SESSIONS: {Measure.LAST_ACTIVITY},
}
# Kinds an admin may set to 0 days (gone at the next run after the moment counted from);
# every other kind keeps its rows one day at least, so a slip cannot empty the forum.
ZERO_DAY_KINDS = (Kind.INVITES, Kind.INVITER_LINK)


def min_days(kind) -> int:
    """Return the fewest days a rule of `kind` may keep its rows."""
    return 0 if kind in ZERO_DAY_KINDS else 1


class RetentionRule(models.Model):
    kind = models.CharField(_("kind of data"), max_length=20, choices=Kind, unique=True)
    days = models.PositiveIntegerField(
        _("kept for (days)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_DAYS)]
    )
    measured_from = models.CharField(
        _("counted from"),
        max_length=20,
        choices=Measure,
        help_text=_(
            "Posts and topics: a topic goes, with every post in it, this many days after its "
            "last activity or after it was started (a board may have its own rule). Reports: "
            "after the case was resolved. Moderation log (and the admin log): after the entry "
            "was written. Warnings: after they were written (a warning the member dismissed "
            "goes at the next run). Accounts: after the last sign-in. Invites never used: after "
            "their end (0: at their end). Who invited whom: a used invite, and with it the link "
            "from the members who joined with it to who invited them, after its last use. "
            "Sessions: after the last sign-in or change; expired sessions always go."
        ),
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__lte=MAX_DAYS)
                & (models.Q(days__gte=1) | models.Q(days__gte=0, kind__in=ZERO_DAY_KINDS)),
                name="retention_rule_days_range_by_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days} ({self.get_measured_from_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        allowed = ALLOWED_MEASURES.get(self.kind, set())
        if self.kind and self.measured_from not in allowed:
            errors["measured_from"] = _("This kind of data can only be counted from: %(allowed)s.") % {
                "allowed": ", ".join(str(Measure(m).label) for m in sorted(allowed))
            }
        if self.kind and self.days is not None and self.days < min_days(self.kind):
            errors["days"] = _("Keep this kind of data at least one day.")
        if errors:
            raise ValidationError(errors)

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
