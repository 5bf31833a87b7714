"""Signal receivers connected in AccountsConfig.ready."""

from .timeutil import day_start


def record_coarse_last_login(sender, user, **kwargs):
    """Store the day of the login, never the exact time."""
    stamp = day_start()
    if user.last_login != stamp:
        user.last_login = stamp
        user.save(update_fields=["last_login"])


def coarsen_authenticator_times(sender, instance, **kwargs):
    """Keep only the day a second factor was set up and last used (allauth stores the moment).

    Connected to pre_save of allauth's Authenticator: a privacy guard on a third-party model
    we cannot change, which is the one use of a signal Hearth allows (no business logic).
    """
    if instance.created_at is not None:
        instance.created_at = day_start(instance.created_at)
    if instance.last_used_at is not None:
        instance.last_used_at = day_start(instance.last_used_at)
