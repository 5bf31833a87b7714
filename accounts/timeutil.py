"""Coarse time: stored activity times never say more than the product needs."""

import datetime

from django.utils import timezone


def coarse_now() -> datetime.datetime:
    """Return the current time truncated to the hour (for content timestamps)."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def day_start(moment: datetime.datetime | None = None) -> datetime.datetime:
    """Return midnight UTC of the day of `moment` (for times that say when a person was active)."""
    moment = moment or timezone.now()
    return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def today() -> datetime.date:
    """Return today's date in UTC."""
    return timezone.now().astimezone(datetime.UTC).date()
