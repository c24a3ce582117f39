"""Which flags a watchlist update made appear or disappear, run against run.

A rerun into the same run folder compares its flags with the flags that folder held before,
when the two were screened against different watchlist versions: the analyst sees which
existing works became flagged because of an update and which flags it took away. (A general
run-to-run comparison is `exposure diff`; this one stays in the watchlist's scope.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

KEY = ["work_id", "watchlist_id"]


def _previous(out: Path) -> tuple[str, pd.DataFrame] | None:
    manifest, matches = out / "manifest.json", out / "tables" / "matches.csv"
    if out.is_symlink() or not manifest.is_file() or not matches.is_file():
        return None
    try:
        version = json.loads(manifest.read_text(encoding="utf-8"))["watchlist"]["version"]
        frame = pd.read_csv(matches, dtype=str, keep_default_na=False)
    except (ValueError, KeyError, OSError):
        return None
    if not {*KEY, "entry_name", "flagged"} <= set(frame.columns):
        return None
    return version, frame[frame["flagged"] == "True"]


def _pairs(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {(str(r.work_id), str(r.watchlist_id)): str(r.entry_name)
            for r in frame[[*KEY, "entry_name"]].itertuples(index=False)}


def compare(out: Path, matches: pd.DataFrame, version: str) -> dict[str, Any] | None:
    """None when there is no earlier run here or it used the same watchlist version."""
    found = _previous(out)
    if found is None or found[0] == version:
        return None
    before = _pairs(found[1])
    after = _pairs(matches[matches["flagged"].astype(bool)])
    def listed(keys: set[tuple[str, str]], names: dict[tuple[str, str], str]) -> list[dict]:
        return [{"work_id": w, "watchlist_id": e, "entry_name": names[(w, e)]}
                for w, e in sorted(keys)]
    return {"previous_version": found[0], "version": version,
            "newly_flagged": listed(set(after) - set(before), after),
            "no_longer_flagged": listed(set(before) - set(after), before)}


def describe(changes: dict[str, Any]) -> list[str]:
    out = [f"watchlist {changes['previous_version']} -> {changes['version']}: "
           f"{len(changes['newly_flagged'])} flag(s) new, "
           f"{len(changes['no_longer_flagged'])} gone since the last run here"]
    out += [f"  + {x['work_id']} now flagged: {x['entry_name']} ({x['watchlist_id']})"
            for x in changes["newly_flagged"][:20]]
    out += [f"  - {x['work_id']} no longer flagged: {x['entry_name']} ({x['watchlist_id']})"
            for x in changes["no_longer_flagged"][:20]]
    return out
