"""Settings come from the environment; production refuses to run without a secret."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR


def _run(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEARTH_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("manage.py", "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_ALLOWED_HOSTS="forum.example.org",
        HEARTH_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_are_sqlite_and_the_database_cache(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = _run("-c", f"import django; django.setup(); {code}",
                  DJANGO_SECRET_KEY="x" * 60, HEARTH_VAR_DIR=str(tmp_path))  # fmt: skip
    lines = result.stdout.split()
    assert lines[:2] == ["config.sqlite", "django.core.cache.backends.db.DatabaseCache"]
    assert lines[2:] == ["False", "True", "True"]


def test_redis_url_switches_the_cache_to_redis(tmp_path):
    result = _run("-c", "import django; django.setup(); from django.conf import settings as s;"
                  "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])",
                  DJANGO_SECRET_KEY="x" * 60, REDIS_URL="redis://127.0.0.1:6379/3",
                  HEARTH_VAR_DIR=str(tmp_path))  # fmt: skip
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/3"]


def test_database_url_switches_to_postgresql(tmp_path):
    result = _run("-c", "import django; django.setup(); from django.conf import settings as s;"
                  "d=s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
                  DJANGO_SECRET_KEY="x" * 60, DATABASE_URL="postgres://h@127.0.0.1:5432/hearth",
                  HEARTH_VAR_DIR=str(tmp_path))  # fmt: skip
    assert result.stdout.split() == ["django.db.backends.postgresql", "hearth", "127.0.0.1"]


@pytest.mark.parametrize(("threshold", "expected"), [(None, "5"), ("2", "2"), ("off", "None")])
def test_postgresql_prepares_statements_and_keeps_the_address_options(tmp_path, threshold, expected):
    extra = {} if threshold is None else {"DJANGO_PREPARE_THRESHOLD": threshold}
    result = _run("-c", "import django; django.setup(); from django.conf import settings as s;"
                  "o=s.DATABASES['default']['OPTIONS'];"
                  "print(o['server_side_binding'], o['prepare_threshold'], o['sslmode'])",
                  DJANGO_SECRET_KEY="x" * 60, HEARTH_VAR_DIR=str(tmp_path),
                  DATABASE_URL="postgres://h@127.0.0.1:5432/hearth?sslmode=require", **extra)  # fmt: skip
    assert result.stdout.split() == ["True", expected, "require"], result.stderr


@pytest.mark.django_db
def test_sqlite_zeroes_deleted_pages():
    if connection.vendor != "sqlite":
        pytest.skip("secure_delete is a SQLite setting; PostgreSQL is covered in docs/deployment.md")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1


def test_no_setting_names_an_email_backend_or_logs_addresses():
    assert settings.MAILERS == {}
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["null"]
