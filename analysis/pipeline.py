"""`run()`: raw records -> tables -> matches -> departments -> exposure -> reports.

Each stage writes its output under the data folder (interim, processed) so any stage can be
rerun or inspected alone; the CLI and the notebooks call these same functions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import (
    __version__,
    cache,
    config,
    departments,
    exposure,
    match,
    network,
    normalise,
    report,
)
from analysis import watchlist as watchlist_mod
from analysis.normalise import InputError, Warnings


@dataclass
class Result:
    out: Path
    run_id: str
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    departments: pd.DataFrame | None = None
    matches: pd.DataFrame | None = None
    attributions: pd.DataFrame | None = None
    tables: normalise.Tables | None = None


def _say(quiet: bool) -> Callable[[str], None]:
    return (lambda _msg: None) if quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))


@contextmanager
def _stage(name: str, timings: dict[str, float], say: Callable[[str], None]) -> Iterator[None]:
    say(f"[{name}] ...")
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)
    say(f"[{name}] done in {timings[name]:.2f}s")


def code_version() -> str:
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                             text=True, cwd=config.PROJECT_ROOT, timeout=5, check=False)
        if rev.returncode == 0 and rev.stdout.strip():
            return f"{__version__}+{rev.stdout.strip()}"
    except (OSError, subprocess.SubprocessError):
        pass
    return __version__


def parse_years(text: str) -> tuple[int, int]:
    """`2019-2024` or `2022`; a clear error otherwise."""
    parts = text.strip().split("-")
    try:
        years = [int(p) for p in parts]
    except ValueError:
        raise InputError(f"--years {text!r}: expected YEAR or FIRST-LAST, e.g. 2019-2024") from None
    if len(years) == 1:
        years *= 2
    if len(years) != 2 or years[0] > years[1] or not 1900 < years[0] < 2100:
        raise InputError(f"--years {text!r}: expected YEAR or FIRST-LAST, e.g. 2019-2024")
    return years[0], years[1]


def _load_records(files: list[Path], years: tuple[int, int], warnings: Warnings
                  ) -> list[dict[str, Any]]:
    records = []
    for _path, record in cache.iter_raw(files):
        year = record.get("publication_year")
        if not isinstance(year, int):
            warnings.add("work without publication_year (left out)", str(record.get("id")))
        elif years[0] <= year <= years[1]:
            records.append(record)
    return records


def pseudonym_key(paths: config.Paths) -> bytes:
    """A secret kept beside the data (git-ignored), so pseudonyms are stable across reruns
    but cannot be reversed by looking up public author ids."""
    import secrets

    path = paths.data / "cache" / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        cache._atomic_write_bytes(path, secrets.token_hex(32).encode())
    return path.read_bytes()


def pseudonym(author_id: str, secret: bytes) -> str:
    import hashlib
    import hmac

    return "Researcher " + hmac.new(secret, author_id.encode(), hashlib.sha256).hexdigest()[:8]


def _queries(files: list[Path]) -> list[str]:
    """The OpenAlex query behind each fetched file (from its manifest; never with the key)."""
    out = []
    for path in files:
        manifest = path.with_suffix("").with_suffix(".manifest.json")
        if manifest.exists():
            url = json.loads(manifest.read_text()).get("query_url")
            if url and url not in out:
                out.append(url)
    return out


def nx_nodes_of(graph: Any, works: set[str], tables: normalise.Tables,
                matches: pd.DataFrame) -> list[str]:
    """The nodes of the institution graph that a set of works brings in."""
    authors = set(tables.authorships.loc[tables.authorships["work_id"].isin(works), "author_id"])
    roots = set(matches.loc[matches["flagged"] & matches["work_id"].isin(works), "root_id"])
    return [n for n in graph if n in authors or (n.startswith("entry:") and n[6:] in roots)]


def _institution_name(records: list[dict[str, Any]], home: normalise.Home) -> str:
    for record in records:
        for a in record.get("authorships") or []:
            for inst in a.get("institutions") or []:
                if normalise.short_id(inst.get("id")) in home.openalex_ids or \
                        normalise.bare_ror(inst.get("ror")) in home.rors:
                    return inst.get("display_name") or "unknown"
    return "unknown"


def _departments(departments_file: Path | None, roster_file: Path | None
                 ) -> tuple[list[departments.Department], pd.DataFrame | None]:
    depts = departments.load_departments(departments_file) if departments_file else []
    if roster_file and not depts:
        depts = departments.departments_from_roster(roster_file)
    roster = departments.load_roster(roster_file, depts) if roster_file else None
    return depts, roster


def run(institution: str, years: tuple[int, int], *, roster: Path | None = None,
        departments_file: Path | None = None, watchlists: list[Path] | None = None,
        out: Path | None = None, data_dir: Path | None = None, quiet: bool = False,
        demo: bool = False, tiers: set[int] | None = None,
        categories: set[str] | None = None, pseudonymise: bool = False) -> Result:
    say = _say(quiet)
    paths = config.paths(data_dir)
    kind, key = normalise.parse_institution(institution)
    run_id = f"{key}_{years[0]}-{years[1]}"
    out = Path(out) if out else config.reports_dir() / run_id
    timings: dict[str, float] = {}
    warnings = Warnings()

    with _stage("load", timings, say):
        files = cache.raw_files(paths, key)
        missing = [y for y in range(years[0], years[1] + 1)
                   if not (paths.raw_institution("openalex", key) / f"{y}.jsonl.gz").exists()]
        if missing and not [f for f in files if "/openalex/" not in str(f)] \
                and config.openalex_credentials()[0]:
            fetch(institution, (missing[0], missing[-1]), data_dir=data_dir, quiet=quiet)
            files = cache.raw_files(paths, key)
        if not files:
            raise InputError(f"no records stored for {institution} under {paths.raw}; set "
                             f"{config.API_KEY_ENV} to fetch them from OpenAlex, or run "
                             f"`exposure import FILE --institution {institution}`")
        records = _load_records(files, years, warnings)
        if not records:
            raise InputError(f"no works from {years[0]}-{years[1]} stored for {institution}")
        home = normalise.resolve_home(institution, records)
        wl = watchlist_mod.load(watchlists or [], openalex_cache=paths.openalex_cache)
        innocents = watchlist_mod.load_not_watchlisted()
        funders = watchlist_mod.load_defence_funders()
        depts, roster_frame = _departments(departments_file, roster)
    with _stage("normalise", timings, say):
        tables = normalise.normalise(records, home, source="demo" if demo else "openalex",
                                     warnings=warnings)
        if not tables.authorships["is_home"].any():
            raise InputError(f"no authorship in the stored records is affiliated with "
                             f"{institution}; check the id (ROR or OpenAlex)")
        if pseudonymise:
            secret = pseudonym_key(paths)
            tables.authorships["author_name"] = [pseudonym(a, secret) for a in
                                                 tables.authorships["author_id"]]
        normalise.write_tables(tables, paths.interim_run(run_id))
    with _stage("match", timings, say):
        matcher = match.Matcher(wl, innocents)
        matches = match.match_affiliations(tables.affiliations, wl, innocents, matcher)
        funding_flags = match.match_funding(tables.funding, funders, matcher)
    with _stage("attribute", timings, say):
        attributions = departments.attribute(tables.authorships, tables.affiliations, depts,
                                             roster_frame, tables.works, warnings)
        processed = paths.processed_run(run_id)
        for name, frame in [("matches", matches), ("attributions", attributions),
                            ("funding_flags", funding_flags)]:
            normalise.write_parquet(frame, processed / f"{name}.parquet")
    with _stage("exposure", timings, say):
        sensitive = exposure.sensitive_works(tables.works, pd.read_csv(config.NSI_AREAS))
        dept_table = exposure.by_department(tables.works, matches, attributions, funding_flags,
                                            depts, years, sensitive, tiers=tiers,
                                            categories=categories)
        names = {d.id: d.name for d in depts} | {departments.UNATTRIBUTED: "Unattributed"}
        flagged = exposure.flagged_works(tables.works, tables.authorships, matches,
                                         attributions, funding_flags, names, sensitive)
        dept_ids = [*(d.id for d in depts), departments.UNATTRIBUTED]
        years_by_dept = {d: exposure.by_year(tables.works, matches, attributions, d)
                         for d in dept_ids}
        for faculty in sorted({d.faculty for d in depts if d.faculty}):
            members = {d.id for d in depts if d.faculty == faculty}
            years_by_dept[f"faculty:{faculty}"] = exposure.by_year(
                tables.works, matches, attributions[attributions["department"].isin(members)])
        dept_works = {d: set(attributions.loc[attributions["department"] == d, "work_id"])
                      for d in dept_ids}
    with _stage("network", timings, say):
        graph = network.coauthor_graph(tables.authorships, matches, attributions)
        groups = network.communities(graph)
        for number, members in enumerate(groups, start=1):
            for node in members:
                graph.nodes[node]["community"] = number
        graphs = {"institution": graph,
                  "partners": network.partner_graph(matches, attributions)}
        for d in dept_ids:
            graphs[d] = graph.subgraph(set(nx_nodes_of(graph, dept_works[d], tables, matches)))
        bridging = {d: network.bridging_researchers(
            graph, tables.authorships[tables.authorships["work_id"].isin(dept_works[d])],
            matches) for d in dept_ids}
        bridging["all"] = network.bridging_researchers(graph, tables.authorships, matches, 25)
    counts = {
        "works": len(tables.works), "authorships": len(tables.authorships),
        "home_authorships": int(tables.authorships["is_home"].sum()),
        "affiliations": len(tables.affiliations), "matches": len(matches),
        "flagged_matches": int(matches["flagged"].sum()),
        "flagged_works": int(matches.loc[matches["flagged"], "work_id"].nunique()),
        "defence_funding_works": int(funding_flags["work_id"].nunique()),
        "network_nodes": graph.number_of_nodes(), "network_communities": len(groups),
    }
    with _stage("report", timings, say):
        manifest = {
            "run_id": run_id,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "institution": {"id": institution, "key": key, "kind": kind,
                            "name": _institution_name(records, home),
                            "openalex_ids": sorted(home.openalex_ids),
                            "rors": sorted(home.rors)},
            "years": list(years),
            "data_as_of": max((str(r.get("updated_date") or "")[:10] for r in records),
                              default="unknown"),
            "source": "the embedded demo, fictional" if demo else "stored OpenAlex records",
            "queries": _queries(files),
            "inputs": {str(f): cache.sha256(f) for f in files}
            | ({str(roster): cache.sha256(roster)} if roster else {})
            | ({str(departments_file): cache.sha256(departments_file)}
               if departments_file else {}),
            "watchlist": {"version": wl.version, "files": wl.files, "entries": len(wl),
                          "suppressed": wl.suppressed, "tier_rule": watchlist_mod.TIER_RULE},
            "code_version": code_version(),
            "parameters": {"flag_threshold": match.FLAG_AT, "roster": str(roster or ""),
                           "tiers": sorted(tiers) if tiers else "all",
                           "categories": sorted(categories) if categories else "all",
                           "pseudonymised": pseudonymise,
                           "departments": str(departments_file or "")},
            "counts": counts,
            "warnings": warnings.as_dict(),
            "warnings_total": sum(warnings.counts.values()),
            "timings_seconds": timings,
        }
        report.write_run(out, departments=dept_table, flagged=flagged, matches=matches,
                         years_by_dept=years_by_dept, dept_works=dept_works,
                         manifest=manifest, demo=demo, graphs=graphs, bridging=bridging)
    say(f"wrote {out}")
    return Result(out, run_id, timings, counts, dept_table, matches, attributions, tables)


def run_demo(out: Path | None = None, data_dir: Path | None = None, quiet: bool = False,
             pseudonymise: bool = False) -> Result:
    """Generate the fictional university's records (deterministic), store them, run it all."""
    from analysis import demo  # the generator is only needed here

    say = _say(quiet)
    paths = config.paths(data_dir)
    start = time.perf_counter()
    say("[generate] building the demo university ...")
    built = demo.build()
    target = paths.raw_institution("demo", demo.HOME_KEY) / "works.jsonl.gz"
    cache.store_records(built.records, target, {
        "source": "demo", "institution": demo.HOME_KEY, "seed": demo.SEED,
        "generated_by": "analysis.demo", "fictional": True}, replace=True)
    generate = round(time.perf_counter() - start, 3)
    say(f"[generate] done in {generate:.2f}s")
    result = run(demo.HOME_KEY, (min(demo.YEARS), max(demo.YEARS)),
                 roster=config.DEMO_DIR / "roster.csv",
                 departments_file=config.DEMO_DIR / "departments.yaml",
                 out=out or config.reports_dir() / "demo", data_dir=data_dir, quiet=quiet,
                 demo=True, pseudonymise=pseudonymise)
    result.timings = {"generate": generate, **result.timings}
    return result


class _FetchProgress:
    """A bar with counts and time left on a terminal; a line every 10 pages otherwise."""

    def __init__(self, year: int, quiet: bool) -> None:
        self.year, self.quiet, self.start = year, quiet, time.monotonic()
        self.tty = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, _year: int, pages: int, count: int | None) -> None:
        if self.quiet:
            return
        total = count or 0
        got = min(pages * 200, total)
        elapsed = time.monotonic() - self.start
        left = elapsed / got * (total - got) if got else 0.0
        text = f"[fetch {self.year}] {got:,} of {total:,} works, page {pages}, " \
               f"about {left:.0f} s left"
        if self.tty:
            filled = int(30 * got / total) if total else 30
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {text}", end="", file=sys.stderr,
                  flush=True)
            self.drawn = True
        elif pages == 1 or pages % 10 == 0:
            print(text, file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.drawn:
            print(file=sys.stderr)


def fetch(institution: str, years: tuple[int, int], *, data_dir: Path | None = None,
          refresh: bool = False, quiet: bool = False, per_second: float = 10.0,
          settings: Any = None) -> list[Any]:
    """Fetch an institution's works from OpenAlex, one cached file per year.

    Years already in the cache cost nothing (so a new year fetches only itself); `refresh`
    refetches. The institution and its child institutions are shown before fetching.
    """
    from dataclasses import replace

    from analysis import openalex

    say = _say(quiet)
    settings = settings or replace(openalex.settings_from_env(), per_second=per_second)
    found = openalex.resolve_institution(institution, settings)  # a name stops here
    _kind, key = normalise.parse_institution(institution)
    client = openalex.Client(settings)
    openalex_id = normalise.short_id(found.get("id")) or key
    children = [a.get("display_name") for a in found.get("associated_institutions") or []
                if a.get("relationship") == "child"]
    say(f"institution: {found.get('display_name')} ({openalex_id}, ROR "
        f"{normalise.bare_ror(found.get('ror')) or 'none'}); its works include those of "
        f"{len(children)} child institution(s)"
        + (f": {', '.join(children[:8])}{' ...' if len(children) > 8 else ''}" if children
           else ""))
    folder = config.paths(data_dir).raw_institution("openalex", key)
    results = []
    for year in range(years[0], years[1] + 1):
        progress = _FetchProgress(year, quiet)
        result = openalex.fetch_year(client, openalex_id, year, folder, refresh, progress)
        progress.done()
        note = "cached" if result.cached else f"fetched ({result.refetched} refetched whole)"
        mismatch = "" if result.expected in (None, result.count) else \
            f"; OpenAlex counted {result.expected}, check the manifest"
        say(f"[fetch {year}] {result.count} works {note}{mismatch}")
        results.append(result)
    say(f"{client.requests} requests ({client.retries} retried); cache: {folder}")
    return results


def suggest_departments(institution: str, years: tuple[int, int] | None = None, *,
                        data_dir: Path | None = None) -> tuple[str, list[dict[str, Any]]]:
    """A draft departments file from the stored records' home affiliation strings."""
    paths = config.paths(data_dir)
    _kind, key = normalise.parse_institution(institution)
    files = cache.raw_files(paths, key)
    if not files:
        raise InputError(f"no records stored for {institution} under {paths.raw}; fetch or "
                         "import them first")
    warnings = Warnings()
    records = _load_records(files, years or (1900, 2100), warnings)
    home = normalise.resolve_home(institution, records)
    tables = normalise.normalise(records, home, warnings=warnings)
    name = _institution_name(records, home)
    groups = departments.suggest(tables.authorships, tables.affiliations, [name])
    return departments.suggestions_yaml(groups, name), groups
