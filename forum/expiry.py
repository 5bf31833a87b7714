"""The sooner ends a member may choose for what they write.

The choices belong to the retention rules, which the forum may not import; the retention
app registers the function that answers, and the forum asks through here.
"""

from collections.abc import Callable

_provider: Callable | None = None


def register(provider: Callable) -> None:
    """Set the function that returns, for a board, the allowed numbers of days."""
    global _provider
    _provider = provider


def choices_for(board) -> list[int]:
    """Return the numbers of days a member may choose in `board` (shorter than its rule)."""
    return list(_provider(board)) if _provider else []
