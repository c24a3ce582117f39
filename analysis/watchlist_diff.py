"""What changed between two versions of the watchlist, in the terms an analyst reviews.

Entries added, removed and renamed; list memberships added, ended or re-dated; aliases added;
tiers changed. A version is named by a watchlist CSV file, `shipped`, `current` (shipped plus
the accepted user layer) or a change set (current with that change set applied).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis import changeset, config
from analysis import watchlist as wl_mod
from analysis.watchlist import Watchlist


def resolve(spec: str, paths: config.Paths) -> Watchlist:
    """A version by name: shipped, current, a change set (.json) or a watchlist CSV."""
    if spec == "shipped":
        return wl_mod.check()[0]
    if spec == "current":
        return changeset.current(paths)
    path = Path(spec)
    if path.suffix.lower() == ".json":
        return changeset.preview(paths, changeset.load_changeset(path))[1]
    return wl_mod.check(base=path)[0]


def _by_code(entry: wl_mod.Entry) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for x in entry.lists:
        out.setdefault(x.code, []).append(x.describe())
    return out


def diff(a: Watchlist, b: Watchlist) -> dict[str, Any]:
    added = sorted(set(b.entries) - set(a.entries))
    removed = sorted(set(a.entries) - set(b.entries))
    common = sorted(set(a.entries) & set(b.entries))
    out: dict[str, Any] = {
        "from": a.version, "to": b.version,
        "added": [{"id": i, "name": b[i].name, "tier": b.tier(i),
                   "lists": [x.describe() for x in b[i].lists]} for i in added],
        "removed": [{"id": i, "name": a[i].name} for i in removed],
        "renamed": [], "memberships": [], "aliases": [], "tiers": []}
    for i in common:
        old, new = a[i], b[i]
        if old.name != new.name:
            out["renamed"].append({"id": i, "from": old.name, "to": new.name})
        before, after = _by_code(old), _by_code(new)
        for code in sorted(set(before) | set(after)):
            if before.get(code) != after.get(code):
                out["memberships"].append({"id": i, "name": new.name, "list": code,
                                           "from": before.get(code, []),
                                           "to": after.get(code, [])})
        extra = [x for x in (*new.aliases, new.name_zh) if x and x not in
                 (*old.aliases, old.name_zh)]
        if extra:
            out["aliases"].append({"id": i, "name": new.name, "added": extra})
        t_old, t_new = a.tier(i), b.tier(i)
        if t_old != t_new:
            out["tiers"].append({"id": i, "name": new.name, "from": t_old, "to": t_new,
                                 "why": wl_mod.tier_of(b, i)[1]})
    return out


def lines(d: dict[str, Any]) -> list[str]:
    out = [f"watchlist {d['from']} -> {d['to']}"]
    out += [f"+ added    {x['id']}: {x['name']} (tier {x['tier']}; "
            f"{'; '.join(x['lists']) or 'no list'})" for x in d["added"]]
    out += [f"- removed  {x['id']}: {x['name']}" for x in d["removed"]]
    out += [f"~ renamed  {x['id']}: {x['from']!r} -> {x['to']!r}" for x in d["renamed"]]
    for x in d["memberships"]:
        was = "; ".join(x["from"]) or "not listed"
        now = "; ".join(x["to"]) or "not listed"
        out.append(f"~ listing  {x['id']}: {was} -> {now}")
    out += [f"~ aliases  {x['id']}: + {'; '.join(x['added'])}" for x in d["aliases"]]
    out += [f"~ tier     {x['id']}: {x['from']} -> {x['to']} ({x['why']})" for x in d["tiers"]]
    counts = {k: len(d[k]) for k in ("added", "removed", "renamed", "memberships", "aliases",
                                     "tiers")}
    out.append(", ".join(f"{v} {k}" for k, v in counts.items()))
    return out
