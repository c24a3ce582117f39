"""Text hygiene shared by every stage: missing values, and cells safe for spreadsheets."""

from __future__ import annotations

from typing import Any

#: A cell starting with one of these is run as a formula by spreadsheet programs. Full-width
#: forms count too: Excel folds them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def text(value: Any) -> str:
    """A string, or "" for None/NaN: missing values differ across pandas versions."""
    return value if isinstance(value, str) else ""


def neutralise(value: Any) -> Any:
    """Text from the open web made inert for spreadsheets (a title starting with = stays text)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value
