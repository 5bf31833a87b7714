"""Reading and writing in the boards: thin views over permissions and actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import LazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import ratelimit

from . import actions, permissions
from .boards import board_as_set
from .markdown import render_safe
from . import search as search_engine
from .forms import PostForm, SearchForm, TopicForm
from .models import (
    Board, ListedPost, ListedTopic, Post, Status, Topic, board_columns_unread, rows_in_order,
)  # fmt: skip


class _Pages(Paginator):
    """Pages of a queryset, each found on ids alone and its rows read by id afterwards.

    Finding a deep page (page 4,000 of a board) skips thousands of rows: done on ids alone,
    the database walks only the page-order index, and the joined rows of just this page are
    read afterwards. A page in the second half is found from the other end: the same index
    read backwards skips only the rows after it, and its ids are turned back into reading
    order, so the last page costs what the first one does and the middle page is the
    dearest. The order of `queryset` must be total (it ends with the id), so that both ends
    agree on every row; `count`, when given (a counter), must be what the queryset counts.
    A page within NEAR_ROWS of its end is read in one query, joined rows and all: skipping
    that few rows costs less than a second query.
    """

    NEAR_ROWS = 40

    def __init__(self, queryset, per_page, *, count=None, listed=None):
        if not queryset.ordered:
            raise ValueError("Pages need an ordered queryset.")
        super().__init__(queryset.values_list("pk", flat=True), per_page)
        self.rows = queryset
        self.known_count = count
        self.listed = listed  # a Listed class: the page's rows are its instances, from values

    @cached_property
    def count(self):
        return super().count if self.known_count is None else self.known_count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        after = self.count - top  # rows after this page
        near = min(bottom, after) <= self.NEAR_ROWS
        source = self.rows if near else self.object_list  # the rows themselves, or their ids
        if after < bottom:
            found = list(source.reverse()[after : self.count - bottom])[::-1]
        else:
            found = list(source[bottom:top])
        rows = found if near else rows_in_order(self.rows, found)
        if self.listed:
            rows = [self.listed(values) for values in rows]
        return self._get_page(rows, number, self)


def _page(request, queryset, per_page, *, count=None, listed=None):
    """Return the asked-for page of `queryset` (see _Pages); a bad number gives the first or last page.

    With `listed` (a forum.models.Listed class), `queryset` is a values() queryset and the
    page holds `listed` rows.
    """
    return _Pages(queryset, per_page, count=count, listed=listed).get_page(request.GET.get("page"))


def _viewer(request):
    """Return the user behind request.user's lazy stand-in.

    A page asks the user dozens of questions (one per post and link); through the stand-in
    each attribute costs a failed lookup and a second one.
    """
    user = request.user
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 (loads the user)
        user = user._wrapped
    return user


def _topics_with_boards():
    """Return topics with what replying reads of their board, from its row (see forum.boards)."""
    unread = board_columns_unread("name", "visibility", "requires_approval", prefix="board__")
    return Topic.objects.select_related("board").defer(*unread)


def board_index(request):
    shown = board_columns_unread("name", "description", "visibility", "topic_count", "post_count")
    boards = permissions.boards_visible_to(request.user, request.site).defer(*shown)
    return render(request, "forum/board_index.html", {"boards": boards})


def rules(request):
    """Show the community's rules: the admin's, in the reader's language, or Hearth's own."""
    text = request.site.rules
    return render(request, "forum/rules.html", {"rules_html": render_safe(text) if text else None})


def board_by_address(request, slug):
    """Send an old or typed board address (its slug) to the board's id address."""
    board = get_object_or_404(Board, slug=slug)
    permissions.check_view_board(request.user, board, request.site)
    return redirect(board)


def board_detail(request, pk):
    user = _viewer(request)
    board = get_object_or_404(
        Board.objects.defer(*board_columns_unread("name", "description", "visibility", "topic_count")), pk=pk
    )
    permissions.check_view_board(user, board, request.site)
    topics = (
        permissions.topics_visible_to(user, board)
        .in_board_order()
        .with_author_names()
        .values(
            "id", "title", "status", "pinned", "locked", "post_count", "last_activity_at",
            "board_id", "author_id", "author_name",
        )
    )  # fmt: skip
    page = _page(request, topics, settings.HEARTH["TOPICS_PER_PAGE"],
                 count=permissions.topic_count_visible_to(user, board), listed=ListedTopic)  # fmt: skip
    return render(
        request,
        "forum/board_detail.html",
        {
            "user": user,  # the context processor's lazy stand-in, unwrapped (_viewer)
            "board": board,
            "page": page,
            "can_start_topic": permissions.can_start_topic(user, board, request.site),
        },
    )


def topic_detail(request, pk):
    user = _viewer(request)
    topic = get_object_or_404(Topic, pk=pk)
    board = board_as_set(topic.board_id)  # this process's copy (forum.boards)
    if board is None:
        raise Http404  # deleted with its topics since the topic was read
    topic.board = board
    permissions.check_view_topic(user, topic, request.site)
    posts = (
        permissions.posts_visible_to(user, topic)
        .in_topic_order()
        .with_author_names()
        .values(
            "id", "topic_id", "body_html", "created_at", "edited_at", "edited_by_moderator",
            "status", "author_id", "author_name",
        )
    )  # fmt: skip
    page = _page(request, posts, settings.HEARTH["POSTS_PER_PAGE"],
                 count=permissions.post_count_visible_to(user, topic), listed=ListedPost)  # fmt: skip
    for post in page:
        post.topic = topic
        post.can_edit = permissions.can_edit_post(user, post, request.site)
        post.can_delete = permissions.can_delete_post(user, post, request.site)
    can_reply = permissions.can_reply(user, topic, request.site)
    return render(
        request,
        "forum/topic_detail.html",
        {
            "user": user,  # the context processor's lazy stand-in, unwrapped (_viewer)
            "topic": topic,
            "board": topic.board,
            "page": page,
            "can_reply": can_reply,
            "can_moderate": permissions.is_board_moderator(user, topic.board),
            "form": PostForm(board=topic.board) if can_reply else None,
        },
    )


def post_detail(request, pk):
    """Redirect to the page of the topic that shows the post."""
    post = get_object_or_404(Post.objects.select_related("topic__board"), pk=pk)
    permissions.check_view_post(request.user, post, request.site)
    earlier = permissions.posts_visible_to(request.user, post.topic).filter(id__lt=post.pk).count()
    page_number = earlier // settings.HEARTH["POSTS_PER_PAGE"] + 1
    return redirect(f"{post.topic.get_absolute_url()}?page={page_number}#post-{post.pk}")


def _held_notice(request, status):
    if status == Status.HELD:
        messages.info(
            request,
            _("Thank you. Your post waits for a moderator and shows to others once approved."),
        )


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request, pk):
    board = get_object_or_404(Board, pk=pk)
    permissions.check_start_topic(request.user, board, request.site)
    form = TopicForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # one write, as in reply_create
            if allowed := ratelimit.is_allowed(request, "post"):
                topic = actions.create_topic(
                    board,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    expires_at=form.expires_at(),
                )
        if not allowed:
            return ratelimit.too_many_requests(request)
        _held_notice(request, topic.status)
        return redirect(topic)
    return render(request, "forum/topic_form.html", {"board": board, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reply_create(request, pk):
    topic = get_object_or_404(_topics_with_boards(), pk=pk)
    permissions.check_reply(request.user, topic, request.site)
    form = PostForm(request.POST or None, board=topic.board)
    if request.method == "POST" and form.is_valid():
        # The rate limit's counters (where the cache is the database) and the reply are
        # written in one transaction: SQLite lets one transaction write at a time, and a
        # reply waits its turn once, not twice. A reply that fails is not counted either.
        with transaction.atomic():
            if allowed := ratelimit.is_allowed(request, "post"):
                post = actions.create_reply(
                    topic, author=request.user, body=form.cleaned_data["body"], expires_at=form.expires_at()
                )
        if not allowed:
            return ratelimit.too_many_requests(request)
        _held_notice(request, post.status)
        return redirect(post)
    return render(
        request, "forum/reply_form.html", {"topic": topic, "board": topic.board, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__board"), pk=pk)
    permissions.check_edit_post(request.user, post, request.site)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        actions.edit_post(post, body=form.cleaned_data["body"])
        messages.success(request, _("Your post was saved."))
        return redirect(post)
    return render(
        request,
        "forum/post_edit.html",
        {"post": post, "topic": post.topic, "board": post.topic.board, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__board"), pk=pk)
    permissions.check_delete_post(request.user, post, request.site)
    topic = post.topic
    if request.method == "POST":
        topic_gone = actions.delete_post(post)
        messages.success(request, _("Your post was deleted."))
        return redirect(topic.board if topic_gone else topic)
    return render(
        request,
        "forum/post_confirm_delete.html",
        {"post": post, "topic": topic, "board": topic.board},
    )


@login_required
def search(request):
    """Search what I can see: topic titles and posts (members only, rate limited)."""
    form = SearchForm(request.GET)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        if not ratelimit.is_allowed(request, "search"):
            return ratelimit.too_many_requests(request)
        results = search_engine.search(request.user, form.cleaned_data["q"])
    return render(request, "forum/search.html", {"form": form, "results": results})
