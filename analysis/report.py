"""The run directory: HTML reports, CSV tables, workbook and manifest, written all-or-nothing.

Reports name real researchers, so everything is created owner-only (files 0600, folders 0700)
and built in a temporary folder that replaces the target only when complete. Every string from
the data is escaped by Jinja2's autoescape; links are only ever https://doi.org/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from analysis import config, files, network, plots, workbook
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


def write_run(out: Path, outputs: Outputs, manifest: dict[str, Any], demo: bool = False
              ) -> Path:
    """Write the whole run directory; the previous one is replaced only on success."""
    out = Path(out).resolve()
    files.make_dir(out.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        os.chmod(staging, 0o700)
        for folder in ("departments", "tables", "networks"):
            (staging / folder).mkdir(mode=0o700)
        _write_pages(staging, outputs, manifest, demo)
        _write_tables(staging, outputs, manifest)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _write_pages(staging: Path, o: Outputs, manifest: dict[str, Any], demo: bool) -> None:
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
    files.write_text(staging / "index.html", env.get_template("index.html").render(
        departments=listed, faculties=faculties,
        figures=_index_figures(o.departments, o.flagged, manifest),
        summary=summary_sentence(total, o.departments), **common))
    for g in shown:
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
            partners=o.partners[g.id].to_dict("records"),
            bridging=[] if people is None else people.to_dict("records"),
            years=[] if years is None else years.to_dict("records"), **common))


def _write_tables(staging: Path, o: Outputs, manifest: dict[str, Any]) -> None:
    tables = staging / "tables"
    files.write_csv(o.departments, tables / "departments.csv")
    files.write_csv(o.bridging[INSTITUTION], tables / "bridging_researchers.csv")
    files.write_csv(o.partners[INSTITUTION], tables / "partners.csv")
    files.write_csv(o.flagged, tables / "flagged_works.csv")
    files.write_csv(o.matches, tables / "matches.csv")
    by_slug = {g.id: g.slug for g in o.groups} | {INSTITUTION: "institution"}
    for name, graph in o.graphs.items():
        network.write_graphml(graph, staging / "networks" / f"{by_slug.get(name, name)}.graphml")
    files.write_text(staging / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
    files.write_with(staging / "exposure.xlsx", lambda tmp: workbook.write(
        tmp, departments=o.departments, flagged=o.flagged, matches=o.matches,
        partners=o.partners[INSTITUTION], manifest=manifest, method=_method_text()))
