"""`run()`: raw records -> tables -> matches -> departments -> exposure -> reports.

Stages meet only through files, the cookiecutter-data-science way: `normalise` writes the
interim tables (data/interim/<run>), `match` and `attribute` read them and write processed
tables (data/processed/<run>), and exposure, networks and reports read those. Each of the
three stored stages writes a `<stage>.stage.json` beside its tables, last, holding the
fingerprint of its inputs (raw checksums, years, watchlist version, departments and roster
checksums, code, parameters); a run whose fingerprint is unchanged reuses the stage and says so.
Editing the departments file reruns attribution onward, editing the watchlist reruns matching
onward, and `rebuild=True` reruns everything. The CLI and the notebooks call these functions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import (
    __version__,
    cache,
    changes,
    changeset,
    config,
    demo_records,
    departments,
    exposure,
    files,
    flagchanges,
    lazy,
    match,
    normalise,
    review,
    slices,
    stored_match,
    workers,
)
from analysis import watchlist as watchlist_mod
from analysis.errors import InputError
from analysis.exposure import INSTITUTION
from analysis.ids import bare_ror, parse_institution, short_id
from analysis.normalise import Warnings

#: Imported on first use: the demo imports them while a forked copy generates its records.
grants, network, report = (lazy.module(f"analysis.{name}") for name in ("grants", "network",
                                                                        "report"))

STORED_STAGES = ("normalise", "match", "attribute")
#: A co-authorship graph of more edges than this has its communities found by a forked copy
#: (Louvain takes about 15 microseconds an edge; a fork's start costs a few tenths of a second).
BESIDE_EDGES = 50_000
#: A run of at least this many works has its attribute stage built by a forked copy while the
#: match stage runs (0.4 s at 10,000 works, 2.7 s at 100,000; the stages are independent).
BESIDE_WORKS = 20_000


@dataclass
class Result:
    out: Path
    run_id: str
    interim: Path
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)  # stage -> "built" | "reused"
    departments: pd.DataFrame | None = None
    matches: pd.DataFrame | None = None
    attributions: pd.DataFrame | None = None

    @cached_property
    def tables(self) -> normalise.Tables:
        return normalise.read_tables(self.interim)


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


def code_fingerprint() -> str:
    """A hash of the package's source: any code change, committed or not, rebuilds stages."""
    digest = hashlib.sha256()
    for path in sorted(config.PACKAGE_DIR.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def parse_years(text: str) -> tuple[int, int]:
    """`2019-2024` or `2022`; a clear error otherwise."""
    parts = text.strip().split("-")
    try:
        years = [int(p) for p in parts]
    except ValueError:
        raise InputError(f"--years {text!r}: expected YEAR or FIRST-LAST, e.g. 2019-2024") from None
    if len(years) == 1:
        years *= 2
    if len(years) != 2 or years[0] > years[1] or not 1900 < years[0] < 2100 \
            or not 1900 < years[1] < 2100:
        raise InputError(f"--years {text!r}: expected YEAR or FIRST-LAST between 1901 and 2099, "
                         "e.g. 2019-2024")
    return years[0], years[1]


def _records(files_: list[Path], years: tuple[int, int], warnings: Warnings
             ) -> Iterator[dict[str, Any]]:
    """The stored records of the years asked for, one at a time."""
    for _path, record in cache.iter_raw(files_):
        year = record.get("publication_year")
        if not isinstance(year, int) or isinstance(year, bool):
            warnings.add("work without publication_year (left out)", str(record.get("id")))
        elif years[0] <= year <= years[1]:
            yield record


def pseudonym_key(paths: config.Paths) -> bytes:
    """A secret kept beside the data (git-ignored), so pseudonyms are stable across reruns
    but cannot be reversed by looking up public author ids."""
    import secrets

    path = paths.data / "cache" / "pseudonym.key"
    if not path.exists():
        files.write_bytes(path, secrets.token_hex(32).encode())
    return path.read_bytes()


def pseudonym(author_id: str, secret: bytes) -> str:
    import hmac

    return "Researcher " + hmac.new(secret, author_id.encode(), hashlib.sha256).hexdigest()[:8]


def _queries(raw_files: list[Path]) -> list[str]:
    """The OpenAlex query behind each fetched file (from its manifest; never with the key)."""
    out = []
    for path in raw_files:
        manifest = path.with_suffix("").with_suffix(".manifest.json")
        if manifest.exists():
            url = json.loads(manifest.read_text()).get("query_url")
            if url and url not in out:
                out.append(url)
    return out


def _departments(departments_file: Path | None, roster_file: Path | None
                 ) -> tuple[list[departments.Department], pd.DataFrame | None]:
    depts = departments.load_departments(departments_file) if departments_file else []
    if roster_file and not depts:
        depts = departments.departments_from_roster(roster_file)
    roster = departments.load_roster(roster_file, depts) if roster_file else None
    return depts, roster


# ---- stored stages -----------------------------------------------------------------------------
def _fingerprint(**parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _checksum(path: Path | None) -> str:
    return cache.sha256(path) if path else ""


def _stage_file(folder: Path, stage: str) -> Path:
    return folder / f"{stage}.stage.json"


def _reusable(folder: Path, stage: str, key: str, outputs: list[str]) -> dict[str, Any] | None:
    """The stage's record if it was built from exactly these inputs and its tables are there."""
    try:
        meta = json.loads(_stage_file(folder, stage).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("key") != key or not all((folder / f"{o}.parquet").is_file() for o in outputs):
        return None
    return meta


def _store(folder: Path, stage: str, key: str, tables: dict[str, pd.DataFrame],
           meta: dict[str, Any]) -> dict[str, Any]:
    """Write a stage's tables, then its record last (`_Run.stored` removed the old record
    before building, so a stage killed half-way is never reused)."""
    for name, frame in tables.items():
        files.write_parquet(frame, folder / f"{name}.parquet")
    meta = {"stage": stage, "key": key, "built_at": datetime.now(UTC).isoformat(
        timespec="seconds"), **meta}
    files.write_text(_stage_file(folder, stage), json.dumps(meta, indent=2, default=str) + "\n")
    return meta


def _kept_matcher(path: Path, build: Callable[[], match.Matcher]) -> match.Matcher:
    """The matcher pickled at `path` by an earlier run of the same code, watchlist and
    look-alikes (our own file in the user's private data folder); built and kept otherwise,
    replacing the matchers of other versions. A file that will not load is built again."""
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
        if isinstance(kept, match.Matcher):
            return kept
    except FileNotFoundError:
        pass
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError):
        path.unlink(missing_ok=True)
    built = build()
    files.make_dir(path.parent)
    for old in path.parent.glob(".matcher-*.pickle"):
        old.unlink(missing_ok=True)
    files.write_with(path, lambda tmp: tmp.write_bytes(pickle.dumps(built, protocol=5)))
    return built


def _matcher_file(paths: config.Paths, wl: watchlist_mod.Watchlist, code: str) -> Path:
    key = _fingerprint(code=code, watchlist=wl.version,
                       innocents=_checksum(watchlist_mod.not_watchlisted_path()),
                       python=sys.version_info[:2])
    return paths.interim / f".matcher-{key}.pickle"


def kept_matcher(paths: config.Paths, wl: watchlist_mod.Watchlist, code: str) -> match.Matcher:
    """The matcher for this code, watchlist and look-alikes, kept in the data folder."""
    return _kept_matcher(_matcher_file(paths, wl, code), lambda: match.Matcher(
        wl, watchlist_mod.load_not_watchlisted(watchlist_mod.not_watchlisted_path())))


def _matcher_beside(r: _Run, wl: watchlist_mod.Watchlist) -> contextlib.AbstractContextManager:
    """Where no matcher is kept yet (a new data folder, code or watchlist), a forked copy
    builds and keeps it while the block runs (0.8 s, beside the normalise stage), and the
    match stage loads it (0.07 s); elsewhere nothing."""
    def keep() -> None:  # the copy keeps it in the data folder and sends nothing back
        r.matcher(wl)

    if not r.matcher_kept(wl) and workers.forking():
        return workers.beside(keep, "building the matcher")
    return contextlib.nullcontext()


def _watchlist(paths: config.Paths, watchlists: list[Path] | None) -> watchlist_mod.Watchlist:
    """The watchlist a run screens against: the shipped list, the changes the analyst
    accepted, then any --watchlist files."""
    return watchlist_mod.load([*changeset.layers(paths), *(watchlists or [])],
                              openalex_cache=paths.openalex_cache)


@dataclass
class _Run:
    """One run's inputs, resolved once."""

    institution: str
    key: str
    kind: str
    years: tuple[int, int]
    paths: config.Paths
    raw_files: list[Path]
    demo: bool
    pseudonymise: bool
    rebuild: bool
    say: Callable[[str], None]
    code: str = field(default_factory=code_fingerprint)
    _matcher: match.Matcher | None = None

    def matcher(self, wl: watchlist_mod.Watchlist) -> match.Matcher:
        """One matcher per run, shared by the match and grants stages, and kept between runs
        in the data folder: building it is most of a small run's matching time, and a rerun
        whose match stage is reused still needs it for the grants."""
        if self._matcher is None:
            self._matcher = kept_matcher(self.paths, wl, self.code)
        return self._matcher

    def matcher_kept(self, wl: watchlist_mod.Watchlist) -> bool:
        return self._matcher is not None or _matcher_file(self.paths, wl, self.code).is_file()

    @property
    def run_id(self) -> str:
        return f"{self.key}_{self.years[0]}-{self.years[1]}"

    @property
    def interim(self) -> Path:
        return self.paths.interim_run(self.run_id)

    @property
    def processed(self) -> Path:
        return self.paths.processed_run(self.run_id)

    def stored(self, stage: str, folder: Path, key: str, outputs: list[str],
               build: Callable[[], tuple[dict[str, pd.DataFrame], dict[str, Any]]]
               ) -> tuple[dict[str, Any], bool]:
        """Reuse a stage whose inputs are unchanged, or build it and store it."""
        if not self.rebuild and (meta := _reusable(folder, stage, key, outputs)):
            self.say(f"[{stage}] reused: inputs unchanged since {meta.get('built_at')}")
            return meta, True
        _stage_file(folder, stage).unlink(missing_ok=True)  # a stage half-built is never reused
        tables, meta = build()
        return _store(folder, stage, key, tables, meta), False


def _normalise_stage(r: _Run, checksums: dict[str, str]) -> tuple[dict[str, Any], bool]:
    key = _fingerprint(stage="normalise", code=r.code, raw=checksums, years=r.years,
                       institution=r.key, demo=r.demo, pseudonymise=r.pseudonymise,
                       secret=hashlib.sha256(pseudonym_key(r.paths)).hexdigest()
                       if r.pseudonymise else "")

    def build() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        warnings = Warnings()
        secret = pseudonym_key(r.paths) if r.pseudonymise else b""

        def rename(authorships: pd.DataFrame) -> None:
            authorships["author_name"] = [pseudonym(a, secret) for a in
                                          authorships["author_id"]]

        stream = normalise.normalise_files(
            r.raw_files, lambda path: _records([path], r.years, warnings), r.years,
            r.institution, r.interim, source="demo" if r.demo else "openalex",
            warnings=warnings, rename=rename if r.pseudonymise else None, say=r.say)
        if not stream.works:
            raise InputError(f"no works from {r.years[0]}-{r.years[1]} stored for "
                             f"{r.institution}")
        home = normalise.read_parquet(r.interim / "authorships.parquet", ["is_home"])
        if not home["is_home"].any():
            raise InputError(f"no authorship in the stored records is affiliated with "
                             f"{r.institution}; check the id (ROR or OpenAlex)")
        meta = {"institution": {"name": stream.institution_name,
                                "openalex_ids": sorted(stream.home.openalex_ids),
                                "rors": sorted(stream.home.rors)},
                "data_as_of": stream.data_as_of or "unknown", "works": stream.works,
                "raw": checksums, "warnings": warnings.as_dict()}
        return {}, meta

    return r.stored("normalise", r.interim, key, normalise.TABLE_NAMES, build)


def _match_stage(r: _Run, interim_key: str, wl: watchlist_mod.Watchlist
                 ) -> tuple[dict[str, Any], bool]:
    innocents_file, funders_file = watchlist_mod.not_watchlisted_path(), \
        watchlist_mod.defence_funders_path()
    key = _fingerprint(stage="match", code=r.code, interim=interim_key, watchlist=wl.version,
                       innocents=_checksum(innocents_file), funders=_checksum(funders_file),
                       threshold=match.FLAG_AT)

    def build() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        funders = watchlist_mod.load_defence_funders(funders_file)
        funding = normalise.read_parquet(r.interim / "funding.parquet")
        matcher = r.matcher(wl)
        tables = {"matches": stored_match.match_stored(r.interim, matcher,
                                                           workers.count()),
                  "funding_flags": match.match_funding(funding, funders, matcher)}
        return tables, {"interim": interim_key, "watchlist": wl.version}

    return r.stored("match", r.processed, key, ["matches", "funding_flags"], build)


def _attribute_key(r: _Run, interim_key: str, depts: list[departments.Department],
                   sources: dict[str, str]) -> str:
    return _fingerprint(stage="attribute", code=r.code, interim=interim_key,
                        departments=[(d.id, d.name, d.faculty, d.aliases) for d in depts],
                        sources=sources)


def _attribute_beside(r: _Run, norm: dict[str, Any], key: str) -> bool:
    """Whether the attribute stage is worth a forked copy beside the match stage: it will be
    built (not reused), and the run is large."""
    return norm.get("works", 0) >= BESIDE_WORKS and (
        r.rebuild or not _reusable(r.processed, "attribute", key, ["attributions"]))


def _attribute_stage(r: _Run, interim_key: str, depts: list[departments.Department],
                     roster: pd.DataFrame | None, sources: dict[str, str]
                     ) -> tuple[dict[str, Any], bool]:
    key = _attribute_key(r, interim_key, depts, sources)

    def build() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
        warnings = Warnings()
        works = normalise.read_parquet(r.interim / "works.parquet",
                                       ["work_id", "publication_date"])
        attributions = departments.attribute(slices.home_authorships(r.interim),
                                             slices.home_affiliations(r.interim), depts,
                                             roster, works, warnings)
        return {"attributions": attributions}, {"interim": interim_key,
                                                "warnings": warnings.as_dict()}

    return r.stored("attribute", r.processed, key, ["attributions"], build)


def _grants_stage(r: _Run, wl: watchlist_mod.Watchlist, depts: list[departments.Department],
                  roster: pd.DataFrame | None, funding_flags: pd.DataFrame
                  ) -> grants.GrantData:
    """Stored grant projects screened and attributed (cheap: rebuilt on every run); the
    tables are written to the processed folder for notebooks."""
    stored = grants.raw_files(r.paths, r.key)
    data = grants.build(
        stored, wl, watchlist_mod.load_not_watchlisted(),
        watchlist_mod.load_defence_funders(), depts, roster,
        normalise.read_parquet(r.interim / "funding.parquet"), funding_flags,
        r.matcher(wl) if stored else None)
    if data.grants:
        files.write_parquet(grants.contract_table(data), r.processed / "grants.parquet")
        files.write_parquet(data.links.astype({"tier": "Int64", "confidence": float}),
                            r.processed / "grant_links.parquet")
        files.write_parquet(data.attributions, r.processed / "grant_attributions.parquet")
        r.say(f"[grants] {len(data.grants)} grants from {', '.join(data.sources)}; "
              f"{data.links['grant_id'][data.links['flagged'].astype(bool)].nunique()} with "
              "a flag")
    return data


def _merged_warnings(*metas: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in metas:
        for kind, value in (meta.get("warnings") or {}).items():
            if kind in out:
                out[kind] = {"count": out[kind]["count"] + value["count"],
                             "examples": (out[kind]["examples"] + value["examples"])[:5]}
            else:
                out[kind] = value
    return dict(sorted(out.items()))


# ---- exposure and networks (always rebuilt: cheap, and they depend on the filter) ---------------
def analyse(tables: normalise.Tables, matches: pd.DataFrame, funding_flags: pd.DataFrame,
            attributions: pd.DataFrame, depts: list[departments.Department],
            wl: watchlist_mod.Watchlist, years: tuple[int, int], tiers: set[int] | None,
            categories: set[str] | None, timings: dict[str, float],
            say: Callable[[str], None], grant_data: grants.GrantData | None = None
            ) -> report.Outputs:
    """Select the flags once, then compute every table, figure input and graph from them.
    The co-authorship graph's communities (Louvain, the slowest step at a large university)
    are found by a forked copy while the exposure tables are computed; the stage times
    overlap by that much."""
    with contextlib.ExitStack() as later:  # spans both stages: Louvain runs beside
        with _stage("exposure", timings, say):
            rows = exposure.groups(depts)
            names = {g.id: g.name for g in rows if g.level == "department"}
            granted = grants.outputs(grant_data or grants.GrantData(), rows,
                                     names | {"unattributed": "Unattributed"}, tiers, categories)
            selected = exposure.select_flags(matches, tiers, categories)
            flags = exposure.flag_rows(selected, tables.works)
            graph = network.coauthor_graph(tables.authorships, flags, attributions)
            found = later.enter_context(workers.beside(
                lambda: network.communities(graph), "finding the network's communities",
                worth=graph.number_of_edges() > BESIDE_EDGES))
            sensitive = exposure.sensitive_works(tables.works, pd.read_csv(config.NSI_AREAS))
            table = exposure.by_department(tables.works, flags, attributions, funding_flags, rows,
                                           years, sensitive, granted.counts)
            flagged = exposure.flagged_works(tables.works, tables.authorships, flags, attributions,
                                             funding_flags, names, sensitive)
            dismissed = exposure.flagged_works(
                tables.works, tables.authorships, exposure.flag_rows(
                    selected.assign(flagged=selected["dismissed"]), tables.works),
                attributions, funding_flags, names, sensitive)
            works = {g.id: exposure.group_works(attributions, g) for g in rows}
            by_year = {g.id: exposure.by_year(tables.works, flags, attributions, g) for g in rows}
            partners = {g.id: exposure.partners(flags[flags["work_id"].isin(works[g.id])], wl)
                        for g in rows}
        with _stage("network", timings, say):
            graphs = {INSTITUTION: graph, "partners": network.partner_graph(flags, attributions)}
            bridging = {INSTITUTION: network.bridging_researchers(graph, tables.authorships,
                                                                     flags, 25)}
            later.close()  # the communities found beside
            for number, members in enumerate(found.value, start=1):
                for node in members:
                    graph.nodes[node]["community"] = number
            departments_only = [g for g in rows if g.level == "department"]
            for g in departments_only:
                graphs[g.id] = network.subgraph(graph, works[g.id], tables.authorships, flags)
                bridging[g.id] = network.bridging_researchers(
                    graph, tables.authorships[tables.authorships["work_id"].isin(works[g.id])],
                    flags)
    return report.Outputs(rows, table, flagged, selected, by_year, works, partners, bridging,
                          graphs, granted, review={"dismissed": dismissed})


def run(institution: str, years: tuple[int, int], *, roster: Path | None = None,
        departments_file: Path | None = None, watchlists: list[Path] | None = None,
        out: Path | None = None, data_dir: Path | None = None, quiet: bool = False,
        demo: bool = False, tiers: set[int] | None = None,
        categories: set[str] | None = None, pseudonymise: bool = False,
        rebuild: bool = False) -> Result:
    say = _say(quiet)
    paths = config.paths(data_dir)
    kind, key = parse_institution(institution)
    timings: dict[str, float] = {}
    r = _Run(institution, key, kind, years, paths, _raw_files(institution, key, years, paths,
                                                               data_dir, quiet),
             demo, pseudonymise, rebuild, say)
    out = report.check_out(Path(out) if out else config.reports_dir() / r.run_id)
    wait = f"another run of {r.run_id} is using {paths.data}; waiting for it to finish ..."
    with files.lock(paths.data / f".{r.run_id}.lock", lambda: say(wait)):
        return _run_locked(r, out, watchlists, roster, departments_file, tiers, categories,
                           timings)


def _run_locked(r: _Run, out: Path, watchlists: list[Path] | None, roster: Path | None,
                departments_file: Path | None, tiers: set[int] | None,
                categories: set[str] | None, timings: dict[str, float]) -> Result:
    say, paths, years = r.say, r.paths, r.years
    institution, key, kind, demo = r.institution, r.key, r.kind, r.demo
    with _stage("setup", timings, say):  # the watchlist, departments and inputs' checksums
        wl = _watchlist(paths, watchlists)
        depts, roster_frame = _departments(departments_file, roster)
        checksums = {str(f): cache.sha256(f) for f in r.raw_files}
        sources = {str(p): _checksum(p) for p in (roster, departments_file) if p}
    with contextlib.ExitStack() as building:  # the matcher, built beside the normalise stage
        building.enter_context(_matcher_beside(r, wl))
        with _stage("normalise", timings, say):
            norm, norm_reused = _normalise_stage(r, checksums)
        with contextlib.ExitStack() as later:  # the attribute stage, built beside the match
            attribute = later.enter_context(workers.beside(
                lambda: _attribute_stage(r, norm["key"], depts, roster_frame, sources),
                "the attribute stage", worth=_attribute_beside(
                    r, norm, _attribute_key(r, norm["key"], depts, sources))))
            with _stage("match", timings, say):
                building.close()  # waits for the matcher, if it is built beside
                matched, match_reused = _match_stage(r, norm["key"], wl)
            with _stage("attribute", timings, say):
                later.close()  # waits for the forked copy, or builds the stage here
                attributed, attr_reused = attribute.value
    stages = {"normalise": norm_reused, "match": match_reused, "attribute": attr_reused}
    with _stage("gather", timings, say):  # the stages' tables read back, the reviews applied
        matches = normalise.read_parquet(r.processed / "matches.parquet")
        tables = normalise.Tables(  # what analyse reads of them
            works=slices.works_counted(r.interim, matches["work_id"]),
            authorships=slices.authorships_near(r.interim, matches["work_id"],
                                                slices.ANALYSED_AUTHORSHIP_COLUMNS),
            affiliations=pd.DataFrame(columns=normalise.AFFILIATION_COLUMNS),
            funding=pd.DataFrame(columns=normalise.FUNDING_COLUMNS))
        funding_flags = normalise.read_parquet(r.processed / "funding_flags.parquet")
        attributions = normalise.read_parquet(r.processed / "attributions.parquet")
        matches, orphaned, reviewed = review.apply(matches, wl, paths.data)
    with _stage("grants", timings, say):
        grant_data = _grants_stage(r, wl, depts, roster_frame, funding_flags)
    outputs = analyse(tables, matches, funding_flags, attributions, depts, wl, years, tiers,
                      categories, timings, say, grant_data)
    counted = outputs.matches[outputs.matches["flagged"]]
    authorships, home_authorships = slices.authorship_counts(r.interim)
    counts = {
        "works": len(tables.works), "authorships": authorships,
        "home_authorships": home_authorships,
        "affiliations": normalise.row_count(r.interim / "affiliations.parquet"),
        "matches": len(matches),
        "flagged_matches": len(counted),
        "flagged_works": int(counted["work_id"].nunique()),
        "set_aside_by_filter": int(outputs.matches["set_aside"].sum()),
        "dismissed_by_review": int(outputs.matches["dismissed"].sum()),
        "defence_funding_works": int(funding_flags["work_id"].nunique()),
        "grants": len(grant_data.grants),
        "flagged_grants": int(outputs.grants.table["flagged"].sum()),
        "network_nodes": outputs.graphs[INSTITUTION].number_of_nodes(),
        "network_communities": len({c for _, c in outputs.graphs[INSTITUTION].nodes(
            data="community") if c}),
    }
    reflagged = flagchanges.compare(out, outputs.matches, wl.version)
    for line in flagchanges.describe(reflagged) if reflagged else []:
        say(line)
    with _stage("report", timings, say):
        warnings = _merged_warnings(norm, attributed)
        manifest = {
            "run_id": r.run_id,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "institution": {"id": institution, "key": key, "kind": kind, **norm["institution"]},
            "years": list(years),
            "data_as_of": norm["data_as_of"],
            "source": "the embedded demo, fictional" if demo else "stored OpenAlex records",
            "queries": _queries(r.raw_files),
            "inputs": checksums | sources | {str(f): cache.sha256(f) for f in grant_data.files},
            "grant_sources": grant_data.sources,
            "watchlist": {"version": wl.version, "files": wl.files, "entries": len(wl),
                          "suppressed": wl.suppressed, "tier_rule": watchlist_mod.TIER_RULE},
            "watchlist_changes": reflagged,
            "code_version": code_version(),
            "parameters": {"flag_threshold": match.FLAG_AT, "roster": str(roster or ""),
                           "tiers": sorted(tiers) if tiers else "all",
                           "categories": sorted(categories) if categories else "all",
                           "pseudonymised": r.pseudonymise,
                           "departments": str(departments_file or "")},
            "stages": {name: "reused" if reused else "built" for name, reused in stages.items()},
            "stage_keys": {"normalise": norm["key"], "match": matched["key"],
                           "attribute": attributed["key"]},
            "counts": counts,
            "warnings": warnings,
            "warnings_total": sum(w["count"] for w in warnings.values()),
            "timings_seconds": timings,
            "review": reviewed,
        }
        outputs.review |= changes.since_last(out, outputs, tables.works, wl, manifest,
                                             orphaned)
        report.write_run(out, outputs, manifest, demo=demo)
    reused = [name for name, flag in stages.items() if flag]
    say(f"reused {', '.join(reused)}; rebuilt the rest" if reused else "built every stage")
    say(f"wrote {out}")
    return Result(out, r.run_id, r.interim, timings, counts,
                  {k: "reused" if v else "built" for k, v in stages.items()},
                  outputs.departments, outputs.matches, attributions)


def _raw_files(institution: str, key: str, years: tuple[int, int], paths: config.Paths,
               data_dir: Path | None, quiet: bool) -> list[Path]:
    """The stored raw files, fetching missing years first when an API key is set."""
    found = cache.raw_files(paths, key)
    missing = [y for y in range(years[0], years[1] + 1)
               if not (paths.raw_institution("openalex", key) / f"{y}.jsonl.gz").exists()]
    if missing and not [f for f in found if "/openalex/" not in str(f)] \
            and config.openalex_credentials()[0]:
        fetch(institution, (missing[0], missing[-1]), data_dir=data_dir, quiet=quiet)
        found = cache.raw_files(paths, key)
    if not found:
        raise InputError(f"no records stored for {institution} under {paths.raw}; set "
                         f"{config.API_KEY_ENV} to fetch them from OpenAlex, or run "
                         f"`exposure import FILE --institution {institution}`")
    return found


def run_demo(out: Path | None = None, data_dir: Path | None = None, quiet: bool = False,
             pseudonymise: bool = False, rebuild: bool = False, **options: Any) -> Result:
    """Generate the fictional university's records (deterministic), store them, run it all.
    Where they must be generated, a forked copy does it while this process imports the
    reporting modules (under a second each; the run builds the matcher beside its normalise
    stage)."""
    from analysis import demo  # the generator is only needed here

    say = _say(quiet)
    start = time.perf_counter()
    say("[generate] building the demo university ...")
    if rebuild or not demo_records.stored(data_dir):
        with workers.beside(lambda: demo_records.store(data_dir, rebuild=True),
                            "generating the demo"):
            _prepare()
    generate = round(time.perf_counter() - start, 3)
    say(f"[generate] done in {generate:.2f}s")
    options = {"roster": config.DEMO_DIR / "roster.csv",
               "departments_file": config.DEMO_DIR / "departments.yaml"} | options
    result = run(demo.HOME_KEY, (min(demo.YEARS), max(demo.YEARS)),
                 out=out or config.reports_dir() / "demo", data_dir=data_dir, quiet=quiet,
                 demo=True, pseudonymise=pseudonymise, rebuild=rebuild, **options)
    result.timings = {"generate": generate, **result.timings}
    return result


def _prepare() -> None:
    """What a run needs first and the records do not: the reporting modules imported. (The
    matcher is not built here: with the records' generation now 0.6 s, this side was the
    longer by the matcher's half second, which the run's normalise stage hides.)"""
    for module in (report, network, grants):
        lazy.load(module)


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
    _kind, key = parse_institution(institution)
    client = openalex.Client(settings)
    openalex_id = short_id(found.get("id")) or key
    children = [a.get("display_name") for a in found.get("associated_institutions") or []
                if a.get("relationship") == "child"]
    say(f"institution: {found.get('display_name')} ({openalex_id}, ROR "
        f"{bare_ror(found.get('ror')) or 'none'}); its works include those of "
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
    _kind, key = parse_institution(institution)
    stored = cache.raw_files(paths, key)
    if not stored:
        raise InputError(f"no records stored for {institution} under {paths.raw}; fetch or "
                         "import them first")
    warnings = Warnings()
    records = list(_records(stored, years or (1900, 2100), warnings))
    home = normalise.resolve_home(institution, records)
    tables = normalise.normalise(records, home, warnings=warnings)
    name = normalise.institution_name(records, home)
    groups = departments.suggest(tables.authorships, tables.affiliations, [name])
    return departments.suggestions_yaml(groups, name), groups
