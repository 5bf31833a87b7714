"""gunicorn settings for Hearth: no access log (it would list who read what, and when)."""

import multiprocessing
import os

bind = os.environ.get("HEARTH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HEARTH_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
# No access log at all; errors only, and Django's logging keeps addresses out of them.
accesslog = None
access_log_format = '"%(r)s" %(s)s %(b)s'
errorlog = "-"
loglevel = "warning"
# Addresses reach Django only to be hashed for rate limits; proxies must be trusted explicitly.
forwarded_allow_ips = os.environ.get("HEARTH_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "hearth"
