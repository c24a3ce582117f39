"""Watchlist entries in words and counts: `watchlist show`, `watchlist export`, notes.

Kept apart from watchlist.py, which owns the data (loading, merging, validation, hierarchy and
tiers), so a change of wording never touches what is screened.
"""

from __future__ import annotations

from analysis.watchlist import Entry, Watchlist, tier_of


def to_records(watchlist: Watchlist) -> list[dict[str, object]]:
    """Merged entries with their computed tier, for export."""
    out = []
    for e in sorted(watchlist, key=lambda e: e.id):
        tier, why = tier_of(watchlist, e.id)
        out.append({
            "id": e.id, "name": e.name, "name_zh": e.name_zh, "aliases": list(e.aliases),
            "acronyms": list(e.acronyms), "ambiguous": list(e.ambiguous), "ror": list(e.rors),
            "openalex_ids": list(e.openalex_ids), "parent": e.parent, "kind": e.kind,
            "category": e.category, "dimensions": list(e.dimensions), "aspi_risk": e.aspi_risk,
            "lists": [str(x) for x in e.lists], "listed_since": watchlist.listed_since(e.id),
            "tier": tier, "tier_reason": why, "match_context": e.match_context,
            "sources": list(e.sources), "notes": e.notes, "last_reviewed": e.last_reviewed,
        })
    return out


def describe(watchlist: Watchlist, entry: Entry) -> str:
    """A readable account of one entry: what it is, why it is listed, how serious, its family."""
    tier, why = tier_of(watchlist, entry.id)
    lines = [f"{entry.name}" + (f" ({entry.name_zh})" if entry.name_zh else "") + f"  [{entry.id}]",
             f"  tier {tier}: {why}",
             f"  category {entry.category}; links: {', '.join(entry.dimensions)}; "
             f"kind {entry.kind}",
             f"  ROR: {', '.join(entry.rors) or 'none found'}"
             + (f"; OpenAlex: {', '.join(entry.openalex_ids)}" if entry.openalex_ids else "")]
    if entry.aliases or entry.acronyms:
        lines.append(f"  also: {'; '.join((*entry.aliases, *entry.acronyms))}")
    if entry.ambiguous:
        lines.append(f"  not matched alone (ambiguous): {'; '.join(entry.ambiguous)}")
    lines.append("  lists: " + ("; ".join(watchlist.describe_lists(entry.id)) or "none"))
    if entry.aspi_risk:
        lines.append(f"  ASPI risk: {entry.aspi_risk}")
    if entry.parent:
        parent = watchlist.entries.get(entry.parent)
        lines.append(f"  part of: {parent.name if parent else entry.parent} [{entry.parent}]")
    children = watchlist.children(entry.id)
    if children:
        lines.append(f"  {len(children)} part(s): " + "; ".join(c.name for c in children[:12])
                     + (" ..." if len(children) > 12 else ""))
    if entry.notes:
        lines.append(f"  notes: {entry.notes}")
    lines += [f"  source: {url}" for url in entry.sources]
    return "\n".join(lines)


def summary(watchlist: Watchlist) -> dict[str, dict[str, int]]:
    """Counts per list, tier, category and dimension (for `watchlist show` and notes)."""
    out: dict[str, dict[str, int]] = {"lists": {}, "tiers": {}, "categories": {},
                                      "dimensions": {}, "kinds": {}}
    for e in watchlist:
        for code in {x.code for x in e.lists}:
            out["lists"][code] = out["lists"].get(code, 0) + 1
        tier = str(tier_of(watchlist, e.id)[0])
        out["tiers"][tier] = out["tiers"].get(tier, 0) + 1
        out["categories"][e.category] = out["categories"].get(e.category, 0) + 1
        out["kinds"][e.kind] = out["kinds"].get(e.kind, 0) + 1
        for d in e.dimensions:
            out["dimensions"][d] = out["dimensions"].get(d, 0) + 1
    total = len(watchlist)
    out["coverage"] = {"entries": total,
                       "with_ror": sum(1 for e in watchlist if e.rors),
                       "with_source": sum(1 for e in watchlist if e.sources)}
    return {k: dict(sorted(v.items())) for k, v in out.items()}
