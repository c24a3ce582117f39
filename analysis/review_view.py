"""The review's part of every run: what the reports show and the files the run keeps.

Reports show which flags reviewers dismissed (out of the counts, kept in an appendix with the
reason), which decisions found no flag (orphans) or were made before the entry's listing
changed (to look at again), and what changed since the last review (the run this one replaced).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis import changes, files, review

#: Rows of each "since the last review" list shown in a report (the CSVs hold them all).
SHOWN = 50


def _records(frame: pd.DataFrame | None, works: set[str] | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    if works is not None:
        frame = frame[frame["work_id"].isin(works)]
    return frame.to_dict("records")


def context(parts: dict[str, Any], works: set[str] | None) -> dict[str, Any]:
    """What a report shows: the whole institution (works None) or one group's works."""
    if not parts:
        return {}
    snap = parts.get("snapshot")
    flags = snap.flags if snap is not None else pd.DataFrame(columns=changes.FLAG_COLUMNS)
    reviewed = flags[(flags["review"] != "") & (flags["status"] != "below_threshold")]
    if works is not None:  # as objects: pandas tests an Arrow string column against a set
        # by making an Arrow scalar of each member in Python, a second for 100,000 works
        reviewed = reviewed[reviewed["work_id"].astype(object).isin(works)]
    since = parts.get("since")
    out: dict[str, Any] = {
        "dismissed": _records(parts.get("dismissed"), works),
        "stale": reviewed[reviewed["review_stale"] == "True"].to_dict("records"),
        "counts": {k: int((reviewed["review"] == k).sum()) for k in review.DECISIONS},
        "orphans": [] if works is not None else _records(parts.get("orphans"), None),
        "since": None,
    }
    if since is not None:
        new, gone = _records(since["new_flags"], works), _records(since["gone_flags"], works)
        out["since"] = {
            "before": since["before"], "new": new[:SHOWN], "gone": gone[:SHOWN],
            "new_total": len(new), "gone_total": len(gone),
            "new_reasons": _reasons(new), "gone_reasons": _reasons(gone),
            "decisions": len(_records(since["decisions"], works)),
            "newly_listed": [] if works is not None else since["newly_listed"].to_dict(
                "records"),
            "moved": [] if works is not None else since["departments_moved"].to_dict(
                "records")}
    return out


def _reasons(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counted: dict[str, int] = {}
    for row in rows:
        counted[row["reason"]] = counted.get(row["reason"], 0) + 1
    return sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


def write_tables(folder: Path, parts: dict[str, Any]) -> None:
    """The snapshot (what `exposure diff` and the next run compare), the dismissed flags, the
    orphaned decisions, and the comparison with the last review as CSVs."""
    if not parts:
        return
    if parts.get("snapshot") is not None:
        changes.write(folder, parts["snapshot"])
    if parts.get("dismissed") is not None:
        files.write_csv(parts["dismissed"], folder / "tables" / "dismissed_flags.csv")
    if parts.get("orphans") is not None:
        files.write_csv(parts["orphans"], folder / "tables" / "review_orphans.csv")
    if parts.get("since") is not None:
        changes.write_diff(parts["since"], folder / "since_last_review")


def sheet(parts: dict[str, Any]) -> pd.DataFrame | None:
    """The run's flags as the workbook's Review sheet (fill in "decision" and "note", then
    `exposure review import`)."""
    snap = parts.get("snapshot") if parts else None
    if snap is None:
        return None
    flags = snap.flags[snap.flags["status"] != "below_threshold"]
    return review.review_sheet(flags, snap.watchlist)
