"""A read replica for anonymous visitors' page views, when DATABASE_REPLICA_URL is set.

Only the reads of a GET or HEAD request from someone not signed in go to the replica:
a member who has just posted reads their own post from the primary, never a replica that
has not caught up yet. Everything else (writes, migrations, the expiry engine, every
signed-in request) uses the primary.
"""

from contextvars import ContextVar

REPLICA = "replica"
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Send the reads of an anonymous GET or HEAD to the replica (after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_read = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        token = _reads_from_replica.set(anonymous_read)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
