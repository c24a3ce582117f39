"""The run directory: HTML reports, CSV tables, workbook and manifest, written all-or-nothing.

Reports name real researchers, so everything is created owner-only (files 0600, folders 0700)
and built in a temporary folder that replaces the target only when complete. Every string from
the data is escaped by Jinja2's autoescape; links are only ever https://doi.org/.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from analysis import config, files, grants, network, plots, review_view, workbook, workers
from analysis.errors import InputError
from analysis.exposure import INSTITUTION, Group


@dataclass
class Outputs:
    """Everything one run shows, computed once from the selected flags."""

    groups: list[Group]
    departments: pd.DataFrame  # one row per group
    flagged: pd.DataFrame  # one row per counted flag, with its evidence
    matches: pd.DataFrame  # every link, counted or not
    years: dict[str, pd.DataFrame]  # per group id
    works: dict[str, set[str]]  # per group id
    partners: dict[str, pd.DataFrame]  # per group id
    bridging: dict[str, pd.DataFrame]  # per group id
    graphs: dict[str, nx.Graph]  # per group id, plus "partners"
    grants: Any = None  # grants.GrantOutputs
    review: dict[str, Any] = field(default_factory=dict)  # dismissed, orphans, snapshot, since


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(config.TEMPLATES_DIR),
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def _figure(fig: Any, name: str, alt: str) -> dict[str, Any]:
    """A figure as inline SVG (drawn by matplotlib, which escapes its text) plus its alt text."""
    return {"svg": Markup(plots.svg(fig, name)), "alt": alt}


def _index_figures(departments: pd.DataFrame, flagged: pd.DataFrame,
                   manifest: dict[str, Any]) -> list[dict[str, Any]]:
    years = tuple(manifest["years"])
    return [
        {**_figure(plots.flagged_by_year(flagged, years), "by-year",
                   "Bar chart of flagged works per year, stacked by tier"),
         "caption": "Flagged works per year, by the most serious tier involved"},
        {**_figure(plots.departments_compared(departments), "departments",
                   "Bar chart of the share of each department's works that are flagged"),
         "caption": "Departments compared: share of works flagged (count at the bar's end)"},
        {**_figure(plots.top_partners(flagged), "partners",
                   "Bar chart of the watchlisted partners with most flagged works"),
         "caption": "Top watchlisted partners by flagged works"},
        {**_figure(plots.military_vs_repression(departments), "links",
                   "Paired bar chart of military and repression links per department"),
         "caption": "Military links and repression or surveillance links, by department"},
    ]


def _method_text() -> str:
    path = config.PROJECT_ROOT / "reports" / "METHOD.md"
    return path.read_text(encoding="utf-8") if path.exists() else \
        "See reports/METHOD.md in the project for every formula."


def doi_url(doi: Any) -> str | None:
    if isinstance(doi, str) and doi.lower().startswith("https://doi.org/10."):
        return doi
    return None


def summary_sentence(total: dict[str, Any], departments: pd.DataFrame) -> str:
    named = departments[(departments["level"] == "department")
                        & (departments["department"] != "unattributed")]
    top = named.sort_values("review_priority").head(2)["department_name"].tolist()
    share = total["share"] * 100
    lead = (f"{total['flagged_works']} of {total['works']} works ({share:.1f}%) have a co-author "
            f"whose affiliation links to a watchlisted institution; {total['tier1_works']} of "
            "them involve tier-1 institutions (the most serious; the tier rule is under Method).")
    if top and total["flagged_works"]:
        lead += f" Review should start with {' and '.join(top)}."
    return lead


def counting(parameters: dict[str, Any]) -> str:
    """What the flag filter keeps, in words, for every report's header ("" when everything)."""
    parts = []
    if parameters.get("tiers") not in (None, "all"):
        parts.append("tier " + " and ".join(str(t) for t in parameters["tiers"]))
    if parameters.get("categories") not in (None, "all"):
        parts.append("categories " + ", ".join(parameters["categories"]))
    return f"Counting {' in '.join(parts)} only." if parts else ""


#: Every run folder carries this file; only a folder that has it (or an older run's manifest)
#: may be replaced by a new run.
MARKER = ".exposure-run"


def check_out(out: Path) -> Path:
    """`--out` must be a new folder or a run folder this tool wrote; anything else is refused
    before any work is done, and a symbolic link is never followed to delete what it points to."""
    out = Path(out).expanduser().absolute()
    if out.is_symlink():
        raise InputError(f"--out {out}: is a symbolic link; give the real folder (a run never "
                         "deletes through a link)")
    if not out.exists():
        return out
    if not out.is_dir():
        raise InputError(f"--out {out}: is a file; give a new folder or an earlier run's folder")
    if not is_run_dir(out):
        raise InputError(f"--out {out}: exists and was not written by exposure (no {MARKER} "
                         "marker), so it is left alone; choose a new folder")
    return out


def is_run_dir(folder: Path) -> bool:
    if (folder / MARKER).is_file():
        return True
    try:  # runs written before the marker existed
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"run_id", "watchlist", "code_version"} <= set(
        manifest) and (folder / "index.html").is_file()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: Path) -> list[Path]:
    """Staging and swapped-out folders of runs that died (they name researchers): an old run
    left without its replacement goes back in place, the rest is removed."""
    removed = []
    for folder in out.parent.glob(f".{out.name}.*-*"):
        kind, _, rest = folder.name[len(out.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("staging", "old") or not pid.isdigit() or _alive(int(pid)) \
                or folder.is_symlink() or not folder.is_dir():
            continue
        if kind == "old" and not out.exists():
            folder.rename(out)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    swap = getattr(libc, "renameat2", None)
    if swap is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if swap(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, out: Path) -> None:
    """Put the finished run at `out`. Where the kernel swaps in one step, a kill at any moment
    leaves the old run or the new one at `out`; elsewhere the old run is moved aside first and
    `clean_stale` puts it back if the new one never arrived."""
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging)  # now the previous run
        return
    aside = out.with_name(f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    out.rename(aside)
    staging.rename(out)
    shutil.rmtree(aside)


def write_run(out: Path, outputs: Outputs, manifest: dict[str, Any], demo: bool = False
              ) -> Path:
    """Write the whole run directory beside the target, then swap it in."""
    start = time.perf_counter()
    out = check_out(out)
    files.make_dir(out.parent)
    clean_stale(out)
    staging = out.with_name(f".{out.name}.staging-{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir(mode=0o700)
    try:
        for folder in ("departments", "tables", "networks"):
            (staging / folder).mkdir(mode=0o700)
        with workbook.writing(staging / "exposure.xlsx", **_workbook(outputs, manifest)), \
                workers.beside(lambda: _write_tables(staging, outputs), "writing the tables",
                               worth=_table_cells(outputs) > BESIDE_CELLS):
            _write_pages(staging, outputs, manifest, demo)
        manifest.setdefault("timings_seconds", {})["report"] = round(
            time.perf_counter() - start, 3)  # the manifest is written last, so it can say
        files.write_text(staging / "manifest.json",
                         json.dumps(manifest, indent=2, default=str) + "\n")
        files.write_text(staging / MARKER, json.dumps(
            {"written_by": "exposure", "run_id": manifest["run_id"],
             "generated_at": manifest["generated_at"]}) + "\n")
        check_out(out)  # the target may have changed while we worked
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


#: Department and faculty pages (each with a network figure) shared with a forked copy from
#: this many: on the demo's 19, the report stage took 1.4 to 1.6 s instead of 1.7 to 1.9.
BESIDE_PAGES = 4


def _write_pages(staging: Path, o: Outputs, manifest: dict[str, Any], demo: bool) -> None:
    """The index and a page per department and faculty. A forked copy takes the group pages
    in turn from the first, and this process joins it once the index is written: its four
    figures take as long as a dozen of the demo's group pages."""
    env = _environment()
    rows = {r["department"]: r for r in o.departments.to_dict("records")}
    shown = [g for g in o.groups if g.level != "institution"]
    for g in shown:
        rows[g.id]["slug"] = g.slug
    total = rows[INSTITUTION]
    listed = sorted((rows[g.id] for g in shown if g.level == "department"),
                    key=lambda r: r["review_priority"])
    faculties = [rows[g.id] for g in shown if g.level == "faculty"]
    common = {"manifest": manifest, "demo": demo, "total": total,
              "counting": counting(manifest["parameters"])}
    deal = workers.dealer(len(shown))

    def group_pages() -> None:
        while (turn := deal()) is not None:
            _group_page(staging, env, o, rows, shown[turn], common)

    env.get_template("department.html")  # compiled once, before the fork
    with workers.beside(group_pages, "writing the department pages",
                        worth=len(shown) >= BESIDE_PAGES):
        files.write_text(staging / "index.html", env.get_template("index.html").render(
            departments=listed, faculties=faculties,
            figures=_index_figures(o.departments, o.flagged, manifest),
            grants=grants.section(o.grants, next(g for g in o.groups if g.id == INSTITUTION)),
            summary=summary_sentence(total, o.departments),
            review=review_view.context(o.review, None), **common))
        group_pages()


def _group_page(staging: Path, env: Environment, o: Outputs, rows: dict[str, dict[str, Any]],
                g: Any, common: dict[str, Any]) -> None:
    flagged = o.flagged[o.flagged["work_id"].isin(o.works[g.id])]
    items = [dict(r, doi_url=doi_url(r["doi"])) for r in flagged.to_dict("records")]
    graph = o.graphs.get(g.id)
    figure = _figure(plots.partner_network(graph), f"net-{g.slug}",
                     "Network of the department's researchers and the watchlisted "
                     "partners their flagged works link to") \
        if graph is not None and graph.number_of_edges() else None
    people, years = o.bridging.get(g.id), o.years.get(g.id)
    files.write_text(staging / "departments" / f"{g.slug}.html",
                     env.get_template("department.html").render(
        dept=rows[g.id], flagged=items, network=figure,
        partners=o.partners[g.id].to_dict("records"), grants=grants.section(o.grants, g),
        bridging=[] if people is None else people.to_dict("records"),
        years=[] if years is None else years.to_dict("records"),
        review=review_view.context(o.review, o.works[g.id]), **common))


#: Tables (and network edges) of more cells than this are written by a forked copy beside the
#: pages: at 100,000 works they take seconds, and a fork's start a few tenths of one.
BESIDE_CELLS = 200_000


def _table_cells(o: Outputs) -> int:
    return o.flagged.size + o.matches.size + sum(3 * g.number_of_edges() + 4 * len(g)
                                                 for g in o.graphs.values())


def _write_tables(staging: Path, o: Outputs) -> None:
    tables = staging / "tables"
    files.write_csv(o.departments, tables / "departments.csv")
    files.write_csv(o.bridging[INSTITUTION], tables / "bridging_researchers.csv")
    files.write_csv(o.partners[INSTITUTION], tables / "partners.csv")
    files.write_csv(o.flagged, tables / "flagged_works.csv")
    files.write_csv(o.matches, tables / "matches.csv")
    if o.grants is not None:
        files.write_csv(o.grants.table, tables / "grants.csv")
        files.write_csv(o.grants.flagged, tables / "flagged_grants.csv")
    by_slug = {g.id: g.slug for g in o.groups} | {INSTITUTION: "institution"}
    network.write_graphmls({by_slug.get(name, name): graph for name, graph in o.graphs.items()},
                           staging / "networks")
    review_view.write_tables(staging, o.review)


def _workbook(o: Outputs, manifest: dict[str, Any]) -> dict[str, Any]:
    """`workbook.write`'s sheets for this run."""
    return {"departments": o.departments, "flagged": o.flagged, "matches": o.matches,
            "partners": o.partners[INSTITUTION], "manifest": manifest, "method": _method_text(),
            "grants": None if o.grants is None else o.grants.table,
            "flagged_grants": None if o.grants is None else o.grants.flagged,
            "review": review_view.sheet(o.review)}
