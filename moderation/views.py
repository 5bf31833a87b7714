"""The moderator queue, moderator tools, the log, and members' reports: thin views."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Min, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import ratelimit
from accounts.models import User
from forum.models import Post, Topic

from . import actions, permissions
from .forms import BranchForm, EditForm, MoveForm, ReasonForm, ReportForm, SuspendForm
from .models import Case, LogEntry, Notice, Reason


def moderator_view(view):
    """Allow moderators only (others get 404), and only with two-factor sign-in set up."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if permissions.needs_two_factor_to_moderate(request.user):
            messages.warning(
                request,
                _("Moderators sign in with a second factor. Please set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        permissions.check_moderator(request.user)
        return view(request, *args, **kwargs)

    return wrapper


HANDLED = _("Another moderator already dealt with this; nothing was changed.")


def stale_form(view):
    """Answer a moderator's form about something gone with a page that says so (still a 404).

    What a moderator may not moderate answers with the same page, exactly as a missing id.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "moderation/gone.html", status=404)

    return wrapper


def _member_history(member_ids):
    """Return {member id: (upheld cases, moderator actions)} in two queries."""
    member_ids = [pk for pk in member_ids if pk]
    if not member_ids:
        return {}
    upheld = dict(
        Case.objects.filter(subject_id__in=member_ids, resolution=Case.Resolution.UPHELD)
        .values_list("subject_id")
        .annotate(n=Count("id"))
    )
    acted = dict(
        LogEntry.objects.filter(target_member_id__in=member_ids)
        .exclude(action__in=["auto_hide", "view_history", "view_invite_tree"])
        .values_list("target_member_id")
        .annotate(n=Count("id"))
    )
    return {pk: (upheld.get(pk, 0), acted.get(pk, 0)) for pk in member_ids}


QUEUE_PAGE_SIZE = 50


def _queue_page(request, queryset, param, anchor):
    """Return one page of a queue section, with links that keep the other sections' pages."""
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get(param))

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else None
    page.next_url = link(page.next_page_number()) if page.has_next() else None
    return page


def _first_posts(topic_ids):
    """Return {topic id: first post} for the given topics, in one query."""
    if not topic_ids:
        return {}
    firsts = Post.objects.filter(topic_id__in=topic_ids).values("topic_id").annotate(first=Min("id")).values("first")
    return {post.topic_id: post for post in Post.objects.filter(pk__in=Subquery(firsts))}


@moderator_view
def queue(request):
    """Reports, requests to join and held posts: each section a page of its own."""
    cases = _queue_page(
        request,
        permissions.cases_visible_to(request.user).open().with_targets().prefetch_related("reports").in_queue_order(),
        "reports_page", "reports-heading",
    )  # fmt: skip
    held = _queue_page(
        request,
        permissions.held_posts_visible_to(request.user).select_related("topic__board", "author").order_by("id"),
        "held_page", "held-heading",
    )  # fmt: skip
    signups = _queue_page(
        request, permissions.signups_visible_to(request.user).order_by("id"), "signups_page", "signups-heading"
    )
    history = _member_history([c.subject_id for c in cases] + [p.author_id for p in held])
    first_posts = _first_posts([c.topic_id for c in cases if c.topic_id])
    for case in cases:
        case.history = history.get(case.subject_id)
        case.reasons = sorted({r.reason for r in case.reports.all()}, key=lambda r: -actions.URGENCY[r])
        case.reason_labels = [Reason(r).label for r in case.reasons]
        case.notes = [r.note for r in case.reports.all() if r.note]
        case.first_post = first_posts.get(case.topic_id)
    for post in held:
        post.history = history.get(post.author_id)
    for newcomer in signups:
        newcomer.form = ReasonForm(prefix=f"signup-{newcomer.pk}")
    return render(request, "moderation/queue.html", {"cases": cases, "held": held, "signups": signups})


@moderator_view
@require_POST
@stale_form
def signup_action(request, pk, action):
    """Let a newcomer in, or refuse them, with a reason."""
    member = get_object_or_404(User, pk=pk)
    permissions.check_decide_signup(request.user, member)
    decide = {"approve": actions.approve_signup, "refuse": actions.refuse_signup}.get(action)
    if decide is None:
        raise Http404
    form = ReasonForm(request.POST, prefix=f"signup-{pk}")
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("moderation:queue")
    try:
        decide(member, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The newcomer can sign in now.") if action == "approve"
                         else _("The request to join was refused and deleted."))  # fmt: skip
    except actions.AlreadyHandled:
        messages.info(request, HANDLED)
    return redirect("moderation:queue")


@moderator_view
def case_detail(request, pk):
    case = get_object_or_404(Case.objects.with_targets(), pk=pk)
    permissions.check_view_case(request.user, case)
    return render(
        request,
        "moderation/case_detail.html",
        {"case": case, "reports": case.reports.order_by("id"), "form": ReasonForm()},
    )


@moderator_view
@require_POST
@stale_form
def case_dismiss(request, pk):
    case = get_object_or_404(Case.objects.with_targets(), pk=pk)
    permissions.check_view_case(request.user, case)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request, "moderation/case_detail.html",
            {"case": case, "reports": case.reports.order_by("id"), "form": form}, status=400,
        )  # fmt: skip
    try:
        actions.dismiss_case(case, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The reports were dismissed."))
    except actions.AlreadyHandled:
        messages.info(request, HANDLED)
    return redirect("moderation:queue")


POST_ACTIONS = {
    "approve": (actions.approve_post, ReasonForm, _("The post is published.")),
    "hide": (actions.hide_post, ReasonForm, _("The post is hidden.")),
    "unhide": (actions.unhide_post, ReasonForm, _("The post is visible again.")),
    "remove": (actions.remove_post, ReasonForm, _("The post was removed for good.")),
    "edit": (actions.edit_post, EditForm, _("The post was changed; it is marked “edited by a moderator”.")),
}
TOPIC_ACTIONS = {
    "hide": (actions.hide_topic, ReasonForm, _("The topic is hidden.")),
    "unhide": (actions.unhide_topic, ReasonForm, _("The topic is visible again.")),
    "lock": (actions.lock_topic, ReasonForm, _("The topic is locked.")),
    "unlock": (actions.unlock_topic, ReasonForm, _("The topic is open again.")),
    "pin": (actions.pin_topic, ReasonForm, _("The topic is pinned.")),
    "unpin": (actions.unpin_topic, ReasonForm, _("The topic is no longer pinned.")),
    "move": (actions.move_topic, MoveForm, _("The topic was moved.")),
    "remove": (actions.remove_topic, ReasonForm, _("The topic was removed for good.")),
}
MEMBER_ACTIONS = {
    "warn": (actions.warn_member, ReasonForm, _("The warning will show on the member's next visit.")),
    "suspend": (actions.suspend_member, SuspendForm, _("The member is suspended.")),
    "ban": (actions.ban_member, ReasonForm, _("The member is banned and signed out everywhere.")),
    "hold": (functools.partial(actions.set_hold_posts, hold=True), ReasonForm,
             _("Every new post of this member now waits for a moderator.")),
    "release": (functools.partial(actions.set_hold_posts, hold=False), ReasonForm,
                _("This member's posts are no longer held.")),
}  # fmt: skip


def _forms(table, request, obj, bound=None, **extra):
    """Return one unbound form per action, with the bound one (and its errors) in place."""
    forms = {}
    for name, (_action, form_class, _done) in table.items():
        kwargs = dict(extra) if form_class is MoveForm else {}
        initial = {"body": obj.body, "version": actions.body_version(obj.body)} if form_class is EditForm else None
        if bound is not None and bound[0] == name:
            forms[name] = bound[1]
        else:
            forms[name] = form_class(initial=initial, prefix=name, **kwargs)
    return forms


def _act(request, table, name, obj, *, tools, context, redirect_to, **extra):
    """Run action `name` of `table` on `obj` with the posted form, or show the tools again.

    `context` is a function: the tools page is only built again when the form has errors.
    """
    if name not in table:
        raise Http404
    action, form_class, done = table[name]
    form = form_class(request.POST, prefix=name, **(extra if form_class is MoveForm else {}))
    if not form.is_valid():
        page = context()
        page["forms"] = _forms(table, request, obj, bound=(name, form), **extra)
        return render(request, tools, page, status=400)
    data = {k: v for k, v in form.cleaned_data.items()}
    try:
        action(obj, actor=request.user, **data)
        messages.success(request, done)
    except actions.AlreadySuspended as already:
        messages.info(request, _(
            "This member is already suspended until %(date)s; nothing was changed. To change it, "
            "tick “Change the suspension that is running”."
        ) % {"date": formats.date_format(timezone.localtime(already.until), "DATE_FORMAT")})
    except actions.AlreadyHandled as handled:
        messages.info(request, str(handled) or HANDLED)
    return redirect(redirect_to)


def _post_context(request, post):
    return {
        "post": post,
        "topic": post.topic,
        "board": post.topic.board,
        "can_act_on_author": post.author is not None and permissions.can_act_on_member(request.user, post.author),
        "open_case": Case.objects.open().filter(post=post).first(),
        "forms": _forms(POST_ACTIONS, request, post),
    }


@moderator_view
def post_tools(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__board", "author"), pk=pk)
    permissions.check_moderate_post(request.user, post)
    return render(request, "moderation/post_tools.html", _post_context(request, post))


@moderator_view
@require_POST
@stale_form
def post_action(request, pk, action):
    post = get_object_or_404(Post.objects.select_related("topic__board", "author"), pk=pk)
    permissions.check_moderate_post(request.user, post)
    topic = post.topic
    after = reverse("moderation:post_tools", args=[post.pk])
    if action == "remove":
        after = topic.get_absolute_url() if topic.posts.exclude(pk=post.pk).exists() else reverse("moderation:queue")
    return _act(request, POST_ACTIONS, action, post, tools="moderation/post_tools.html",
                context=lambda: _post_context(request, post), redirect_to=after)  # fmt: skip


def _topic_context(request, topic):
    boards = permissions.boards_moderated_by(request.user).exclude(pk=topic.board_id)
    return {
        "topic": topic,
        "board": topic.board,
        "first_post": topic.posts.order_by("id").first(),
        "open_case": Case.objects.open().filter(topic=topic).first(),
        "forms": _forms(TOPIC_ACTIONS, request, topic, boards=boards),
    }


@moderator_view
def topic_tools(request, pk):
    topic = get_object_or_404(Topic.objects.select_related("board", "author"), pk=pk)
    permissions.check_moderate_topic(request.user, topic)
    return render(request, "moderation/topic_tools.html", _topic_context(request, topic))


@moderator_view
@require_POST
@stale_form
def topic_action(request, pk, action):
    topic = get_object_or_404(Topic.objects.select_related("board", "author"), pk=pk)
    permissions.check_moderate_topic(request.user, topic)
    boards = permissions.boards_moderated_by(request.user).exclude(pk=topic.board_id)
    after = reverse("moderation:queue") if action == "remove" else reverse("moderation:topic_tools", args=[pk])
    return _act(request, TOPIC_ACTIONS, action, topic, tools="moderation/topic_tools.html",
                context=lambda: _topic_context(request, topic), redirect_to=after, boards=boards)  # fmt: skip


def _member_context(request, member):
    history = _member_history([member.pk]).get(member.pk, (0, 0))
    return {
        "member": member,
        "history": history,
        "entries": LogEntry.objects.filter(target_member=member)
        .exclude(action__in=["view_history", "view_invite_tree"]).newest_first()[:20],
        "can_view_invite_tree": permissions.can_view_invite_tree(request.user),
        "forms": _forms(MEMBER_ACTIONS, request, member),
    }


@moderator_view
def member_tools(request, pk):
    member = get_object_or_404(User, pk=pk)
    permissions.check_act_on_member(request.user, member)
    actions.record_history_viewed(member, actor=request.user)
    return render(request, "moderation/member_tools.html", _member_context(request, member))


@moderator_view
@require_POST
@stale_form
def member_action(request, pk, action):
    member = get_object_or_404(User, pk=pk)
    permissions.check_act_on_member(request.user, member)
    return _act(request, MEMBER_ACTIONS, action, member, tools="moderation/member_tools.html",
                context=lambda: _member_context(request, member),
                redirect_to=reverse("moderation:member_tools", args=[pk]))  # fmt: skip


@moderator_view
def log(request):
    entries = permissions.log_entries_visible_to(request.user).newest_first()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


# Members' side -----------------------------------------------------------------------


def _report(request, target, *, context):
    """Show the report form, or report `target` (the caller checked that the user may)."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.is_allowed(request, "report"):
            return ratelimit.too_many_requests(request)
        try:
            actions.report(target, reporter=request.user, reason=form.cleaned_data["reason"],
                           note=form.cleaned_data["note"])  # fmt: skip
        except actions.AlreadyReported:
            messages.info(request, _("You have already reported this. Moderators will look at it."))
        except actions.AlreadyHandled:  # it was deleted a moment ago
            raise Http404 from None
        else:
            messages.success(
                request, _("Thank you. Moderators will look at it; nobody else learns who reported.")
            )
        return redirect(context["back"])
    return render(request, "moderation/report_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def report_post(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__board", "author"), pk=pk)
    permissions.check_report_post(request.user, post, request.site)
    return _report(request, post, context={"what": "post", "post": post, "back": post.topic.get_absolute_url()})


@login_required
@require_http_methods(["GET", "POST"])
def report_topic(request, pk):
    topic = get_object_or_404(Topic.objects.select_related("board", "author"), pk=pk)
    permissions.check_report_topic(request.user, topic, request.site)
    return _report(request, topic, context={"what": "topic", "topic": topic, "back": topic.get_absolute_url()})


@login_required
@require_http_methods(["GET", "POST"])
def report_author(request, pk):
    """Report the member who wrote a post the reporter can see."""
    post = get_object_or_404(Post.objects.select_related("topic__board", "author"), pk=pk)
    permissions.check_report_author(request.user, post, request.site)
    return _report(request, post.author,
                   context={"what": "member", "member": post.author, "post": post,
                            "back": post.topic.get_absolute_url()})  # fmt: skip


@login_required
@require_POST
def notice_dismiss(request, pk):
    notice = get_object_or_404(Notice, pk=pk, member=request.user)
    actions.dismiss_notice(notice, member=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def _tree_context(member, form):
    inviter = member.invite.inviter if member.invite_id and member.invite.inviter_id else None
    return {"member": member, "inviter": inviter, "levels": actions.invite_branch(member), "form": form}


@moderator_view
def invite_tree(request, pk):
    """For admins: who invited a member, and the whole branch they brought in."""
    permissions.check_view_invite_tree(request.user)
    member = get_object_or_404(User.objects.select_related("invite__inviter"), pk=pk)
    actions.record_invite_tree_viewed(member, actor=request.user)
    return render(request, "moderation/invite_tree.html", _tree_context(member, BranchForm()))


@moderator_view
@require_POST
def invite_tree_action(request, pk):
    permissions.check_view_invite_tree(request.user)
    member = get_object_or_404(User.objects.select_related("invite__inviter"), pk=pk)
    form = BranchForm(request.POST)
    if not form.is_valid():
        return render(request, "moderation/invite_tree.html", _tree_context(member, form), status=400)
    count = actions.act_on_branch(member, actor=request.user, reason=form.cleaned_data["reason"],
                                  action=form.cleaned_data["action"], days=form.cleaned_data["days"])  # fmt: skip
    messages.success(
        request,
        ngettext("Done for %(count)d member.", "Done for %(count)d members.", count) % {"count": count},
    )
    return redirect("moderation:invite_tree", pk=pk)
