"""What the raw store holds, year by year, against what OpenAlex counted and what a run used.

After a fetch (or a new year, or an import) an analyst wants to know, before trusting a report,
that nothing went missing on the way: every year asked for is stored, the stored count matches
OpenAlex's own `meta.count` from the time of the fetch, and the run counted every stored work
with a home author. A work stored twice (fetched and imported) counts once.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import cache, config, normalise
from analysis.ids import parse_institution, short_id

COLUMNS = ["year", "stored", "sources", "openalex_count", "openalex_now", "in_run", "status",
           "reason"]


def _manifest(path: Path) -> dict[str, Any]:
    manifest = path.with_suffix("").with_suffix(".manifest.json")
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def stored_by_year(raw_files: list[Path]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Distinct work ids per publication year, and the sources (openalex, import, demo) that
    hold each year. Read as stored: the count is of records, not of what a run kept."""
    works: dict[int, set[str]] = defaultdict(set)
    sources: dict[int, set[str]] = defaultdict(set)
    for path, record in cache.iter_raw(raw_files):
        year = record.get("publication_year")
        if isinstance(year, int) and not isinstance(year, bool):
            works[year].add(short_id(record.get("id")) or json.dumps(record, sort_keys=True))
            sources[year].add(path.parent.parent.name)
    return works, sources


def openalex_counts(raw_files: list[Path]) -> dict[int, int]:
    """OpenAlex's own count per fetched year (meta.count when the year was fetched)."""
    counts: dict[int, int] = {}
    for path in raw_files:
        meta = _manifest(path)
        if meta.get("source") == "openalex" and isinstance(meta.get("meta_count"), int):
            counts[int(meta["year"])] = meta["meta_count"]
    return counts


def openalex_now(institution: str, years: tuple[int, int], settings: Any = None
                 ) -> dict[int, int]:
    """OpenAlex's count per year today, from the fetch's own query (one small request a year,
    through the fetch's client: pacing, retries, the budget check)."""
    from analysis import openalex

    settings = settings or openalex.settings_from_env()
    found = openalex.resolve_institution(institution, settings)
    institution_id, client = short_id(found.get("id")), openalex.Client(settings)
    return {year: int((client.call(lambda y=year: openalex.works_query(institution_id, y).get(
        per_page=1)).meta or {}).get("count", 0)) for year in range(years[0], years[1] + 1)}


def run_counts(interim: Path) -> dict[int, int] | None:
    """Works per year in a run's normalised tables; None when there is no run yet."""
    path = interim / "works.parquet"
    if not path.is_file():
        return None
    years = normalise.read_parquet(path, ["publication_year"])["publication_year"]
    return {int(y): n for y, n in Counter(years.dropna().astype(int)).items()}


def judge(stored: int, openalex: int | None, in_run: int | None, now: int | None = None
          ) -> tuple[str, str]:
    """One year's verdict and the reason for it."""
    if not stored:
        return "missing", "nothing stored for this year: fetch or import it"
    if now is not None and now != stored:
        more = "more" if now > stored else "fewer"
        return "check", (f"OpenAlex now counts {abs(now - stored)} {more} works than are "
                         "stored (added, corrected or merged since the fetch): refetch the year "
                         "with `exposure fetch --refresh`")
    if openalex is not None and openalex != stored:
        more = "more" if openalex > stored else "fewer"
        return "check", (f"OpenAlex counted {abs(openalex - stored)} {more} works than were "
                         "stored (records added or merged since the fetch: refetch with "
                         "--refresh)")
    if in_run is None:
        return "stored", ("stored; no run of these years yet (notebook 03 or `exposure run` "
                          "builds one; then check again)")
    if in_run > stored:
        return "check", f"the run holds {in_run - stored} works more than are stored"
    if in_run < stored:
        return "ok", (f"{stored - in_run} stored works have no home author on the record "
                      "(OpenAlex's lineage matched, the authorship did not) and are left out")
    source = "as OpenAlex counted" if openalex is not None else "as stored"
    return "ok", f"every stored work is in the run, {source}"


def check(institution: str, years: tuple[int, int], data_dir: Path | str | None = None,
          now: dict[int, int] | None = None) -> pd.DataFrame:
    """One row per year asked for: stored works, their sources, OpenAlex's count when the year
    was fetched and today (`now`, from `openalex_now`, when asked), works in the run of these
    years, and a verdict with its reason."""
    paths = config.paths(data_dir)
    _kind, key = parse_institution(institution)
    raw = cache.raw_files(paths, key)
    works, sources = stored_by_year(raw)
    counted = openalex_counts(raw)
    in_run = run_counts(paths.interim_run(f"{key}_{years[0]}-{years[1]}"))
    rows = []
    for year in range(years[0], years[1] + 1):
        stored, openalex = len(works.get(year, ())), counted.get(year)
        run = None if in_run is None else in_run.get(year, 0)
        today = None if now is None else now.get(year)
        status, reason = judge(stored, openalex, run, today)
        rows.append({"year": year, "stored": stored,
                     "sources": ", ".join(sorted(sources.get(year, ()))),
                     "openalex_count": openalex, "openalex_now": today, "in_run": run,
                     "status": status, "reason": reason})
    return pd.DataFrame(rows, columns=COLUMNS).astype({"openalex_count": "Int64",
                                                      "openalex_now": "Int64",
                                                      "in_run": "Int64"})
