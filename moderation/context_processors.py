"""What every page needs from moderation: a member's unread warnings, and the queue link."""

from django.utils.functional import SimpleLazyObject

from accounts import permissions as roles

from .models import Notice


def moderation(request):
    user = getattr(request, "user", None)

    def unread():
        if not roles.is_member(user):
            return []
        return list(Notice.objects.filter(member=user, seen_at__isnull=True).order_by("id"))

    return {
        "moderation_notices": SimpleLazyObject(unread),
        # A moderator still to set up two-factor sees the link too: it leads to the set-up.
        "is_moderator": SimpleLazyObject(lambda: roles.holds_moderator_role(user)),
    }
