"""Coarsen times stored before Hearth kept them coarse: invites' last use and second
factors' set-up and last use to the day, session ends up to the next whole hour."""

import datetime

from django.db import migrations


def _day(moment):
    return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _next_hour(moment):
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + datetime.timedelta(hours=1)


def coarsen(apps, schema_editor):
    Invite = apps.get_model("accounts", "Invite")
    for invite in Invite.objects.filter(used_at__isnull=False).only("used_at").iterator():
        Invite.objects.filter(pk=invite.pk).update(used_at=_day(invite.used_at))
    Authenticator = apps.get_model("mfa", "Authenticator")
    for item in Authenticator.objects.only("created_at", "last_used_at").iterator():
        Authenticator.objects.filter(pk=item.pk).update(
            created_at=_day(item.created_at),
            last_used_at=_day(item.last_used_at) if item.last_used_at else None,
        )
    Session = apps.get_model("sessions", "Session")
    for session in Session.objects.only("expire_date").iterator():
        Session.objects.filter(pk=session.pk).update(expire_date=_next_hour(session.expire_date))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_clearer_wording"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(coarsen, migrations.RunPython.noop)]
