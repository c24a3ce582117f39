"""The run directory: HTML reports, CSV tables and the manifest, written all-or-nothing.

Reports name real researchers, so everything is created owner-only (files 0600, folders 0700)
and built in a temporary folder that replaces the target only when complete. Every string from
the data is escaped by Jinja2's autoescape; links are only ever https://doi.org/.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from analysis import config, network, plots, workbook

FORMULA_STARTS = workbook.FORMULA_STARTS


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(config.TEMPLATES_DIR),
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text from the open web (a title starting with =)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    _write(path, frame.map(safe_cell).to_csv(index=False))


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


def write_run(out: Path, *, departments: pd.DataFrame, flagged: pd.DataFrame,
              matches: pd.DataFrame, years_by_dept: dict[str, pd.DataFrame],
              dept_works: dict[str, set[str]],
              manifest: dict[str, Any], demo: bool = False,
              graphs: dict[str, Any] | None = None,
              bridging: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the whole run directory; the previous one is replaced only on success."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        os.chmod(staging, 0o700)
        (staging / "departments").mkdir(mode=0o700)
        (staging / "tables").mkdir(mode=0o700)
        (staging / "networks").mkdir(mode=0o700)
        bridging = bridging or {}
        env = _environment()
        records = departments.to_dict("records")
        total = next(r for r in records if r["department"] == "all")
        listed = [r for r in records if r["level"] == "department"]
        listed.sort(key=lambda r: r["review_priority"])
        faculties = [r for r in records if r["level"] == "faculty"]
        common = {"manifest": manifest, "demo": demo, "total": total}
        figures = _index_figures(departments, flagged, manifest)
        _write(staging / "index.html", env.get_template("index.html").render(
            departments=listed, faculties=faculties, figures=figures,
            summary=summary_sentence(total, departments), **common))
        for faculty in faculties:  # a faculty's page covers its departments' works
            members = {d["department"] for d in listed if d["faculty"] == faculty["faculty"]}
            dept_works[faculty["department"]] = set().union(
                *(dept_works.get(m, set()) for m in members))
            faculty["slug"] = "faculty-" + "".join(
                c if c.isalnum() else "-" for c in faculty["faculty"].lower())
        for dept in [*listed, *faculties]:
            rows = flagged[flagged["work_id"].isin(dept_works[dept["department"]])]
            items = [dict(r, doi_url=doi_url(r["doi"])) for r in rows.to_dict("records")]
            partners = (rows.drop_duplicates(["work_id", "root_name"])
                        .groupby("root_name").agg(works=("work_id", "nunique"),
                                                  tier=("tier", "min"),
                                                  link_type=("link_type", "first"),
                                                  lists=("lists", "first"))
                        .reset_index().sort_values("works", ascending=False)
                        .to_dict("records")) if len(rows) else []
            people = bridging.get(dept["department"])
            slug = dept.get("slug", dept["department"])
            graph = (graphs or {}).get(dept["department"])
            figure = _figure(plots.partner_network(graph), f"net-{slug}",
                             "Network of the department's researchers and the watchlisted "
                             "partners their flagged works link to") \
                if graph is not None and graph.number_of_edges() else None
            years = years_by_dept.get(dept["department"])
            _write(staging / "departments" / f"{slug}.html",
                   env.get_template("department.html").render(
                       dept=dept, flagged=items, partners=partners, network=figure,
                       bridging=[] if people is None else people.to_dict("records"),
                       years=[] if years is None else years.to_dict("records"), **common))
        _write_csv(departments, staging / "tables" / "departments.csv")
        if "all" in bridging:
            _write_csv(bridging["all"], staging / "tables" / "bridging_researchers.csv")
        for name, graph in (graphs or {}).items():
            target = staging / "networks" / f"{name}.graphml"
            network.write_graphml(graph, target)
            os.chmod(target, 0o600)
        _write_csv(flagged, staging / "tables" / "flagged_works.csv")
        matches_out = matches.assign(lists=matches["lists"].map(
            lambda v: "; ".join(v) if v is not None else ""))
        _write_csv(matches_out, staging / "tables" / "matches.csv")
        _write(staging / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
        workbook.write(staging / "exposure.xlsx", departments=departments, flagged=flagged,
                       matches=matches_out, manifest=manifest,
                       method=_method_text())
        os.chmod(staging / "exposure.xlsx", 0o600)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out
