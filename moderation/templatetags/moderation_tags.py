"""Template filters that ask moderation.permissions, so forum templates need no rules."""

from django import template

from .. import permissions

register = template.Library()


@register.filter
def reportable_by(target, user):
    """Return whether `user` may report `target` (a post, a topic or a member)."""
    return permissions.can_report(user, target)
