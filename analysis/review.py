"""Analysts' decisions on flags, kept as data so they survive every rerun.

A flag is one co-author affiliation linked to one watchlist entry on one work; its key hashes
(work id, the co-author holding the affiliation, the affiliation string as printed, entry id),
so a refetch, a rebuild or a watchlist edit gives the same flag the same key. Analysts review
strings, not rows, so a decision can also target a (string, entry) pair and then holds for every
flag with it, this year's and next year's.

Decisions go to one append-only JSON-lines log (data/review/decisions.jsonl). Rows are never
rewritten: a change of mind is a new row, the current state is the latest row per target, and
each row carries the hash of the one before, so an edited or truncated log is refused with the
line where it broke. Each row keeps the evidence it was made on (the entry's listings and tier);
when the entry's listing has changed since, the decision is marked for another look.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config, files
from analysis.errors import InputError
from analysis.text import text

LOG_NAME = "decisions.jsonl"
DECISIONS = {
    "confirmed": "a real link to the watchlisted institution",
    "dismissed": "not the watchlisted institution (a false positive); leaves the counts",
    "accepted": "a real link, accepted with the mitigation in the note",
    "follow_up": "needs follow-up before a decision",
}
#: Decisions that need a note saying why (the reason, or the mitigation).
NOTE_REQUIRED = {"dismissed", "accepted"}
REVIEW_COLUMNS = ["flag_key", "review", "review_note", "reviewer", "review_date",
                  "review_scope", "review_stale"]
EMPTY_REVIEW = {"review": "", "review_note": "", "reviewer": "", "review_date": "",
                "review_scope": "", "review_stale": False}


class ReviewError(InputError):
    """A decision or the log cannot be accepted; the message says which and why."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _short(ident: Any) -> str:
    return text(ident).rsplit("/", 1)[-1]


def flag_key(work_id: Any, author_id: Any, raw_affiliation: Any, entry_id: Any) -> str:
    """The stable key of one flag (OpenAlex URLs and short ids give the same key)."""
    return "f-" + _digest(_short(work_id), _short(author_id), text(raw_affiliation).strip(),
                          text(entry_id))


def string_key(raw_affiliation: Any, entry_id: Any) -> str:
    """The key of a (string, entry) selector: every flag printing that string for that entry."""
    return "s-" + _digest(" ".join(text(raw_affiliation).split()).casefold(), text(entry_id))


def keys(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(flag keys, string keys) of a matches-like table, row by row."""
    cols = [frame[c] for c in ("work_id", "author_id", "raw_affiliation", "watchlist_id")]
    flags = [flag_key(*row) for row in zip(*cols, strict=True)]
    strings = [string_key(r, e) for r, e in zip(cols[2], cols[3], strict=True)]
    return flags, strings


def log_path(data_dir: Path | str | None = None) -> Path:
    return config.paths(data_dir).data / "review" / LOG_NAME


def reviewer_default() -> str:
    return os.environ.get("EXPOSURE_REVIEWER") or getpass.getuser()


def _line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()[:16]


class Log:
    """The append-only decision log. There is deliberately no way to edit or delete a row."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _lines(self) -> list[str]:
        if not self.path.exists():
            return []
        if self.path.is_symlink() or not self.path.is_file():
            raise ReviewError(f"{self.path}: not a regular file; the decision log is never "
                              "read or written through a link")
        return self.path.read_text(encoding="utf-8").splitlines()

    def rows(self) -> list[dict[str, Any]]:
        """Every decision in order, after checking the chain of hashes."""
        rows, previous = [], ""
        for number, line in enumerate(self._lines(), start=1):
            try:
                row = json.loads(line)
            except ValueError:
                raise ReviewError(f"{self.path}:{number}: not a JSON object; the log was "
                                  "edited by hand (restore it from backup)") from None
            if not isinstance(row, dict) or row.get("seq") != number \
                    or row.get("prev") != previous:
                raise ReviewError(f"{self.path}:{number}: the log was rewritten here (rows "
                                  "changed, removed or reordered); it is append-only, restore "
                                  "it from backup")
            rows.append(row)
            previous = _line_hash(line)
        return rows

    def append(self, decisions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add decisions at the end, each checked; returns the rows as written."""
        new = [check(d) for d in decisions]
        files.make_dir(self.path.parent)
        with files.lock(self.path.with_name(f".{LOG_NAME}.lock"), lambda: None):
            lines = self._lines()
            self.rows()  # refuse to extend a broken log
            previous = _line_hash(lines[-1]) if lines else ""
            written = []
            with files.append_private(self.path) as handle:
                for offset, decision in enumerate(new, start=len(lines) + 1):
                    row = {"seq": offset, "prev": previous, **decision}
                    line = json.dumps(row, ensure_ascii=False, sort_keys=True)
                    handle.write(line + "\n")
                    previous = _line_hash(line)
                    written.append(row)
                handle.flush()
                os.fsync(handle.fileno())
        return written

    def state(self) -> dict[str, dict[str, Any]]:
        """The current decision per target: the latest row wins."""
        return {row["target"]: row for row in self.rows()}


def check(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision as it will be stored, or a ReviewError saying what is missing."""
    if "seq" in decision or "prev" in decision:
        raise ReviewError("the log is append-only: a decision cannot name its position or "
                          "replace an earlier row; record a new decision instead")
    kind = text(decision.get("decision")).strip().lower().replace("-", "_").replace(" ", "_")
    kind = {"needs_follow_up": "follow_up", "followup": "follow_up"}.get(kind, kind)
    if kind not in DECISIONS:
        raise ReviewError(f"decision {decision.get('decision')!r}: choose one of "
                          f"{', '.join(DECISIONS)}")
    note = text(decision.get("note")).strip()
    if kind in NOTE_REQUIRED and not note:
        raise ReviewError(f"a {kind} decision needs a note ("
                          + ("the mitigation" if kind == "accepted" else "why") + ")")
    if decision.get("scope") not in ("flag", "string"):
        raise ReviewError("a decision targets one flag or one (string, entry) pair")
    if not text(decision.get("entry_id")) or not text(decision.get("raw_affiliation")):
        raise ReviewError("a decision needs the entry id and the affiliation string")
    return {**decision, "decision": kind, "note": note,
            "reviewer": text(decision.get("reviewer")).strip() or reviewer_default(),
            "date": text(decision.get("date")) or datetime.now(UTC).isoformat(
                timespec="seconds")}


def decision_for(row: dict[str, Any], kind: str, note: str, reviewer: str, scope: str,
                 listing: dict[str, Any], source: str) -> dict[str, Any]:
    """A decision on one flag (scope "flag") or on its (string, entry) pair (scope "string"),
    with the evidence the reviewer saw."""
    target = (text(row.get("flag_key")) or flag_key(
        row["work_id"], row["author_id"], row["raw_affiliation"], row["watchlist_id"])) \
        if scope == "flag" else \
        string_key(row["raw_affiliation"], row["watchlist_id"])
    out = {"target": target, "scope": scope, "decision": kind, "note": note,
           "reviewer": reviewer, "entry_id": text(row["watchlist_id"]),
           "raw_affiliation": text(row["raw_affiliation"]), "source": source,
           "evidence": {"lists": listing.get("lists", []), "tier": listing.get("tier"),
                        "rule": text(row.get("rule")), "confidence": row.get("confidence"),
                        "evidence": text(row.get("evidence"))}}
    if scope == "flag":
        out |= {"work_id": _short(row["work_id"]), "author_id": _short(row["author_id"])}
    return out


def listing_signature(watchlist: Any, entry_id: str) -> dict[str, Any]:
    """What a decision's staleness is judged on: the entry's effective listings and tier."""
    if entry_id not in watchlist.entries:
        return {"lists": [], "tier": None}
    return {"lists": sorted(str(x) for x in watchlist.effective_lists(entry_id)),
            "tier": watchlist.tier(entry_id)}


def _stale(decision: dict[str, Any], signature: dict[str, Any] | None) -> bool:
    seen = decision.get("evidence") or {}
    if signature is None:
        return False
    return sorted(seen.get("lists") or []) != signature["lists"] \
        or seen.get("tier") != signature["tier"]


def annotate(matches: pd.DataFrame, state: dict[str, dict[str, Any]], signatures:
             dict[str, dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each match with its key and current decision (a flag's own decision beats one on its
    string), and the decisions that found no flag (orphans, reported, never dropped).
    `signatures` are `listing_signature` per entry of the run's watchlist."""
    flags, strings = keys(matches)
    present = set(flags)
    moved = _by_work({t: d for t, d in state.items() if t not in present})
    works = [(_short(w), text(r).strip(), text(e)) for w, r, e in zip(
        matches["work_id"], matches["raw_affiliation"], matches["watchlist_id"], strict=True)]
    rows = []
    for fkey, skey, wkey, entry in zip(flags, strings, works, matches["watchlist_id"],
                                       strict=True):
        decision = state.get(fkey) or moved.get(wkey) or state.get(skey)
        if decision is None:
            rows.append({"flag_key": fkey, **EMPTY_REVIEW})
            continue
        rows.append({"flag_key": fkey, "review": decision["decision"],
                     "review_note": decision.get("note", ""),
                     "reviewer": decision.get("reviewer", ""),
                     "review_date": text(decision.get("date"))[:10],
                     "review_scope": decision["scope"],
                     "review_stale": _stale(decision, signatures.get(text(entry)))})
    review = pd.DataFrame(rows, columns=REVIEW_COLUMNS, index=matches.index)
    out = pd.concat([matches.drop(columns=[c for c in REVIEW_COLUMNS if c in matches]),
                     review], axis=1)
    flagged = matches["flagged"].astype(bool)
    live = {k for k, f in zip(flags, flagged, strict=True) if f} | \
        {k for k, f in zip(strings, flagged, strict=True) if f} | \
        {moved[w]["target"] for w, f in zip(works, flagged, strict=True) if f and w in moved}
    return out, orphans(state, live, signatures)


def _by_work(state: dict[str, dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Flag decisions by (work, string, entry): OpenAlex can re-disambiguate an author between
    fetches, and a decision whose exact flag is gone should follow it when only the author id
    changed. Two such decisions on one (work, string, entry) are ambiguous: left as orphans."""
    seen: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for decision in state.values():
        if decision.get("scope") == "flag":
            key = (text(decision.get("work_id")), text(decision.get("raw_affiliation")).strip(),
                   text(decision.get("entry_id")))
            seen.setdefault(key, []).append(decision)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


ORPHAN_COLUMNS = ["target", "scope", "decision", "note", "reviewer", "date", "work_id",
                  "raw_affiliation", "entry_id", "entry_listed_now", "listing_changed"]


def orphans(state: dict[str, dict[str, Any]], live: set[str],
            signatures: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Decisions whose flag (or string) no longer exists in this run."""
    rows = [{"target": t, "scope": d["scope"], "decision": d["decision"],
             "note": d.get("note", ""), "reviewer": d.get("reviewer", ""),
             "date": text(d.get("date"))[:10], "work_id": d.get("work_id", ""),
             "raw_affiliation": d.get("raw_affiliation", ""), "entry_id": d.get("entry_id", ""),
             "entry_listed_now": d.get("entry_id") in signatures,
             "listing_changed": _stale(d, signatures.get(d.get("entry_id", "")))}
            for t, d in state.items() if t not in live]
    return pd.DataFrame(rows, columns=ORPHAN_COLUMNS)


def summary(matches: pd.DataFrame, orphaned: pd.DataFrame, log: Path, decisions: int
            ) -> dict[str, Any]:
    """The manifest's review block: what was applied from which log."""
    reviewed = matches[matches["review"] != ""]
    return {"log": str(log), "decisions_in_log": decisions, "snapshot": "snapshot/",
            "flags_reviewed": len(reviewed),
            "by_decision": {k: int((reviewed["review"] == k).sum()) for k in DECISIONS},
            "stale": int(reviewed["review_stale"].sum()), "orphans": len(orphaned)}


def apply(matches: pd.DataFrame, watchlist: Any, data_dir: Path | str
          ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The run's matches with the log's decisions applied, the orphans, and the summary."""
    path = log_path(data_dir)
    log = Log(path)
    rows = log.rows()
    state = {row["target"]: row for row in rows}
    entries = set(matches["watchlist_id"].map(text)) | {d.get("entry_id", "")
                                                        for d in state.values()}
    signatures = {e: listing_signature(watchlist, e) for e in entries
                  if e in watchlist.entries}
    annotated, orphaned = annotate(matches, state, signatures)
    return annotated, orphaned, summary(annotated, orphaned, path, len(rows))


# ---- the review commands: a run's flags in, decisions out ----------------------------------------
def run_flags(run_dir: Path) -> pd.DataFrame:
    """The flags of a run (its matches that reached the flag threshold), with their keys."""
    from analysis import changes

    return changes.read_flags(Path(run_dir))


def select(flags: pd.DataFrame, *, key: str = "", string: str = "", entry: str = "",
           work: str = "") -> tuple[pd.DataFrame, str]:
    """The flags a selector picks, and the decision's scope: a key or a work picks single
    flags; a string (with its entry) picks every flag printing it."""
    if not (key or string or work):
        raise ReviewError("say which flags: --key KEY, or --string S --entry E, or --work W "
                          "--entry E")
    chosen = pd.Series(True, index=flags.index)
    if key:
        chosen &= flags["flag_key"] == key
    if string:
        wanted = " ".join(string.split()).casefold()
        chosen &= flags["raw_affiliation"].map(lambda s: " ".join(s.split()).casefold()) \
            == wanted
    if entry:
        chosen &= flags["watchlist_id"] == entry
    if work:
        chosen &= flags["work_id"].map(_short) == _short(work)
    picked = flags[chosen]
    if picked.empty:
        raise ReviewError("no flag of the run matches " + ", ".join(
            f"{k} {v!r}" for k, v in (("key", key), ("string", string), ("entry", entry),
                                      ("work", work)) if v)
                          + "; `exposure review list --run RUN` shows the flags")
    if string and not entry and picked["watchlist_id"].nunique() > 1:
        raise ReviewError(f"the string {string!r} links to {picked['watchlist_id'].nunique()} "
                          "entries; add --entry to say which")
    return picked, "flag" if (key or work) else "string"


def record(run_dir: Path, data_dir: Path | str | None, *, decision: str, note: str = "",
           reviewer: str = "", source: str = "cli", **selector: str) -> list[dict[str, Any]]:
    """One decision on the selected flags of a run, appended to the log."""
    from analysis import changes

    picked, scope = select(run_flags(run_dir), **selector)
    if scope == "string":
        picked = picked.drop_duplicates("watchlist_id")
    signatures = changes.read_watchlist(Path(run_dir))
    rows = [decision_for(row, decision, note, reviewer, scope,
                         signatures.get(row["watchlist_id"], {}), source)
            for row in picked.to_dict("records")]
    return Log(log_path(data_dir)).append(rows)


EXPORT_COLUMNS = ["flag_key", "work_id", "author_id", "publication_year", "title",
                  "raw_affiliation", "watchlist_id", "entry_name", "tier", "rule",
                  "confidence", "evidence", "listing", "review", "review_note", "reviewer",
                  "review_date", "review_stale", "decision", "note"]


def review_sheet(flags: pd.DataFrame, signatures: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The flags as a sheet to fill in: the current decision beside empty "decision" and
    "note" columns (choices: confirmed, dismissed, accepted, follow_up)."""
    out = flags.assign(
        listing=[json.dumps(signatures.get(e, {}), sort_keys=True)
                 for e in flags["watchlist_id"]],
        decision="", note="")
    for column in EXPORT_COLUMNS:
        if column not in out:
            out[column] = ""
    return out[EXPORT_COLUMNS].reset_index(drop=True)


def export(run_dir: Path, out: Path) -> int:
    """Write the run's flags as a workbook (or CSV) to fill in; returns the rows written."""
    from analysis import changes, workbook

    sheet = review_sheet(run_flags(run_dir), changes.read_watchlist(Path(run_dir)))
    if Path(out).suffix.lower() == ".csv":
        files.write_csv(sheet, out)
    else:
        files.write_with(out, lambda tmp: workbook.write_sheets(tmp, {"Review": sheet}))
    return len(sheet)


def _filled(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(where, row) of a filled-in sheet: the Review sheet of an export or of a run's
    workbook, or a CSV with the same columns."""
    path = files.input_file(path, "review workbook or CSV")
    if path.suffix.lower() == ".csv":
        _columns, numbered = files.read_csv(path, "review CSV", ["decision"])
        return [(f"{path}:{n}", row) for n, row in numbered]
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReviewError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    name = "Review"
    if name not in book.sheetnames:
        raise ReviewError(f"{path}: no sheet named 'Review' (write one with `exposure review "
                          "export`, or use the run's exposure.xlsx)")
    rows = book[name].iter_rows(values_only=True)
    header = [text(h) for h in next(rows, ())]
    if "decision" not in header:
        raise ReviewError(f"{path} [{name}]:1: no 'decision' column; export the sheet with "
                          "`exposure review export`")
    return [(f"{path} [{name}]:{n}", dict(zip(header, values, strict=False)))
            for n, values in enumerate(rows, start=2)]


def import_sheet(path: Path, data_dir: Path | str | None, reviewer: str = ""
                 ) -> list[dict[str, Any]]:
    """Append every filled-in row's decision to the log (rows with no decision are skipped);
    nothing is written unless every filled row is valid."""
    decisions = []
    for where, row in _filled(path):
        kind = text(row.get("decision")).strip()
        if not kind:
            continue
        missing = [c for c in ("work_id", "author_id", "raw_affiliation", "watchlist_id")
                   if not text(row.get(c))]
        if missing:
            raise ReviewError(f"{where}: missing {', '.join(missing)}")
        try:
            listing = json.loads(text(row.get("listing")) or "{}")
        except ValueError:
            listing = {}
        try:
            decisions.append(check(decision_for(
                {k: text(v) for k, v in row.items()}, kind, text(row.get("note")),
                reviewer, "flag", listing,
                f"import:{Path(path).name}")))
        except ReviewError as exc:
            raise ReviewError(f"{where}: {exc}") from None
    return Log(log_path(data_dir)).append(decisions)
