"""Boards, topics and posts.

State changes go through forum.actions; reads through the queryset methods here and the
visibility rules in forum.permissions. Content times are kept to the hour; ordering uses ids.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.timeutil import coarse_now


def rows_in_order(queryset, ids) -> list:
    """Return the rows of `queryset` with these ids, in the order of `ids` (one query)."""
    rows = queryset.order_by().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read")
    MEMBERS = "members", _("Members: signed-in members only")
    TRUSTED = "trusted", _("Trusted members only (past probation)")


class Status(models.TextChoices):
    VISIBLE = "visible", pgettext_lazy("content status", "Visible")
    HELD = "held", pgettext_lazy("content status", "Waiting for a moderator")
    HIDDEN = "hidden", pgettext_lazy("content status", "Hidden by a moderator")


class Board(models.Model):
    slug = models.SlugField(
        _("web address"),
        max_length=60,
        unique=True,
        allow_unicode=False,
        help_text=_("Old addresses like /boards/legal-help/ lead here; pages link by number only."),
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    visibility = models.CharField(
        _("who can read"), max_length=10, choices=Visibility, default=Visibility.MEMBERS
    )
    requires_approval = models.BooleanField(
        _("every post needs approval"),
        default=False,
        help_text=_("Every new topic and reply waits for a moderator."),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("board moderators"),
        blank=True,
        related_name="moderated_boards",
    )
    # Counters of what members can see, kept by forum.actions.
    topic_count = models.PositiveIntegerField(_("topics"), default=0, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Ids only: an address like /boards/legal-help/ in a browser's history says too much.
        return reverse("forum:board_detail", kwargs={"pk": self.pk})


def board_columns_unread(*read, prefix=""):
    """Return the Board columns a page leaves unread (for defer): all but the id and `read`.

    A board row holds its name and description in all eleven languages, and a page shows
    them in the reader's language only (or its fallback, as modeltranslation reads them):
    reading the other twenty columns and building the row with them cost a topic page a
    twentieth of its time. `prefix` is the path to the board ("board__" from a topic).
    """
    from modeltranslation.translator import translator
    from modeltranslation.utils import build_localized_fieldname, resolution_order

    translated = translator.get_options_for_model(Board).all_fields  # name -> its columns
    kept = {"id"} | set(read)
    for name in set(read) & set(translated):
        languages = resolution_order(get_language(), getattr(Board, name).fallback_languages)
        kept |= {build_localized_fieldname(name, language) for language in languages}
    return [prefix + field.name for field in Board._meta.concrete_fields if field.name not in kept]


# A list names each row's author and needs nothing else of them: their pseudonym as a column
# (None for a former member) costs less than the joined member row (forum_lists).
AUTHOR_NAME = models.F("author__username")


class TopicQuerySet(models.QuerySet):
    def in_board_order(self):
        """Return topics pinned first, then most recently active (by post id) first."""
        return self.order_by("-pinned", "-last_post_id", "-id")

    def with_author_names(self):
        return self.annotate(author_name=AUTHOR_NAME)


class Topic(models.Model):
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="topics", verbose_name=_("board")
    )
    title = models.CharField(_("title"), max_length=150)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("started"), default=coarse_now, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=coarse_now, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.VISIBLE)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    expires_at = models.DateTimeField(_("disappears on"), null=True, blank=True)
    # Kept by forum.actions: visible replies and the newest visible post.
    post_count = models.PositiveIntegerField(_("posts"), default=0, editable=False)
    last_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            # The board page's order, whoever reads it; the status, last, is checked in the
            # index (members also see their own held topics, moderators see every status).
            models.Index(
                fields=["board", "-pinned", "-last_post", "-id", "status"],
                name="forum_topic_in_board_order",
            ),
            models.Index(fields=["last_activity_at"], name="forum_topic_activity"),
            # Only rows with an end: the rest are never due by it, and cost the expiry
            # engine nothing to delete (see Post).
            models.Index(fields=["expires_at"], name="forum_topic_ends",
                         condition=models.Q(expires_at__isnull=False)),
        ]  # fmt: skip

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:topic_detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        """Return the title, or a neutral one when its author erased it."""
        return self.title or gettext("(title removed by its author)")


class PostQuerySet(models.QuerySet):
    def in_topic_order(self):
        return self.order_by("id")

    def with_author_names(self):
        return self.annotate(author_name=AUTHOR_NAME)


class Post(models.Model):
    # Both foreign keys lead a composite index below, which serves their lookups too.
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="posts", verbose_name=_("topic"),
        db_index=False,
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("author"),
        db_index=False,
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"), default=coarse_now, editable=False)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True, editable=False)
    edited_by_moderator = models.BooleanField(_("edited by a moderator"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.VISIBLE)
    expires_at = models.DateTimeField(_("disappears on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            # The topic page's order, whoever reads it; the status is checked in the index.
            models.Index(fields=["topic", "id", "status"], name="forum_post_in_topic_order"),
            models.Index(fields=["author", "status"], name="forum_post_author"),
            # Only posts whose author chose an end: the query of what is due asks for those
            # alone, and deleting any other post then leaves this index untouched (deleting
            # a million posts spread over the table rewrote most of its pages otherwise).
            models.Index(fields=["expires_at"], name="forum_post_ends",
                         condition=models.Q(expires_at__isnull=False)),
        ]  # fmt: skip

    def __str__(self):
        return f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("forum:post_detail", kwargs={"pk": self.pk})

    @property
    def html(self):
        """Return the stored HTML for templates.

        body_html is only ever written by forum.actions from forum.markdown.render_markdown,
        whose output nh3 has sanitised; this is the one place it is marked safe.
        """
        return mark_safe(self.body_html)  # noqa: S308


class Listed:
    """A row of a long page list, as QuerySet.values read it: its columns as attributes.

    A topic page lists twenty posts and a board page twenty-five topics, and reads nothing
    of them but a few columns. Made into model instances they had cost a visitor's topic
    page about a twentieth of its time and a board page about a twelfth (bench/RESULTS.md,
    "Fifth set"). A listed row is only read: every change goes through forum.actions, which
    reads the model's row.
    """

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def pk(self):
        return self.id


class ListedPost(Listed):
    """A post of a topic page (forum_lists.post_items), with the view's can_edit and can_delete."""

    html = Post.html


class ListedTopic(Listed):
    """A topic of a board page (forum_lists.topic_rows)."""

    display_title = Topic.display_title
