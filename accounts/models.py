"""Members and the site's own settings.

A member is a pseudonym and a password hash. There is no email, no name, no IP address,
no user agent; join date and last login are kept to the day.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import pseudonyms
from .copies import ProcessCopy
from .timeutil import coarse_now as coarse_now_default
from .timeutil import day_start, today


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, username, password, **extra_fields):
        if not username:
            raise ValueError("A pseudonym is required.")
        username = pseudonyms.normalize(username)
        pseudonyms.check_not_look_alike(username)
        user = self.model(username=username, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, password, **extra_fields)

    def create_superuser(self, username, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_global_moderator", True)
        return self._create_user(username, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(username__iexact=pseudonyms.normalize(username))


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("pseudonym"),
        max_length=pseudonyms.MAX_LENGTH,
        unique=True,
        validators=[pseudonyms.validate_pseudonym],
        help_text=_("3 to 30 letters, digits, “_” or “-”. Do not use a name that identifies you."),
        error_messages={"unique": _("This pseudonym is taken. Please choose another.")},
    )
    username_skeleton = models.CharField(max_length=120, unique=True, editable=False)
    is_staff = models.BooleanField(
        _("admin"), default=False, help_text=_("May sign in to the admin site.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to ban: the member can no longer sign in.")
    )
    is_global_moderator = models.BooleanField(
        _("global moderator"), default=False, help_text=_("Moderates every board.")
    )
    date_joined = models.DateField(_("joined on"), default=today)
    # Moderation state of the member.
    posts_held = models.BooleanField(
        _("hold posts"), default=False, help_text=_("Every post waits for a moderator.")
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    approved_post_count = models.PositiveIntegerField(_("approved posts"), default=0)
    # Registration by approval: the account waits, unable to sign in, until a moderator decides.
    approval_pending = models.BooleanField(_("waiting for approval"), default=False)
    approval_answer = models.TextField(_("answer to the question for newcomers"), max_length=500, blank=True)
    # Who invited whom, through the invite used: the link goes when the invite row expires.
    invite = models.ForeignKey(
        "Invite", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitees",
        verbose_name=_("joined with invite"),
    )  # fmt: skip
    # The member's own choices.
    quick_exit_signs_out = models.BooleanField(
        _("quick exit also signs me out"),
        default=False,
        help_text=_("Leaving with the quick-exit button ends your session too."),
    )
    language = models.CharField(
        _("language of the pages"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Used on every device you sign in on. Empty: the language your browser asks for."),
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = None
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self):
        return self.username

    def save(self, *args, **kwargs):
        self.username = pseudonyms.normalize(self.username)
        self.username_skeleton = pseudonyms.skeleton(self.username)
        if self.last_login is not None:
            self.last_login = day_start(self.last_login)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.username = pseudonyms.normalize(self.username)
        if self.username:
            try:
                pseudonyms.check_not_look_alike(self.username, member_id=self.pk)
            except ValidationError as error:
                raise ValidationError({"username": error}) from None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()


class RegistrationMode(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    APPROVAL = "approval", _("Approval: a moderator approves each newcomer")
    INVITE = "invite", _("Invite only: a valid invite code is needed")


class InvitePermission(models.TextChoices):
    EVERYONE = "everyone", _("Every member")
    TRUSTED = "trusted", _("Members past probation")
    MODERATORS = "moderators", _("Moderators only")


DEFAULT_APPROVAL_QUESTION = _("Who told you about this place, and what brings you here?")
DEFAULT_NEUTRAL_NAME = _("Recipes & Notes")


class SiteSettings(models.Model):
    """The one row of settings an admin changes at run time."""

    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=RegistrationMode, default=RegistrationMode.APPROVAL
    )
    invite_permission = models.CharField(
        _("who may invite"), max_length=10, choices=InvitePermission, default=InvitePermission.TRUSTED
    )
    # Texts members read: translated (accounts/translation.py). Left empty, Hearth's own
    # wording is shown, in the reader's language.
    approval_question = models.CharField(
        _("question for newcomers"),
        max_length=200,
        blank=True,
        help_text=_(
            "Asked at sign-up when a moderator approves each newcomer. Leave it empty to ask "
            "Hearth's own question, in each member's language."
        ),
    )
    rules = models.TextField(
        _("community rules"),
        max_length=10_000,
        blank=True,
        help_text=_(
            "Markdown, shown on the rules page and linked from sign-up. Leave it empty for "
            "Hearth's own rules, in each member's language."
        ),
    )

    site_name = models.CharField(_("site name"), max_length=60, default="Hearth")
    neutral_mode = models.BooleanField(
        _("neutral mode"),
        default=False,
        help_text=_("Show only the neutral name, in the page and in every browser tab and history entry."),
    )
    neutral_name = models.CharField(
        _("neutral name"),
        max_length=60,
        blank=True,
        help_text=_("Leave it empty for “Recipes & Notes”, in each member's language."),
    )
    quick_exit_url = models.URLField(
        _("quick exit address"),
        default="https://en.wikipedia.org/wiki/Special:Random",
        help_text=_("Where the quick-exit link leads: a neutral site."),
    )
    new_member_held_posts = models.PositiveSmallIntegerField(
        _("held posts for new members"),
        default=3,
        help_text=_("A new member's first posts wait for a moderator until this many are approved."),
    )
    probation_days = models.PositiveSmallIntegerField(
        _("probation days"),
        default=7,
        help_text=_("A new member is also on probation until their account is this many days old."),
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("idle sign-out (minutes)"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 14)],
        help_text=_("A session not kept signed in ends after this long without a visit."),
    )
    report_hide_threshold = models.PositiveSmallIntegerField(
        _("reports that hide an item"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An item is hidden until a moderator decides once this many members report it."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="accounts_sitesettings_singleton")
        ]

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        self._changing()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._changing()
        return super().delete(*args, **kwargs)

    @classmethod
    def _changing(cls):
        _site_settings.changing()

    @property
    def question_for_newcomers(self) -> str:
        """Return the admin's question in the reader's language, or Hearth's own."""
        return self.approval_question or str(DEFAULT_APPROVAL_QUESTION)

    @property
    def neutral_title(self) -> str:
        return self.neutral_name or str(DEFAULT_NEUTRAL_NAME)

    @property
    def shown_name(self) -> str:
        """Return the name pages show: the neutral one in neutral mode."""
        return self.neutral_title if self.neutral_mode else self.site_name

    @classmethod
    def load(cls) -> "SiteSettings":
        """Return the settings row, creating it with defaults on first use.

        Every page needs it, and reading its fifty columns (each text in every language) cost
        a topic page a tenth of its time: each process keeps a copy (accounts.copies). Django's
        own Site framework keeps its row the same way, without the time limit.
        """
        return _site_settings.get()

    @staticmethod
    def forget():
        """Drop this process's copy: the next load reads the row."""
        _site_settings.forget()


_site_settings = ProcessCopy(lambda: SiteSettings.objects.get_or_create(pk=1)[0])


class RecoveryCode(models.Model):
    """One single-use code that lets a member set a new password (there is no email).

    Only a keyed hash of the code is stored; the member sees the codes once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self):
        return f"#{self.pk}"


class InviteQuerySet(models.QuerySet):
    def usable(self):
        """Return the invites whose code still opens the door: uses left, end not reached."""
        return self.filter(uses_left__gt=0, expires_at__gt=timezone.now())


class Invite(models.Model):
    """An invite code a member made: only its keyed hash is stored, the code is shown once."""

    inviter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invites_made")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=coarse_now_default)
    expires_at = models.DateTimeField()
    uses_left = models.PositiveSmallIntegerField(default=1)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        indexes = [models.Index(fields=["expires_at"], name="accounts_invite_expires")]

    def __str__(self):
        return f"#{self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.uses_left > 0 and self.expires_at > timezone.now()
