"""gunicorn settings for Hearth: no access log (it would list who read what, and when).

gunicorn also writes the client's address into its error log when a request is malformed
("Invalid request from ip=..."); the logger class below cuts every address out of the
error log before it is written. `tests/accounts/test_no_trail.py` runs gunicorn with this
file and checks that neither an address nor a user agent reaches its output.
"""

import gc
import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("HEARTH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HEARTH_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# The app is loaded once, in the master, and each worker forks from it: a worker recycled
# after max_requests serves at once, instead of importing Django for about a second while
# requests queue behind it (the load bench's p99 went to 950 ms with 2,000 requests per
# worker at 2,000 requests a second). What the app loaded is frozen out of the garbage
# collector's way before the fork (pre_fork below), so the workers share those pages.
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
# No access log at all; errors only, and Django's logging keeps addresses out of them.
accesslog = None
access_log_format = '"%(r)s" %(s)s %(b)s'  # no %(h)s, should anyone turn the log on
errorlog = "-"
loglevel = "warning"
# Addresses reach Django only to be hashed for rate limits; proxies must be trusted explicitly.
forwarded_allow_ips = os.environ.get("HEARTH_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "hearth"

# IPv4 (with an optional port), and IPv6 in its usual written forms.
_ADDRESS = re.compile(
    r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
    r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])"
)


class _NoAddresses(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = _ADDRESS.sub("[address]", message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class NoAddressLogger(Logger):
    """gunicorn's logger, with client addresses cut out of every error-log line."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_NoAddresses())


logger_class = NoAddressLogger


def pre_fork(server, worker):
    from django.conf import settings

    if settings.configured:  # nothing opens a connection while loading; a worker must never share one
        from django.db import connections

        connections.close_all()
    gc.freeze()
