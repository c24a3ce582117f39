"""Figures for the reports: each function takes tables and returns a matplotlib Figure.

One style for all: the Okabe-Ito colour-blind-safe palette plus hatching, so a figure still
reads when printed in black and white. `svg()` turns a figure into inline SVG text (no external
files, no requests).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any, TypeVar

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from analysis import network  # noqa: E402

TIER_COLOURS = {1: "#D55E00", 2: "#E69F00", 3: "#56B4E9"}
TIER_HATCH = {1: "///", 2: "..", 3: ""}
INK = "#222222"


F = TypeVar("F", bound=Callable[..., Figure])


def plain_text(draw: F) -> F:
    """Labels come from the data: "$" in a department's name is a dollar sign, not maths."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with plt.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _figure(width: float = 7.0, height: float = 3.2) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=INK, labelsize=9)
    return fig, ax


@plain_text
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
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Flagged works")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


@plain_text
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


@plain_text
def top_partners(flagged: pd.DataFrame, limit: int = 10) -> Figure:
    """Watchlisted partners (rolled up) by the number of flagged works."""
    counts = (flagged.drop_duplicates(["work_id", "root_name"])["root_name"]
              .value_counts().head(limit).sort_values())
    fig, ax = _figure(height=0.32 * len(counts) + 1)
    ax.barh(counts.index, counts.values, color="#009E73", hatch="//", edgecolor=INK,
            linewidth=0.5)
    ax.set_xlabel("Flagged works")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    return fig


@plain_text
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
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
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


@plain_text
def partner_network(graph: Any) -> Figure:
    """Home researchers (circles) and the watchlisted partners (squares) their flagged works
    link to; external co-authors are folded into the researcher-partner edges."""
    import networkx as nx

    home = [n for n, k in graph.nodes(data="kind") if k == network.HOME]
    partners = [n for n, k in graph.nodes(data="kind") if k == network.PARTNER]
    kind = dict(graph.nodes(data="kind"))
    linked = {co for p in partners for co in graph.adj[p]}  # the few co-authors that matter
    reach: dict[Any, list[Any]] = {}  # a co-author's partners, looked up once, in its order
    weights: dict[tuple[Any, Any], int] = {}
    for h in home:
        for co in graph.adj[h]:
            if co not in linked:
                continue
            if (found := reach.get(co)) is None:
                found = reach[co] = [p for p in graph.adj[co] if kind.get(p) == network.PARTNER]
            for p in found:
                weights[h, p] = weights.get((h, p), 0) + 1
    folded = nx.Graph()
    folded.add_weighted_edges_from((h, p, w) for (h, p), w in weights.items())
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    ax.axis("off")
    if folded.number_of_edges():
        pos = nx.spring_layout(folded, seed=1, k=0.6)
        nx.draw_networkx_edges(folded, pos, ax=ax, width=0.6, edge_color="#777777")
        shown = [n for n in folded if n in home]
        nx.draw_networkx_nodes(folded, pos, nodelist=shown, ax=ax, node_size=40,
                               node_color="#0072B2", edgecolors=INK, linewidths=0.4)
        parts = [n for n in folded if n in partners]
        nx.draw_networkx_nodes(folded, pos, nodelist=parts, ax=ax, node_size=120,
                               node_shape="s", node_color="#D55E00", edgecolors=INK,
                               linewidths=0.6)
        nx.draw_networkx_labels(folded, pos, ax=ax, font_size=7,
                                labels={n: graph.nodes[n]["label"] for n in parts})
    fig.tight_layout()
    return fig


@plain_text
def partner_timeline(per_year: pd.Series, listings: list[tuple[str, str, bool]],
                     years: tuple[int, int]) -> Figure:
    """Flagged works with one partner per year against its listing dates: a dashed line where a
    list added it (dotted where only "listed by" that date is known)."""
    first = min([years[0], *(int(d[:4]) for _, d, _ in listings if d)])
    span = range(first, years[1] + 1)
    counts = per_year.reindex(span, fill_value=0)
    fig, ax = _figure(height=3.0)
    ax.bar(counts.index, counts.values, color=TIER_COLOURS[1], hatch=TIER_HATCH[1],
           edgecolor=INK, linewidth=0.5, label="Flagged works")
    top = max(1, int(counts.max()))
    for number, (code, start, known) in enumerate(sorted(listings, key=lambda x: x[1])):
        if not start:
            continue
        parts = [int(p) for p in start.split("-")]
        x = parts[0] - 0.5 + ((parts[1] - 1) / 12 if len(parts) > 1 else 0)
        ax.axvline(x, color=INK, linestyle="--" if known else ":", linewidth=1)
        ax.text(x, top * (1.05 + 0.12 * (number % 3)), f" {code} {'' if known else 'by '}"
                f"{start}", fontsize=7, color=INK)
    ax.set_xticks(list(span))
    ax.set_ylim(0, top * 1.45)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Flagged works")
    fig.tight_layout()
    return fig
