"""Proposed watchlist changes from a publisher's file: matched, reviewed, then accepted.

`propose` matches each incoming entity to an existing entry (ROR id, then any name, alias or
Chinese name as the matcher normalises them) and turns the file into a change set: list
memberships added, dates corrected, memberships ended (a complete file that no longer names an
entry ends its membership on the file's date), aliases and Chinese names added, new entries
proposed. Nothing touches the watchlist until `accept`, which rewrites the user layer
(`<data>/user_watchlist/accepted.csv`, same schema as a `--watchlist` file) in one atomic
rename after checking the result validates. The shipped list is never edited.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import config, files, ids, listsources, text
from analysis import watchlist as wl_mod
from analysis.errors import InputError
from analysis.watchlist import Listing, Watchlist

Change = dict[str, Any]


def layer_dir(paths: config.Paths) -> Path:
    return paths.data / "user_watchlist"


def accepted_path(paths: config.Paths) -> Path:
    return layer_dir(paths) / "accepted.csv"


def layers(paths: config.Paths) -> list[Path]:
    """The accepted user layer, when there is one: runs screen against it by default."""
    return [accepted_path(paths)] if accepted_path(paths).exists() else []


def current(paths: config.Paths, extra: list[Path] | None = None) -> Watchlist:
    return wl_mod.load([*layers(paths), *(extra or [])])


def _key(label: str) -> str:
    return text.normalise_text(label)


class Index:
    """Every entry's labels as the matcher normalises them (ambiguous labels left out)."""

    def __init__(self, wl: Watchlist) -> None:
        self.by_label: dict[str, set[str]] = {}
        self.by_ror = wl.by_ror()
        for e in wl:
            vague = {_key(a) for a in e.ambiguous}
            for label in (e.name, e.name_zh, *e.aliases, *e.acronyms):
                if label and _key(label) and _key(label) not in vague:
                    self.by_label.setdefault(_key(label), set()).add(e.id)

    def owners(self, label: str) -> set[str]:
        return self.by_label.get(_key(label), set())

    def find(self, rec: dict[str, Any]) -> tuple[str, str, set[str]]:
        """(entry id or '', how it matched, other entries its aliases name)."""
        ror = ids.bare_ror(rec.get("ror")) or ""
        if ror and ror in self.by_ror:
            return self.by_ror[ror], f"ROR {ror}", set()
        others = {i for a in rec["aliases"] for i in self.owners(a)}
        for label, how in ((rec["name"], "name"), (rec["name_zh"], "Chinese name")):
            hit = self.owners(label) if label else set()
            if len(hit) == 1:
                (entry,) = hit
                return entry, f"{how} {label!r}", others - hit
        by_alias = [(a, self.owners(a)) for a in rec["aliases"]
                    if len(self.owners(a)) == 1 and _distinctive(a)]
        if by_alias:
            alias, (entry,) = by_alias[0][0], tuple(by_alias[0][1])
            return entry, f"alias {alias!r}", others - {entry}
        return "", "", others


def _distinctive(alias: str) -> bool:
    """An acronym alone ("CETC", "HEU") says an entity belongs to a family, not which member
    it is: it relates the two (suggesting a parent) but never merges them."""
    return " " in alias.strip() or any(text.is_cjk(ch) for ch in alias)


def _listing_text(x: Listing) -> str:
    start = ("" if x.start_known else "<=") + x.start
    return x.code + (f":{start}" if start or x.end else "") + (f"..{x.end}" if x.end else "")


def _merge_listings(existing: list[Listing], rec: dict[str, Any], notes: list[str]
                    ) -> list[Listing]:
    """The entry's listings after one incoming membership."""
    new = Listing(rec["list"], rec["start"], rec["end"], rec["start_known"])
    same = [i for i, x in enumerate(existing) if x.code == new.code]
    if not same:
        notes.append(f"listed on {new.describe()}")
        return [*existing, new]
    i = same[-1]
    old = existing[i]
    if old.end and not new.end and (not new.start or new.start > old.end):
        notes.append(f"listed again on {new.describe()}")
        return [*existing, new]
    updated = old
    if new.start and new.start_known and (not old.start_known or not old.start
                                          or new.start < old.start):
        updated = replace(updated, start=new.start, start_known=True)
    if new.end and not old.end:
        updated = replace(updated, end=new.end)
    if updated != old:
        notes.append(f"{old.describe()} -> {updated.describe()}")
    return [*existing[:i], updated, *existing[i + 1:]]


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.normalise_text(name).casefold()).strip("-")[:60]
    base = base or "entry"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _new_labels(index: Index, labels: list[str], entry_id: str, have: set[str]) -> list[str]:
    """Labels not yet held by this entry and not naming another entry (kept out, or the list
    would no longer validate: a shared label must be declared ambiguous by an analyst)."""
    out = []
    for label in labels:
        key = _key(label)
        if key and key not in have and not (index.owners(label) - {entry_id}):
            out.append(label)
            have.add(key)
    return out


def propose(wl: Watchlist, records: list[dict[str, Any]], source: str, path: Path,
            as_of: str, complete: bool) -> dict[str, Any]:
    """A change set (plain dict, written as JSON) from one source file's records."""
    index = Index(wl)
    changes: dict[str, Change] = {}
    seen: set[str] = set()
    for rec in records:
        entry_id, how, others = index.find(rec)
        if not entry_id:
            entry_id, how = _pending_new(changes, rec)
        seen |= {entry_id, *others}
        change = changes.get(entry_id) or _start(wl, entry_id, rec, how, changes)
        _absorb(wl, index, change, rec, others)
    if complete:
        for code in listsources.COVERS.get(source, set()):
            _removals(wl, changes, seen, code, as_of)
    _suggest_parents(wl, [c for c in changes.values() if c["status"] == "new"])
    for change in changes.values():
        _finish(change)
    kept = [c for c in changes.values() if c["summary"]]
    return {"format": 1, "source": source, "source_name": listsources.READERS[source][1],
            "file": str(path), "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
            "as_of": as_of, "complete": complete, "base_version": wl.version,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "records": len(records), "changes": kept}


def _pending_new(changes: dict[str, Change], rec: dict[str, Any]) -> tuple[str, str]:
    """An entity listed twice in one file (or on two lists) becomes one new entry."""
    keys = {_key(x) for x in (rec["name"], rec["name_zh"], *rec["aliases"]) if x}
    for entry_id, change in changes.items():
        if change["status"] == "new" and keys & change["_keys"]:
            return entry_id, "the same file's earlier record"
    taken = set(changes)
    return _slug(rec["name"], taken | {c for c in changes}), ""


def _start(wl: Watchlist, entry_id: str, rec: dict[str, Any], how: str,
           changes: dict[str, Change]) -> Change:
    existing = wl.entries.get(entry_id)
    if existing:
        change = {"entry": entry_id, "status": "existing", "name": existing.name,
                  "matched_by": how, "_listings": list(existing.lists),
                  "_aliases": list(existing.aliases), "_name_zh": existing.name_zh,
                  "_sources": list(existing.sources),
                  "_have": {_key(x) for x in (existing.name, existing.name_zh,
                                              *existing.aliases, *existing.acronyms) if x}}
    else:
        while entry_id in wl.entries:
            entry_id = _slug(entry_id + "-new", set(wl.entries) | set(changes))
        change = {"entry": entry_id, "status": "new", "name": rec["name"], "matched_by": "",
                  "_listings": [], "_aliases": [], "_name_zh": "", "_sources": [],
                  "_have": {_key(rec["name"])}, "_keys": set(),
                  "row": {"id": entry_id, "name": rec["name"], "kind": "institution",
                          "category": rec["category"], "parent": rec["parent"],
                          "dimensions": rec["dimensions"], "places": "; ".join(rec["places"]),
                          "ror": rec["ror"]}}
    change.update({"where": [], "summary": [], "related": []})
    change["_before"] = _cells(change)
    changes[entry_id] = change
    return change


def _absorb(wl: Watchlist, index: Index, change: Change, rec: dict[str, Any],
            others: set[str]) -> None:
    change["where"].append(rec["where"])
    notes: list[str] = []
    change["_listings"] = _merge_listings(change["_listings"], rec, notes)
    change["summary"] += notes
    labels = [rec["name"], *rec["aliases"]] if change["status"] == "existing" else rec["aliases"]
    added = _new_labels(index, labels, change["entry"], change["_have"])
    change["_aliases"] += added
    change["summary"] += [f"alias {a!r} added" for a in added]
    if rec["name_zh"] and not change["_name_zh"] and not (index.owners(rec["name_zh"])
                                                          - {change["entry"]}):
        change["_name_zh"] = rec["name_zh"]
        change["summary"].append(f"Chinese name {rec['name_zh']} added")
    if rec["source_url"] and rec["source_url"] not in change["_sources"]:
        change["_sources"].append(rec["source_url"])
    if change["status"] == "new":
        change["_keys"] |= {_key(x) for x in (rec["name"], rec["name_zh"], *rec["aliases"]) if x}
        change["row"]["category"] = change["row"]["category"] or rec["category"]
        change["row"]["notes"] = "; ".join(filter(None, [
            f"proposed by exposure watchlist update from {change['where'][0]}", rec["notes"],
            *(f"its aliases also name {wl[o].name} ({o})" for o in sorted(others))]))
    change["related"] += sorted(others)


def _removals(wl: Watchlist, changes: dict[str, Change], seen: set[str], code: str,
              as_of: str) -> None:
    for e in wl:
        if e.id in seen or not any(x.code == code and x.current for x in e.lists):
            continue
        change = changes.get(e.id) or _start(wl, e.id, {"name": e.name}, "", changes)
        fake = {"list": code, "start": "", "start_known": True, "end": as_of}
        change["_listings"] = _merge_listings(change["_listings"], fake, change["summary"])
        change["summary"][-1] = f"no longer on {wl_mod.LIST_NAMES[code]} in this file: ended " \
            f"{as_of}"


def _suggest_parents(wl: Watchlist, new: list[Change]) -> None:
    """A new name the matcher reads as naming an entry (a campus, an institute, a company of a
    group) is proposed with that entry as its likely parent; the analyst sets `parent`."""
    if not new:
        return
    from analysis import match

    matcher = match.Matcher(wl, wl_mod.load_not_watchlisted())
    for change in new:
        links = [x for x in matcher.decide(change["name"], {}) if x.confidence >= match.FLAG_AT]
        if links:
            entry = wl[links[0].entry_id]
            change["suggested_parent"] = entry.id
            change["summary"].append(f"the matcher reads this name as {entry.name} "
                                     f"({entry.id}): set parent={entry.id} if it is a part")


def _cells(change: Change) -> dict[str, str]:
    return {"lists": ";".join(_listing_text(x) for x in change["_listings"]),
            "aliases": ";".join(change["_aliases"]), "name_zh": change["_name_zh"],
            "sources": ";".join(change["_sources"])}


def _finish(change: Change) -> None:
    """Private working fields -> the cells the user layer will hold: for an existing entry
    only the cells that change, so the layer never pins the rest of the shipped entry."""
    row = change.setdefault("row", {"id": change["entry"]})
    before = change.pop("_before", {})
    row.update({k: v for k, v in _cells(change).items() if v and v != before.get(k)})
    for private in ("_listings", "_sources", "_aliases", "_name_zh", "_have", "_keys"):
        change.pop(private, None)
    change["related"] = sorted(set(change["related"]))
    if change["status"] == "new":
        change["summary"].insert(0, "new entry proposed" + (
            "" if row.get("category") else ": category and parent for the analyst"))


def write(changeset: dict[str, Any], paths: config.Paths) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = layer_dir(paths) / "changes" / f"{stamp}-{changeset['source']}.json"
    n = 2
    while target.exists():
        target, n = target.with_name(f"{stamp}-{changeset['source']}-{n}.json"), n + 1
    files.write_text(target, json.dumps(changeset, ensure_ascii=False, indent=1) + "\n")
    return target


def load_changeset(path: Path) -> dict[str, Any]:
    raw = files.read_text(path, "change set (JSON written by `exposure watchlist update`)")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != 1 or "changes" not in data:
        raise InputError(f"{path}: not a change set written by `exposure watchlist update`")
    return data


def layer_rows(path: Path) -> list[dict[str, str]]:
    return wl_mod.read_rows(path) if path.exists() else []


def apply(rows: list[dict[str, str]], changeset: dict[str, Any],
          categories: dict[str, str] | None = None, skip: set[str] | frozenset[str] = frozenset()
          ) -> list[dict[str, str]]:
    """The user layer's rows with the change set applied (an entry's row gains the cells the
    change set fills; an analyst's --category fills a new entry's category)."""
    by_id = {r["id"]: dict(r) for r in rows}
    for change in changeset["changes"]:
        ident = change["entry"]
        if ident in skip:
            continue
        cells = {k: v for k, v in change["row"].items() if v}
        if categories and ident in categories:
            cells["category"] = categories[ident]
        by_id[ident] = {**by_id.get(ident, {"id": ident}), **cells}
    return list(by_id.values())


def layer_text(rows: list[dict[str, str]]) -> str:
    from analysis.watchlist_build import csv_text

    return csv_text(wl_mod.USER_COLUMNS, rows)


def preview(paths: config.Paths, changeset: dict[str, Any]) -> tuple[Watchlist, Watchlist]:
    """(current merged list, the list as it would be after accepting)."""
    before = current(paths)
    tmp = layer_dir(paths) / ".preview.csv"
    files.write_text(tmp, layer_text(apply(layer_rows(accepted_path(paths)), changeset)))
    try:
        after, _ = wl_mod.check([tmp])
    finally:
        tmp.unlink(missing_ok=True)
    return before, after


def accept(path: Path, paths: config.Paths, categories: dict[str, str] | None = None,
           skip: set[str] | frozenset[str] = frozenset()) -> tuple[Path, str, str, int]:
    """Apply a change set to the user layer in one atomic rename; (layer, old, new, changes).

    Refused, with nothing written, when the watchlist changed since the update (rerun it), a
    proposed entry has no category yet, or the result would not validate."""
    changeset = load_changeset(Path(path))
    before = current(paths)
    if changeset["base_version"] != before.version:
        raise InputError(f"{path}: made against watchlist version {changeset['base_version']}, "
                         f"but it is now {before.version}; run `exposure watchlist update` "
                         "again")
    categories = _expand(categories or {}, changeset)
    unknown = sorted((set(categories) | set(skip)) - {c["entry"] for c in changeset["changes"]})
    if unknown:
        raise InputError(f"{path}: no proposed change for {', '.join(unknown)}")
    missing = [c["entry"] for c in changeset["changes"] if c["status"] == "new"
               and c["entry"] not in skip and not c["row"].get("category")
               and c["entry"] not in categories]
    if missing:
        raise InputError(f"{path}: new entries need a category (the source does not say): "
                         + ", ".join(missing) + "; pass --category ID=CATEGORY (one of "
                         + ", ".join(sorted(wl_mod.CATEGORIES)) + ") or --skip ID")
    target = accepted_path(paths)
    text_ = layer_text(apply(layer_rows(target), changeset, categories, skip))
    candidate = layer_dir(paths) / ".candidate.csv"
    files.write_text(candidate, text_)
    try:
        after, problems = wl_mod.check([candidate])
    finally:
        candidate.unlink(missing_ok=True)
    if problems:
        raise InputError("the change set would not validate, nothing written: "
                         + "; ".join(str(p).replace(str(candidate), str(target))
                                     for p in problems[:5]))
    files.write_text(target, text_)
    with files.append_private(layer_dir(paths) / "accepted.log") as log:
        log.write(json.dumps({"changeset": str(path), "from": before.version,
                              "to": after.version, "at": datetime.now(UTC).isoformat(
                                  timespec="seconds")}) + "\n")
    applied = sum(1 for c in changeset["changes"] if c["entry"] not in skip)
    return target, before.version, after.version, applied


def _expand(categories: dict[str, str], changeset: dict[str, Any]) -> dict[str, str]:
    """`*=CATEGORY` gives every proposed new entry still without one that category (a full
    Entity List proposes hundreds of companies the list does not describe)."""
    out = {k: v for k, v in categories.items() if k != "*"}
    if "*" in categories:
        out |= {c["entry"]: categories["*"] for c in changeset["changes"]
                if c["status"] == "new" and not c["row"].get("category") and c["entry"] not in out}
    bad = sorted({v for v in out.values() if v not in wl_mod.CATEGORIES})
    if bad:
        raise InputError(f"--category: unknown category {', '.join(bad)}; choose from "
                         + ", ".join(sorted(wl_mod.CATEGORIES)))
    return out


def new_entries(changeset: dict[str, Any]) -> set[str]:
    return {c["entry"] for c in changeset["changes"] if c["status"] == "new"}


def summary_lines(changeset: dict[str, Any]) -> list[str]:
    """Per entry, what the change set does and which lines of the file say so."""
    out = []
    for c in changeset["changes"]:
        how = f" (matched by {c['matched_by']})" if c["matched_by"] else ""
        out.append(f"{c['status']:8} {c['entry']}: {c['name']}{how}")
        out += [f"           {s}" for s in c["summary"]]
        if c["related"]:
            out.append(f"           its aliases also name: {', '.join(c['related'])}")
        if c["where"]:
            out.append(f"           from {', '.join(c['where'][:3])}"
                       + (f" and {len(c['where']) - 3} more" if len(c["where"]) > 3 else ""))
    return out


def update(source: str, path: Path, data_dir: Path | None = None, as_of: str | None = None,
           complete: bool | None = None, say: Callable[[str], None] = print
           ) -> tuple[Path, list[str]]:
    """Read a publisher's file, write the change set, return it with the lines to print."""
    from analysis import watchlist_diff

    if as_of and not wl_mod.date_is_valid(as_of):
        raise InputError(f"--as-of {as_of!r}: expected a date as YYYY-MM-DD")
    paths = config.paths(data_dir)
    say(f"reading {path} ...")
    records = listsources.read(source, Path(path), as_of or "")
    say(f"matching {len(records)} listings to the watchlist ...")
    complete = source != "generic" if complete is None else complete
    if complete and not records:
        raise InputError(f"{path}: no Chinese entries of the lists {source!r} covers; a "
                         "complete file would end every such membership. If the file is an "
                         "extract, pass --partial")
    proposed = propose(current(paths), records, source, Path(path),
                       as_of or datetime.now(UTC).date().isoformat(), complete)
    target = write(proposed, paths)
    before, after = preview(paths, proposed)
    head = [f"{len(records)} listings of Chinese entities read from {path}; "
            f"{len(proposed['changes'])} entries change"
            + ("" if complete else " (an extract: nothing ended for being absent)")]
    ended = sum(1 for c in proposed["changes"] for x in c["summary"]
                if x.startswith("no longer on"))
    if ended > max(5, len(records)):
        head.append(f"warning: {ended} memberships would end because this file does not name "
                    "them; if it is not the whole list, rerun with --partial")
    return target, [*head, *summary_lines(proposed), "",
                    *watchlist_diff.lines(watchlist_diff.diff(before, after))]
