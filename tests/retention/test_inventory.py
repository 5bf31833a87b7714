"""Every stored field has a stated retention, and the stated defaults are the engine's."""

from pathlib import Path

import pytest
from django.conf import settings

from retention.models import DEFAULTS, Kind, RetentionRule

INVENTORY = Path(settings.BASE_DIR) / "docs" / "data-inventory.md"


def _field_rows():
    table = None
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            table = line
        elif line.startswith("|") and not set(line) <= set("|- ") and "| field |" not in line:
            yield table, [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_every_field_in_the_inventory_says_when_it_goes():
    missing = [f"{table}: {cells[0]}" for table, cells in _field_rows() if len(cells) < 5 or not cells[4]]
    assert not missing, f"give these a retention in docs/data-inventory.md: {missing}"


@pytest.mark.django_db
def test_the_default_rules_are_the_design_documents_life_cycle():
    stored = {r.kind: (r.days, r.measured_from) for r in RetentionRule.objects.all()}
    assert stored == {kind: (days, str(measure)) for kind, (days, measure) in DEFAULTS.items()}
    assert DEFAULTS[Kind.POSTS][0] == 90 and DEFAULTS[Kind.REPORTS][0] == 30
    assert DEFAULTS[Kind.MODERATION_LOG][0] == 90 and DEFAULTS[Kind.ACCOUNTS][0] == 365
    assert DEFAULTS[Kind.NOTICES][0] == 90 and DEFAULTS[Kind.SESSIONS][0] == 14
    assert DEFAULTS[Kind.INVITER_LINK] == (180, "use") and DEFAULTS[Kind.INVITES] == (0, "end")
