"""Signal receivers connected in AccountsConfig.ready."""

from .timeutil import day_start


def record_coarse_last_login(sender, user, **kwargs):
    """Store the day of the login, never the exact time."""
    stamp = day_start()
    if user.last_login != stamp:
        user.last_login = stamp
        user.save(update_fields=["last_login"])
