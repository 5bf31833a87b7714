"""Database sessions whose stored end says no more than the hour.

Django stores `expire_date` as the moment of the session's last save plus its age, to the
microsecond: a seized table would date each member's last visit exactly. Rounding the end
up to the next whole hour keeps the session as long as promised (up to an hour longer).
"""

import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


def next_whole_hour(moment: datetime.datetime) -> datetime.datetime:
    """Return `moment` if it is a whole hour, else the next whole hour."""
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + datetime.timedelta(hours=1)


class SessionStore(DatabaseSessionStore):
    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.expire_date = next_whole_hour(session.expire_date)
        return session
