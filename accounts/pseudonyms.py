"""Pseudonym rules: what a pseudonym may contain, and which names look alike.

A pseudonym is 3 to 30 characters: letters of any script (so Arabic, Russian or Chinese
names work), combining marks after a letter, digits, `_` and `-`. It is stored in NFKC
form. Two pseudonyms that a reader could mistake for each other share a *skeleton*; the
skeleton column is unique, and `check_not_look_alike` refuses a look-alike of an existing
name before it reaches the database (sign-up, the admin's forms, `create_user`).
"""

import functools
import json
import unicodedata
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 3
MAX_LENGTH = 30
_PUNCTUATION = {"_", "-"}


def normalize(value: str) -> str:
    """Return the stored form of a pseudonym (NFKC, surrounding spaces removed)."""
    return unicodedata.normalize("NFKC", value or "").strip()


def validate_pseudonym(value: str) -> None:
    """Raise ValidationError unless `value` is an acceptable pseudonym."""
    value = normalize(value)
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise ValidationError(
            _("A pseudonym has %(min)d to %(max)d characters."),
            code="length",
            params={"min": MIN_LENGTH, "max": MAX_LENGTH},
        )
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if category.startswith("L") or category == "Nd" or char in _PUNCTUATION:
            continue
        if category.startswith("M") and index > 0:
            continue
        raise ValidationError(
            _("A pseudonym may contain only letters, digits, “_” and “-”."),
            code="characters",
        )
    if confusables.is_dangerous(value):
        raise ValidationError(
            _(
                "This pseudonym mixes letters from different alphabets that look alike. "
                "Please use one alphabet."
            ),
            code="mixed_script",
        )


@functools.cache
def _canonical_map() -> dict[str, str]:
    """Map every confusable character to one representative of its look-alike group."""
    data_file = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    pairs = json.loads(data_file.read_text(encoding="utf-8"))
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        root = char
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(char, char) != root:
            parent[char], char = root, parent[char]
        return root

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            # The smaller code point leads, so the map does not depend on input order.
            low, high = sorted((root_a, root_b))
            parent[high] = low

    for char, entries in pairs.items():
        if len(char) != 1:
            continue
        parent.setdefault(char, char)
        for entry in entries:
            other = entry["c"].replace("\u200e", "")
            if len(other) == 1:
                parent.setdefault(other, other)
                union(char, other)
    return {char: find(char) for char in parent}


def skeleton(value: str) -> str:
    """Return the look-alike key of a pseudonym: equal for names a reader could confuse."""
    canonical = _canonical_map()
    decomposed = unicodedata.normalize("NFKD", normalize(value))
    mapped = "".join(canonical.get(c, c) for c in decomposed)
    folded = unicodedata.normalize("NFKD", mapped.casefold())
    result = "".join(
        canonical.get(c, c)
        for c in folded
        if not unicodedata.category(c).startswith("M") and c not in _PUNCTUATION
    )
    return result


LOOK_ALIKE_MESSAGE = _("This pseudonym looks too much like one already in use. Please choose another.")


def check_not_look_alike(value: str, *, member_id: int | None = None) -> None:
    """Raise ValidationError if another member's pseudonym looks like `value` or equals it but for case.

    `member_id` is the member being renamed: their own pseudonym does not count.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    value = normalize(value)
    taken = get_user_model()._default_manager.filter(
        Q(username_skeleton=skeleton(value)) | Q(username__iexact=value)
    )
    if member_id is not None:
        taken = taken.exclude(pk=member_id)
    if taken.exists():
        raise ValidationError(LOOK_ALIKE_MESSAGE, code="username_confusable")
