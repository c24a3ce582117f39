"""One watchlisted partner's dossier for a review board, from a finished run.

Everything comes from the run folder (its tables and the snapshot of the watchlist it used), so
the case file says what the run said; the decision history comes from the review log. With
`pseudonymise`, researchers' names are replaced by the same stable pseudonyms the pipeline uses.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import changes, config, files, normalise, plots, review, watchlist
from analysis.errors import InputError
from analysis.text import text
from analysis.watchlist import Listing


def family(entries: dict[str, dict[str, Any]], root: str) -> list[str]:
    """The entry and all its parts, the entry first."""
    out, todo = [root], [root]
    while todo:
        parent = todo.pop()
        for ident, entry in sorted(entries.items()):
            if entry.get("parent") == parent and ident not in out:
                out.append(ident)
                todo.append(ident)
    return out


def resolve(query: str, entries: dict[str, dict[str, Any]], watchlists: list[Path]) -> str:
    """An entry id from an id, name, alias or ROR (looked up in the watchlist)."""
    if query in entries:
        return query
    found = [e.id for e in watchlist.load(watchlists).find(query) if e.id in entries]
    if not found:
        found = [i for i, e in entries.items() if query.casefold() in e["name"].casefold()]
    if not found:
        raise InputError(f"no watchlist entry of this run matches {query!r}; try `exposure "
                         "watchlist show`")
    if len(found) > 1 and query.casefold() not in {entries[f]["name"].casefold()
                                                   for f in found}:
        raise InputError(f"{query!r} matches {len(found)} entries ("
                         + ", ".join(found[:6]) + "); give the entry id")
    return found[0]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() \
        else pd.DataFrame()


def _renamer(run_dir: Path, manifest: dict[str, Any], data_dir: Path | None
             ) -> Callable[[str], str]:
    """Name -> the pipeline's pseudonym for that author (from the run's stored authorships)."""
    from analysis.pipeline import pseudonym, pseudonym_key

    if manifest["parameters"].get("pseudonymised"):
        return lambda name: name
    paths = config.paths(data_dir)
    table = paths.interim_run(manifest["run_id"]) / "authorships.parquet"
    if not table.is_file():
        raise InputError(f"--pseudonymise needs the run's stored tables ({table}); give the "
                         "--data-dir the run used")
    authors = normalise.read_parquet(table, ["author_id", "author_name"]).drop_duplicates()
    secret = pseudonym_key(paths)
    names = {text(n): pseudonym(a, secret) for a, n in
             zip(authors["author_id"], authors["author_name"], strict=True)}
    return lambda name: names.get(name, "Researcher (not in the run's tables)")


def _people(column: pd.Series, rename: Callable[[str], str]) -> list[str]:
    return [n for v in column for n in (rename(x.strip()) for x in v.split(";")) if n]


def context(query: str, run_dir: Path, *, pseudonymise: bool = False,
            data_dir: Path | None = None, watchlists: list[Path] | None = None
            ) -> dict[str, Any]:
    """Everything the case file shows."""
    run_dir = changes.checked_run(run_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    entries = changes.read_watchlist(run_dir)
    entry_id = resolve(query, entries, watchlists or [])
    parts = family(entries, entry_id)
    rename = _renamer(run_dir, manifest, data_dir) if pseudonymise else (lambda n: n)
    flagged = _read(run_dir / "tables" / "flagged_works.csv")
    mine = flagged[flagged["watchlist_id"].isin(parts)].copy() if len(flagged) else flagged
    for column in ("home_authors", "partner_author"):
        if column in mine:
            mine[column] = ["; ".join(_people(pd.Series([v]), rename)) for v in mine[column]]
    dismissed = _read(run_dir / "tables" / "dismissed_flags.csv")
    dismissed = dismissed[dismissed["watchlist_id"].isin(parts)] if len(dismissed) else dismissed
    works = mine.drop_duplicates("work_id") if len(mine) else mine
    listings = [Listing.parse(x) for x in entries[entry_id].get("lists", [])]
    years = tuple(manifest["years"])
    per_year = mine.drop_duplicates("work_id")["publication_year"].astype(int).value_counts() \
        if len(mine) else pd.Series(dtype=int)
    figure = plots.partner_timeline(per_year, [(x.code, x.start, x.start_known)
                                               for x in listings], years)
    return {
        "manifest": manifest, "demo": "demo" in manifest.get("source", ""), "counting": "",
        "entry": {"id": entry_id, **entries[entry_id]},
        "listings": [x.describe() for x in listings],
        "parts": [{"id": p, **entries[p], "flags": int((mine["watchlist_id"] == p).sum())
                   if len(mine) else 0,
                   "listings": [Listing.parse(x).describe() for x in entries[p].get("lists", [])]}
                  for p in parts[1:]],
        "flagged": mine.to_dict("records"), "by_work": by_work(mine),
        "works": mine["work_id"].nunique() if len(mine) else 0,
        "dismissed": dismissed.to_dict("records"),
        "grants": _grants(run_dir, parts),
        "departments": Counter(d for v in works.get("departments", []) for d in
                               (x.strip() for x in v.split(";")) if d).most_common(),
        "researchers": Counter(_people(works["home_authors"], lambda n: n)).most_common()
        if len(works) else [],
        "timeline": {"svg": plots.svg(figure, f"timeline-{entry_id}"),
                     "alt": "Flagged works per year with this partner against its listing "
                            "dates"},
        "decisions": [r for r in review.Log(review.log_path(data_dir)).rows()
                      if r.get("entry_id") in parts],
        "pseudonymised": pseudonymise or manifest["parameters"].get("pseudonymised", False),
    }


def by_work(flags: pd.DataFrame) -> list[dict[str, Any]]:
    """One block per work (newest first), its flags inside: a board reads works, not rows."""
    out = []
    for _work, group in flags.groupby("work_id", sort=False):
        rows = group.to_dict("records")
        out.append({**rows[0], "flags": rows})
    return sorted(out, key=lambda w: (-int(w["publication_year"] or 0), w["work_id"]))


def _grants(run_dir: Path, parts: list[str]) -> dict[str, Any]:
    """Flagged grants with this partner, where the run has a grants table (it may not)."""
    for name in ("flagged_grants.csv", "grants_flags.csv"):
        table = _read(run_dir / "tables" / name)
        if len(table) and "watchlist_id" in table:
            rows = table[table["watchlist_id"].isin(parts)]
            return {"table": name, "columns": list(rows.columns),
                    "rows": rows.to_dict("records")}
    return {"table": None, "columns": [], "rows": []}


def write(query: str, run_dir: Path, *, pdf: bool = False, pseudonymise: bool = False,
          data_dir: Path | None = None, watchlists: list[Path] | None = None) -> list[Path]:
    """cases/<entry>.html (and .pdf) in the run folder, owner-only."""
    from markupsafe import Markup

    from analysis.report import _environment

    ctx = context(query, run_dir, pseudonymise=pseudonymise, data_dir=data_dir,
                  watchlists=watchlists)
    ctx["timeline"]["svg"] = Markup(ctx["timeline"]["svg"])
    name = files.safe_name(ctx["entry"]["id"], "entry id")
    suffix = "-pseudonymised" if pseudonymise else ""
    html = Path(run_dir) / "cases" / f"{name}{suffix}.html"
    files.make_dir(html.parent)
    files.write_text(html, _environment().get_template("case.html").render(**ctx))
    written = [html]
    if pdf:
        from analysis import pdf as pdf_mod

        out = html.with_suffix(".pdf")
        pdf_mod.render_file(html, out)
        written.append(out)
    return written
