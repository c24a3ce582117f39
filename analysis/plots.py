"""Figures for the reports: each function takes tables and returns a matplotlib Figure.

One style for all: the Okabe-Ito colour-blind-safe palette plus hatching, so a figure still
reads when printed in black and white. `svg()` turns a figure into inline SVG text (no external
files, no requests).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

TIER_COLOURS = {1: "#D55E00", 2: "#E69F00", 3: "#56B4E9"}
TIER_HATCH = {1: "///", 2: "..", 3: ""}
INK = "#222222"


def _figure(width: float = 7.0, height: float = 3.2) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=INK, labelsize=9)
    return fig, ax


def flagged_by_year(flagged: pd.DataFrame, years: tuple[int, int]) -> Figure:
    """Flagged works per year, stacked by the work's most serious tier."""
    per_work = flagged.groupby("work_id").agg(year=("publication_year", "first"),
                                              tier=("tier", "min"))
    table = per_work.groupby(["year", "tier"]).size().unstack(fill_value=0)
    table = table.reindex(range(years[0], years[1] + 1), fill_value=0)
    fig, ax = _figure()
    bottom = pd.Series(0, index=table.index)
    for tier in (1, 2, 3):
        values = table[tier] if tier in table else pd.Series(0, index=table.index)
        ax.bar(table.index, values, bottom=bottom, color=TIER_COLOURS[tier],
               hatch=TIER_HATCH[tier], edgecolor=INK, linewidth=0.5, label=f"Tier {tier}")
        bottom = bottom + values
    ax.set_xticks(list(table.index))
    ax.set_ylabel("Flagged works")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def departments_compared(departments: pd.DataFrame) -> Figure:
    """Share of each department's works that are flagged, most exposed first."""
    rows = departments[departments["level"] == "department"].sort_values("share")
    fig, ax = _figure(height=0.32 * len(rows) + 1)
    ax.barh(rows["department_name"], rows["share"] * 100, color="#0072B2", edgecolor=INK,
            linewidth=0.5)
    for y, (share, flagged) in enumerate(zip(rows["share"], rows["flagged_works"],
                                             strict=True)):
        ax.text(share * 100, y, f" {flagged}", va="center", fontsize=8, color=INK)
    ax.set_xlabel("Flagged works, % of the department's works (count at bar end)")
    fig.tight_layout()
    return fig


def top_partners(flagged: pd.DataFrame, limit: int = 10) -> Figure:
    """Watchlisted partners (rolled up) by the number of flagged works."""
    counts = (flagged.drop_duplicates(["work_id", "root_name"])["root_name"]
              .value_counts().head(limit).sort_values())
    fig, ax = _figure(height=0.32 * len(counts) + 1)
    ax.barh(counts.index, counts.values, color="#009E73", hatch="//", edgecolor=INK,
            linewidth=0.5)
    ax.set_xlabel("Flagged works")
    fig.tight_layout()
    return fig


def military_vs_repression(departments: pd.DataFrame) -> Figure:
    """Flagged works with military links and with repression/surveillance links."""
    rows = departments[departments["level"] == "department"]
    rows = rows[rows["flagged_works"] > 0].sort_values("flagged_works")
    fig, ax = _figure(height=0.32 * len(rows) + 1)
    y = range(len(rows))
    ax.barh([v + 0.2 for v in y], rows["military_works"], height=0.4, color="#CC79A7",
            edgecolor=INK, linewidth=0.5, label="Military links")
    ax.barh([v - 0.2 for v in y], rows["repression_works"], height=0.4, color="#F0E442",
            hatch="xx", edgecolor=INK, linewidth=0.5, label="Repression / surveillance")
    ax.set_yticks(list(y), rows["department_name"])
    ax.set_xlabel("Flagged works")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def svg(fig: Figure, name: str) -> str:
    """Inline SVG (matplotlib escapes the text it draws), with element ids salted by `name`
    so several figures can share one page."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]
