"""Matching a run's stored affiliation table without loading it whole.

`match.match_affiliations` decides each distinct (string, institution) once and joins the
decisions back to every row. At a large university most rows repeat a string or link to
nothing, so the pipeline gives it the table in two small slices (analysis/slices.py): first
the distinct rows, to decide on; then only the rows whose (string, institution) got a link,
which it joins to. A memo in front of the matcher makes the second call cost no matching.
The answer is the one the whole table gives: the same first rows, in the same order.

A large university asks for a couple of hundred thousand decisions, each independent of the
others, so they are shared among forked copies of the process (the matcher, built once, is
inherited rather than rebuilt or sent); each copy decides a slice and sends back only its
answers, almost all of them empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis import match, slices, workers
from analysis.text import text

#: Fewer decisions than this are made in the process itself: a worker's start and the answers'
#: trip back cost more than they save (about 40 microseconds a decision).
SHARE_AT = 20_000
_CHUNK = 2_000


def _key(raw: str, institution: dict[str, Any]) -> tuple[Any, ...]:
    """Everything `decide` reads of one request."""
    return (raw, *(text(institution.get(k)) for k in (
        "institution_id", "ror", "institution_name", "country_code")),
        tuple(institution.get("lineage", ())), tuple(institution.get("lineage_rors", ())))


class _Memo:
    """The matcher's decisions, remembered by everything `decide` reads; which keys linked."""

    def __init__(self, matcher: match.Matcher) -> None:
        self.matcher, self.seen = matcher, {}
        self.linked: set[tuple[str, str]] = set()

    def decide(self, raw: str, institution: dict[str, Any]) -> list[Any]:
        key = _key(raw, institution)
        if key not in self.seen:
            self._keep(key, self.matcher.decide(raw, institution))
        return self.seen[key]

    def _keep(self, key: tuple[Any, ...], links: list[Any]) -> None:
        self.seen[key] = links
        if links:
            self.linked.add((key[0], key[1]))

    def prefill(self, affiliations: pd.DataFrame, processes: int) -> None:
        """Decide every distinct (string, institution id) of `affiliations`, shared among
        `processes` forked workers when there are enough of them (each builds its own
        slice's requests too). Only decisions with a link are kept: the rows joined
        afterwards are those whose (string, institution) linked."""
        rows = affiliations.drop_duplicates(["raw_affiliation", "institution_id"])
        rors = match.known_rors(affiliations)
        if processes < 2 or len(rows) < SHARE_AT or not workers.can_fork():
            found = _linked(self.matcher, rows, rors)
        else:  # each copy builds its own slice's requests, and sends back only the links
            parts = workers.map_forked(
                lambda start: _linked(self.matcher, rows.iloc[start:start + _CHUNK], rors),
                range(0, len(rows), _CHUNK), processes)
            found = [linked for part in parts for linked in part]
        for raw, institution, links in found:
            self._keep(_key(raw, institution), links)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.matcher, name)


Linked = list[tuple[str, dict[str, Any], list[Any]]]


def _linked(matcher: match.Matcher, rows: pd.DataFrame, rors: dict[str, str]) -> Linked:
    """(string, institution, links) of the rows' requests that link to an entry."""
    return [(raw, institution, links) for raw, institution in match.requests(rows, rors)
            if (links := matcher.decide(raw, institution))]


def match_stored(directory: Path, matcher: match.Matcher, processes: int = 1) -> pd.DataFrame:
    """The matches table of the affiliations stored in `directory` (match_affiliations')."""
    memo = _Memo(matcher)
    memo.prefill(slices.distinct_affiliations(directory), processes)
    rows = slices.affiliations_with(directory, sorted(memo.linked))
    return match.match_affiliations(rows, matcher.watchlist, [], memo)  # type: ignore[arg-type]
