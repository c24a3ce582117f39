"""What changed between two runs, and the snapshot each run keeps so it can be compared later.

Every run writes `snapshot/` in its folder: every match with its flag key and status (counted,
dismissed, set aside by the filter, below the flag threshold), the works it covered with their
years, and the watchlist entries' listings and tiers as the run saw them. Comparing two
snapshots says, for every flag that appeared or went, why: a new work or year, an entry newly
listed or removed, a decision, a filter, or corrected data. Departments' figures come from the
runs' own departments.csv.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import files
from analysis.errors import InputError
from analysis.text import text

SNAPSHOT = "snapshot"
FLAG_COLUMNS = ["flag_key", "work_id", "author_id", "raw_affiliation", "watchlist_id",
                "entry_name", "root_id", "root_name", "rule", "confidence", "evidence", "tier",
                "lists", "publication_year", "title", "status", "review", "review_note",
                "reviewer", "review_date", "review_scope", "review_stale"]
STATUSES = ("counted", "dismissed", "set_aside", "below_threshold")
MOVED_MEASURES = ["works", "flagged_works", "tier1_works", "researchers_involved"]


@dataclass
class Snapshot:
    """What one run flagged and on what basis."""

    flags: pd.DataFrame
    works: dict[str, int]  # work id -> publication year
    watchlist: dict[str, dict[str, Any]]  # entry id -> name, lists, tier, parent
    departments: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def counted(self) -> pd.DataFrame:
        return self.flags[self.flags["status"] == "counted"]


def status(matches: pd.DataFrame) -> pd.Series:
    """Each match's place after the review and the filter (`select_flags`' columns)."""
    out = pd.Series("below_threshold", index=matches.index)
    out[matches["set_aside"].astype(bool)] = "set_aside"
    if "dismissed" in matches:
        out[matches["dismissed"].astype(bool)] = "dismissed"
    out[matches["flagged"].astype(bool)] = "counted"
    return out


def build(matches: pd.DataFrame, works: pd.DataFrame, watchlist: Any,
          departments: pd.DataFrame, meta: dict[str, Any]) -> Snapshot:
    """The snapshot of a run from its selected, reviewed matches."""
    from analysis.review import listing_signature

    # lists, not the Arrow-backed columns, whose iteration cost a second at 100,000 works
    ids = [text(w) for w in works["work_id"].tolist()]
    years = dict(zip(ids, works["publication_year"].tolist(), strict=True))
    flagged = set(matches["work_id"].tolist())
    titles = {w: text(t) for w, t in zip(ids, works["title"].tolist(), strict=True)
              if w in flagged}
    flags = matches.assign(status=status(matches),
                           publication_year=matches["work_id"].map(years),
                           title=matches["work_id"].map(titles).fillna(""),
                           lists=matches["lists"].map(
                               lambda v: "; ".join(v) if v is not None
                               and not isinstance(v, str) else text(v)))
    entries = {e.id: {"name": e.name, "name_zh": e.name_zh, "parent": e.parent,
                      "category": e.category, "sources": list(e.sources),
                      **listing_signature(watchlist, e.id)} for e in watchlist}
    return Snapshot(_as_read(flags[FLAG_COLUMNS]), {k: int(v) for k, v in years.items()},
                    entries, _as_read(departments), meta)


def _as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as it reads back from its file (all text), so a run compared in memory and
    one read from disk compare alike."""
    return pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str,
                       keep_default_na=False)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Snapshot tables are data for this tool, written exactly (not spreadsheet-neutralised)."""
    files.write_with(path, lambda tmp: frame.to_csv(tmp, index=False))


def write(folder: Path, snap: Snapshot) -> None:
    target = folder / SNAPSHOT
    files.make_dir(target)
    _write_csv(snap.flags, target / "flags.csv")
    _write_csv(pd.DataFrame({"work_id": list(snap.works),
                                  "publication_year": list(snap.works.values())}),
                    target / "works.csv")
    files.write_text(target / "watchlist.json", json.dumps(
        {"meta": snap.meta, "entries": snap.watchlist}, ensure_ascii=False, indent=0) + "\n")


def _csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path.parent.parent}: no {path.parent.name}/{path.name}; this run "
                         "was written before runs kept a snapshot: rerun it to compare it")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_flags(run_dir: Path) -> pd.DataFrame:
    """A run's flags (every match that reached the threshold), with keys and decisions."""
    flags = _csv(checked_run(run_dir) / SNAPSHOT / "flags.csv")
    return flags[flags["status"] != "below_threshold"].reset_index(drop=True)


def read_watchlist(run_dir: Path) -> dict[str, dict[str, Any]]:
    path = checked_run(run_dir) / SNAPSHOT / "watchlist.json"
    if not path.is_file():
        raise InputError(f"{run_dir}: no {SNAPSHOT}/watchlist.json; rerun it")
    return json.loads(path.read_text(encoding="utf-8"))["entries"]


def checked_run(run_dir: Path) -> Path:
    from analysis.report import is_run_dir

    run_dir = Path(run_dir)
    if run_dir.is_symlink() or not run_dir.is_dir() or not is_run_dir(run_dir):
        raise InputError(f"{run_dir}: not a run directory written by exposure")
    return run_dir


def read(run_dir: Path) -> Snapshot:
    run_dir = checked_run(run_dir)
    flags = _csv(run_dir / SNAPSHOT / "flags.csv")
    works = _csv(run_dir / SNAPSHOT / "works.csv")
    stored = json.loads((run_dir / SNAPSHOT / "watchlist.json").read_text(encoding="utf-8"))
    departments = _csv(run_dir / "tables" / "departments.csv")
    return Snapshot(flags, dict(zip(works["work_id"], works["publication_year"].astype(int),
                                    strict=True)),
                    stored["entries"], departments, stored.get("meta", {}))


# ---- the comparison ------------------------------------------------------------------------------
def _listed(entry: dict[str, Any] | None) -> bool:
    return bool(entry and entry.get("lists"))


def why_new(row: dict[str, Any], before: Snapshot, earlier: dict[str, Any] | None) -> str:
    """Why a flag counted now was not counted before."""
    entry = row["watchlist_id"]
    if earlier is not None and earlier["status"] == "dismissed":
        return "decision: no longer dismissed"
    if row["work_id"] not in before.works:
        return "new work (a new year or new records)"
    old, new = before.watchlist.get(entry), None
    if old is None:
        return "entry added to the watchlist"
    new = row.get("_entry")
    if new and (old.get("lists") != new.get("lists") or old.get("tier") != new.get("tier")):
        return "entry newly listed or its listing changed"
    if earlier is not None and earlier["status"] == "set_aside":
        return "filter: now counted"
    return "data or matching changed (the affiliation or its link)"


def why_gone(row: dict[str, Any], after: Snapshot, later: dict[str, Any] | None) -> str:
    """Why a flag counted before is not counted now."""
    if later is not None and later["status"] == "dismissed":
        return (f"decision: dismissed by {later['reviewer']} on {later['review_date']}: "
                f"{later['review_note']}")
    if later is not None and later["status"] == "set_aside":
        return "filter: set aside by the tiers or categories counted"
    entry = after.watchlist.get(row["watchlist_id"])
    if entry is None:
        return "entry delisted (removed from the watchlist)"
    if row["work_id"] not in after.works:
        return "work no longer in the data (years or records)"
    if later is not None and later["status"] == "below_threshold":
        return "matching: the link fell below the flag threshold"
    return "data corrected (the affiliation or its link changed)"


DIFF_COLUMNS = ["flag_key", "work_id", "publication_year", "title", "raw_affiliation",
                "watchlist_id", "entry_name", "tier", "reason"]


def compare(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """New flags, flags gone (with why), newly listed entries now flagging older works,
    decisions made between, and departments whose figures moved."""
    old_counted = set(before.counted()["flag_key"])
    new_counted = set(after.counted()["flag_key"])
    moved_keys = old_counted ^ new_counted  # only these rows are read as records
    old_all, new_all = _by_key(before.flags, moved_keys), _by_key(after.flags, moved_keys)
    added = [{**r, "reason": why_new({**r, "_entry": after.watchlist.get(r["watchlist_id"])},
                                     before, old_all.get(k))}
             for k, r in new_all.items() if k in new_counted and k not in old_counted]
    gone = [{**r, "reason": why_gone(r, after, new_all.get(k))}
            for k, r in old_all.items() if k in old_counted and k not in new_counted]
    return {
        "before": before.meta, "after": after.meta,
        "new_flags": _frame(added), "gone_flags": _frame(gone),
        "newly_listed": newly_listed(before, after),
        "decisions": decided(before, after),
        "departments_moved": moved(before.departments, after.departments),
    }


def _by_key(flags: pd.DataFrame, keys: set[str]) -> dict[str, dict[str, Any]]:
    """The rows of the given flag keys as records, by key (a rerun's flags are thousands
    and its changes few; pandas makes records slowly)."""
    rows = flags[flags["flag_key"].astype(object).isin(keys)]
    return {r["flag_key"]: r for r in rows.to_dict("records")}


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*DIFF_COLUMNS, "_entry"])[DIFF_COLUMNS]
    return frame.sort_values(["reason", "publication_year", "work_id"]).reset_index(drop=True)


def newly_listed(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Entries added or whose listings changed, with the counted flags they now raise on works
    the earlier run already had (older works that now count)."""
    rows = []
    counted = after.counted()
    for entry_id, entry in after.watchlist.items():
        old = before.watchlist.get(entry_id)
        if old is not None and old.get("lists") == entry.get("lists") \
                and old.get("tier") == entry.get("tier"):
            continue
        mine = counted[counted["watchlist_id"] == entry_id]
        older = mine.loc[[w in before.works for w in mine["work_id"]]]  # few rows, many works
        if older.empty:
            continue
        rows.append({"watchlist_id": entry_id, "entry_name": entry["name"],
                     "lists_before": "; ".join(old.get("lists", [])) if old else "(not listed)",
                     "lists_now": "; ".join(entry.get("lists", [])),
                     "older_works_now_flagged": older["work_id"].nunique()})
    return pd.DataFrame(rows, columns=["watchlist_id", "entry_name", "lists_before",
                                       "lists_now", "older_works_now_flagged"])


def decided(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Flags whose review decision changed between the runs."""
    old = before.flags.set_index("flag_key")["review"].to_dict()
    flags = after.flags
    changed = [status != "below_threshold" and text(review) != text(old.get(key, ""))
               for key, status, review in zip(flags["flag_key"], flags["status"],
                                              flags["review"], strict=True)]
    rows = [{"flag_key": r["flag_key"], "work_id": r["work_id"],
             "raw_affiliation": r["raw_affiliation"], "watchlist_id": r["watchlist_id"],
             "before": old.get(r["flag_key"], "") or "not reviewed",
             "now": r["review"] or "not reviewed", "note": r["review_note"]}
            for r in flags[changed].to_dict("records")]
    return pd.DataFrame(rows, columns=["flag_key", "work_id", "raw_affiliation",
                                       "watchlist_id", "before", "now", "note"])


def moved(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Departments (and faculties, and the whole) whose figures changed."""
    cols = ["department", "department_name", *MOVED_MEASURES]
    old = before[cols].astype({m: str for m in MOVED_MEASURES}).set_index("department")
    new = after[cols].astype({m: str for m in MOVED_MEASURES}).set_index("department")
    rows = []
    order = list(new.index) + [d for d in old.index if d not in new.index]
    for dept in order:
        a = old.loc[dept] if dept in old.index else None
        b = new.loc[dept] if dept in new.index else None
        changed = {m: (int(a[m]) if a is not None else 0, int(b[m]) if b is not None else 0)
                   for m in MOVED_MEASURES}
        if any(x != y for x, y in changed.values()):
            name = (b if b is not None else a)["department_name"]
            rows.append({"department": dept, "department_name": name,
                         **{f"{m}_before": x for m, (x, _) in changed.items()},
                         **{f"{m}_now": y for m, (_, y) in changed.items()}})
    return pd.DataFrame(rows)


def describe(diff: dict[str, Any]) -> str:
    """The comparison in words, for the terminal."""
    lines = [f"from {diff['before'].get('run', '?')} (watchlist "
             f"{diff['before'].get('watchlist_version', '?')}) to "
             f"{diff['after'].get('run', '?')} (watchlist "
             f"{diff['after'].get('watchlist_version', '?')})"]
    for title, frame in (("new flags", diff["new_flags"]), ("flags gone", diff["gone_flags"])):
        lines.append(f"{title}: {len(frame)}")
        for reason, group in frame.groupby("reason", sort=True):
            lines.append(f"  {len(group):4d}  {reason}")
    lines.append(f"entries newly listed that now flag older works: {len(diff['newly_listed'])}")
    for r in diff["newly_listed"].to_dict("records"):
        lines.append(f"  {r['entry_name']} ({r['watchlist_id']}): "
                     f"{r['older_works_now_flagged']} older works; {r['lists_before']} -> "
                     f"{r['lists_now']}")
    lines.append(f"review decisions changed: {len(diff['decisions'])}")
    moved_ = diff["departments_moved"]
    lines.append(f"departments whose figures moved: {len(moved_)}")
    for r in moved_.to_dict("records"):
        lines.append(f"  {r['department_name']}: flagged works {r['flagged_works_before']} -> "
                     f"{r['flagged_works_now']}, works {r['works_before']} -> {r['works_now']}")
    return "\n".join(lines) + "\n"


def write_diff(diff: dict[str, Any], folder: Path) -> list[Path]:
    """The comparison as CSV files (one per part) in `folder`."""
    written = []
    for name in ("new_flags", "gone_flags", "newly_listed", "decisions", "departments_moved"):
        written.append(files.write_csv(diff[name], Path(folder) / f"{name}.csv"))
    return written


def since_last(out: Path, outputs: Any, works: pd.DataFrame, watchlist: Any,
               manifest: dict[str, Any], orphans: pd.DataFrame) -> dict[str, Any]:
    """The review parts of a run's outputs: its snapshot, the decisions that found no flag,
    and what changed since the run it replaces at `out` (the last review), if any."""
    snap = build(outputs.matches, works, watchlist, outputs.departments, {
        "run": manifest["run_id"], "generated_at": manifest["generated_at"],
        "watchlist_version": manifest["watchlist"]["version"]})
    since = None
    earlier = last_run(Path(out), manifest["institution"]["key"])
    if earlier is not None:
        try:
            since = compare(read(earlier), snap)
        except (InputError, OSError, ValueError, KeyError):
            since = None  # an unreadable earlier run is no reason to stop this one
    return {"snapshot": snap, "orphans": orphans, "since": since}


def _institution(folder: Path) -> tuple[str, str] | None:
    """(institution key, generated_at) of a run folder with a snapshot, else None."""
    try:
        if folder.is_symlink() or not (folder / SNAPSHOT / "flags.csv").is_file():
            return None
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return manifest["institution"]["key"], manifest["generated_at"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def last_run(out: Path, institution_key: str) -> Path | None:
    """The last review to compare with: the run this one replaces at `out`, else the newest
    run of the same institution beside it (last year's run when a year is added)."""
    own = _institution(out)
    if own and own[0] == institution_key:
        return out
    if not out.parent.is_dir():
        return None
    found = [(info[1], folder) for folder in out.parent.iterdir()
             if folder != out and not folder.name.startswith(".") and folder.is_dir()
             and (info := _institution(folder)) and info[0] == institution_key]
    return max(found)[1] if found else None
