"""The data inventory lists every stored field, and nothing stores IP, user agent or email."""

import fnmatch
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

INVENTORY = Path(settings.BASE_DIR) / "docs" / "data-inventory.md"
# Only django-allauth's unused email tables may have an email column; a test keeps them empty.
EMAIL_TABLES_NEVER_WRITTEN = {"account_emailaddress", "account_emailconfirmation"}
FORBIDDEN_NAME = re.compile(r"(^|_)(ip|ip_address|ipaddr|user_agent|useragent|email|e_mail)(_|$)")


def inventory_rows() -> list[dict]:
    """Return every row of the inventory's tables: its table, fields and the other columns."""
    rows: list[dict] = []
    tables: list[str] = []
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            tables = re.findall(r"`([a-z0-9_]+)`", line)
            for table in tables:  # a table heading with no rows still names a table
                rows.append({"table": table, "fields": [], "what": "", "why": "", "who": "", "expires": ""})
        elif line.startswith("|") and tables and not set(line) <= set("|- "):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if cells[0] == "field":
                continue
            cells += [""] * (5 - len(cells))
            for table in tables:
                rows.append({"table": table, "fields": [part.strip() for part in cells[0].split(",")],
                             "what": cells[1], "why": cells[2], "who": cells[3], "expires": cells[4]})  # fmt: skip
    return rows


def _inventory() -> dict[str, list[str]]:
    """Return {table name: [field patterns]} parsed from the inventory page."""
    tables: dict[str, list[str]] = {}
    for row in inventory_rows():
        tables.setdefault(row["table"], []).extend(row["fields"])
    return tables


def _stored_tables() -> dict[str, list[str]]:
    """Return {table: [column field names]} for every model, many-to-many tables included."""
    tables: dict[str, list[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        tables[model._meta.db_table] = [f.name for f in model._meta.concrete_fields]
    return tables


def test_every_stored_field_is_in_the_inventory():
    inventory = _inventory()
    missing = []
    for table, fields in _stored_tables().items():
        patterns = inventory.get(table)
        if patterns is None:
            missing.append(f"table {table}")
            continue
        for field in fields:
            if not any(fnmatch.fnmatchcase(field, pattern) for pattern in patterns):
                missing.append(f"{table}.{field}")
    assert not missing, f"add these to docs/data-inventory.md: {missing}"


def test_inventory_lists_no_field_that_does_not_exist():
    stored = _stored_tables()
    stale = []
    for table, patterns in _inventory().items():
        if table not in stored:
            if table in {"hearth_cache", "forum_post_fts"}:
                continue
            stale.append(f"table {table}")
            continue
        for pattern in patterns:
            if not any(fnmatch.fnmatchcase(f, pattern) for f in stored[table]):
                stale.append(f"{table}.{pattern}")
    assert not stale, f"remove or fix these in docs/data-inventory.md: {stale}"


def test_no_model_stores_an_ip_address_user_agent_or_email():
    offenders = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in EMAIL_TABLES_NEVER_WRITTEN:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.GenericIPAddressField, models.EmailField)) or (
                FORBIDDEN_NAME.search(field.name)
            ):
                offenders.append(f"{model._meta.label}.{field.name}")
    assert not offenders


@pytest.mark.django_db
def test_sign_up_writes_no_email_row(client, open_registration):
    from allauth.account.models import EmailAddress

    response = client.post(
        "/accounts/signup/",
        {"username": "quietfox", "password1": "a long enough passphrase 42",
         "password2": "a long enough passphrase 42"},
    )  # fmt: skip
    assert response.status_code == 302
    assert EmailAddress.objects.count() == 0
