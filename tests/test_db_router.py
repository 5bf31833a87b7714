"""With a read replica configured, only anonymous page views read from it."""

import pytest
from django.test import RequestFactory

from config.db_router import ReplicaReadsMiddleware, ReplicaRouter
from forum.models import Board

router = ReplicaRouter()


def _read_alias_during(request):
    seen = {}

    def view(request):
        seen["alias"] = router.db_for_read(Board)
        return None

    ReplicaReadsMiddleware(view)(request)
    return seen["alias"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "signed_in", "alias"), [
    ("get", False, "replica"), ("head", False, "replica"),
    ("post", False, "default"), ("get", True, "default"), ("post", True, "default"),
])  # fmt: skip
def test_reads_go_to_the_replica_only_for_anonymous_page_views(method, signed_in, alias, member):
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)("/")
    request.user = member if signed_in else AnonymousUser()
    assert _read_alias_during(request) == alias
    assert router.db_for_read(Board) == "default"  # outside a request: the primary


def test_writes_and_migrations_stay_on_the_primary():
    assert router.db_for_write(Board) == "default"
    assert router.allow_migrate("default", "forum") and not router.allow_migrate("replica", "forum")


def test_the_replica_is_configured_from_the_environment(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DATABASE_URL", "postgres://hearth@127.0.0.1:5432/hearth")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://hearth@127.0.0.1:5433/hearth")
    try:
        settings = importlib.reload(base)
        assert settings.DATABASES["replica"]["PORT"] == 5433
        assert settings.DATABASE_ROUTERS == ["config.db_router.ReplicaRouter"]
        assert "config.db_router.ReplicaReadsMiddleware" in settings.MIDDLEWARE
    finally:
        monkeypatch.undo()
        importlib.reload(base)
