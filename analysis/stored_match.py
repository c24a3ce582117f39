"""Matching a run's stored affiliation table without loading it whole.

`match.match_affiliations` decides each distinct (string, institution) once and joins the
decisions back to every row. At a large university most rows repeat a string or link to
nothing, so the pipeline gives it the table in two small slices (analysis/slices.py): first
the distinct rows, to decide on; then only the rows whose (string, institution) got a link,
which it joins to. A memo in front of the matcher makes the second call cost no matching.
The answer is the one the whole table gives: the same first rows, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis import match, slices
from analysis.text import text


class _Memo:
    """The matcher's decisions, remembered by everything `decide` reads; which keys linked."""

    def __init__(self, matcher: match.Matcher) -> None:
        self.matcher, self.seen = matcher, {}
        self.linked: set[tuple[str, str]] = set()

    def decide(self, raw: str, institution: dict[str, Any]) -> list[Any]:
        key = (raw, *(text(institution.get(k)) for k in (
            "institution_id", "ror", "institution_name", "country_code")),
            tuple(institution.get("lineage", ())), tuple(institution.get("lineage_rors", ())))
        if key not in self.seen:
            self.seen[key] = self.matcher.decide(raw, institution)
            if self.seen[key]:
                self.linked.add((raw, key[1]))
        return self.seen[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)


def match_stored(directory: Path, matcher: match.Matcher) -> pd.DataFrame:
    """The matches table of the affiliations stored in `directory` (match_affiliations')."""
    memo = _Memo(matcher)
    wl, innocents = matcher.watchlist, []
    distinct = slices.distinct_affiliations(directory)
    match.match_affiliations(distinct, wl, innocents, memo)  # type: ignore[arg-type]
    rows = slices.affiliations_with(directory, sorted(memo.linked))
    return match.match_affiliations(rows, wl, innocents, memo)  # type: ignore[arg-type]
